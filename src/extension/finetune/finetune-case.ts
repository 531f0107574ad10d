// One opened image and its mask as a fine-tuning case, without VS Code: the checks that refuse a case the model cannot
// learn from (no labelled voxel, labels outside the card's label map), the model's channels gathered exactly as
// Segment gathers them (RAS layout, float32), the current labels (unsaved edits included), the hand-edited map, the
// reorientation to the card's orientation, and the file the adapted model goes to (never the base model's).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceRequest } from '../../core/inference';
import { cardPathFor, type ModelCard } from '../../core/models';
import { planReorientation } from '../../core/nifti/reorient';
import { voxelSpacing } from '../../core/inference/scan-channels';
import { learnableLabels as coreLearnableLabels } from '../../core/training/finetune-inputs';
import type { FinetuneJob } from '../../core/training/finetune-protocol';
import { finetunedName } from '../../core/training/lineage';
import { gatherChannels, type ChannelGatherPorts } from '../segment/segment-run';
import type { UriLike } from '../viewer/host-ports';
import type { RasScan } from '../viewer/ras-scan';
import type { FinetuneChoices } from './finetune-settings';

/** The case cannot be learnt from; the message is for the user as it is. */
export class FinetuneCaseError extends Error {
  override readonly name = 'FinetuneCaseError';
}

/** AdamW weight decay: not a setting (DEFAULT_FINETUNE's). */
export const FINETUNE_WEIGHT_DECAY = 1e-5;

export interface LabelCount {
  readonly label: number;
  readonly voxels: number;
}

/** Labelled voxels per label value, ascending; background is left out. */
export function labelCounts(labels: Uint8Array): LabelCount[] {
  const counts = new Float64Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const out: LabelCount[] = [];
  for (let label = 1; label < 256; label++) if (counts[label]! > 0) out.push({ label, voxels: counts[label]! });
  return out;
}

/** The labels a card's heads learn besides background, ascending, with their names (core's learnableLabels). */
export function learnableLabels(card: Pick<ModelCard, 'labels'>): Map<number, string> {
  return new Map([...coreLearnableLabels(card.labels)].filter(([label]) => label !== 0).sort((a, b) => a[0] - b[0]));
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "1 necrotic core, 2 edema, 4 enhancing tumor". */
export function describeLearnable(card: Pick<ModelCard, 'labels'>): string {
  return [...learnableLabels(card)].map(([l, name]) => `${l} ${name}`).join(', ');
}

export function emptyMaskMessage(image: string): string {
  return `the mask of ${image} has no labelled voxel to learn from: paint or accept labels first, then fine-tune`;
}

/**
 * The labels' counts when the model can learn from them; otherwise a FinetuneCaseError that says what to do:
 * an empty mask asks for labels, labels outside the card's map are named with their voxel counts.
 */
export function checkCaseLabels(image: string, modelName: string, labels: Uint8Array, card: Pick<ModelCard, 'labels'>): LabelCount[] {
  const counts = labelCounts(labels);
  if (counts.length === 0) throw new FinetuneCaseError(emptyMaskMessage(image));
  const learnable = learnableLabels(card);
  const foreign = counts.filter((c) => !learnable.has(c.label));
  if (foreign.length > 0) {
    const list = foreign.map((c) => `${c.label} (${plural(c.voxels, 'voxel')})`);
    const what = foreign.length === 1 ? `the label ${list[0]}` : `the labels ${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
    throw new FinetuneCaseError(`${modelName} cannot learn ${what} in the mask of ${image}: it learns only `
      + `${describeLearnable(card)}. Relabel or erase ${foreign.length === 1 ? 'those voxels' : 'them'} first`);
  }
  return counts;
}

/** The mask as fine-tuning reads it (DocumentMask). */
export interface CaseMask {
  /** The current labels, RAS layout, unsaved edits included. */
  readonly data: Uint8Array;
  /** 1 where a voxel is the user's work. */
  handEditMap(): Uint8Array;
  info(): { readonly file: string };
  readonly hasUnsavedEdits: boolean;
}

export interface BaseModel {
  readonly name: string;
  readonly path: string;
  readonly card: ModelCard;
}

export interface FinetuneRequest {
  readonly choices: FinetuneChoices;
  readonly device: DeviceRequest;
  readonly threads: number;
  /** The folder the adapted model is written to (created by the caller). */
  readonly folder: string;
  readonly now?: Date;
}

export interface PreparedCase {
  readonly job: FinetuneJob;
  /** Where each model channel came from (for the log). */
  readonly inputs: readonly string[];
  readonly maskFile: string;
  readonly unsaved: boolean;
  readonly counts: readonly LabelCount[];
  /** Voxels the user's work covers (patches prefer them). */
  readonly handEdited: number;
}

/**
 * The job for runFinetune. The labels are checked before any channel is read or asked for, so a case that cannot be
 * learnt from costs no question. Every buffer is a fresh copy: the job's buffers are transferred to the worker, and
 * the user may go on editing while it trains.
 */
export async function prepareFinetuneCase<U extends UriLike<U>>(
  image: U, scan: RasScan, folderFiles: readonly string[] | undefined, mask: CaseMask, base: BaseModel, request: FinetuneRequest,
  ports: ChannelGatherPorts<U>,
): Promise<PreparedCase> {
  const { card } = base;
  const labels = mask.data.slice();
  const counts = checkCaseLabels(scan.file, base.name, labels, card);
  const corrected = mask.handEditMap();
  let handEdited = 0;
  for (let i = 0; i < corrected.length; i++) handEdited += corrected[i]!;
  const maskFile = mask.info().file;
  const unsaved = mask.hasUnsavedEdits;
  const { channels, inputs, files } = await gatherChannels(image, scan, folderFiles, card, ports);
  const shape = scan.geometry.shape;
  const { choices } = request;
  const job: FinetuneJob = {
    model: base.path, card, channels, labels, corrected: handEdited > 0 ? corrected : null,
    spatialShape: [shape[0], shape[1], shape[2]],
    plan: planReorientation(scan.geometry.affine, shape, card.orientation),
    spacing: voxelSpacing(scan.geometry.affine),
    settings: {
      steps: choices.steps, scope: choices.scope, lr: choices.lr, weightDecay: FINETUNE_WEIGHT_DECAY, seed: choices.seed,
      device: request.device, threads: request.threads,
    },
    output: finetunedModelPath(request.folder, card.name, base.path, request.now),
    caseNames: { images: files, mask: maskFile },
  };
  return { job, inputs, maskFile, unsaved, counts, handEdited };
}

/**
 * `<folder>/<base>-ft-<UTC time>.onnx`: finetunedName's name, a second later while a model or card of that name
 * exists (two runs within one second), and never the base model's own file.
 */
export function finetunedModelPath(folder: string, baseName: string, basePath: string, now = new Date(),
  exists: (path: string) => boolean = existsSync): string {
  for (let k = 0; k < 3600; k++) {
    const path = join(folder, `${finetunedName(baseName, new Date(now.getTime() + 1000 * k))}.onnx`);
    if (path !== basePath && !exists(path) && !exists(cardPathFor(path))) return path;
  }
  throw new Error(`${folder}: no free name for a model fine-tuned from ${baseName} near ${now.toISOString()}`);
}
