// One segmentation of an opened scan, without VS Code: resolve the model's channels, gather them as float32 in the
// viewer's RAS layout, run the inference worker, and turn its output into a proposal on the same grid. Working in
// RAS layout means the proposal lands on the mask's grid with no reorientation of the result.
import { checkTrainedForSegmenting, runInference, voxelSpacing, type DeviceRequest } from '../../core/inference';
import { withBratsLabels, type BratsLabels } from '../../core/labels/brats-labels';
import type { ModelCard } from '../../core/models';
import { gridDifference } from '../../core/nifti/grid';
import { planReorientation } from '../../core/nifti/reorient';
import { scaledFloat32 } from '../../core/nifti/volume';
import type { SegmentationStatus } from '../../core/viewer-protocol/messages';
import { siblingUri, type DocumentHost, type UriLike } from '../viewer/host-ports';
import { readRasScan, type RasScan } from '../viewer/ras-scan';
import { ChannelResolutionError, resolveChannels, type ChannelPicker } from './channel-resolution';
import { makeProposal, type Proposal } from './proposal';

export interface SegmentSettings {
  readonly device: DeviceRequest;
  /** 0: one per physical core. */
  readonly threads: number;
  readonly overlap: number;
  /** For BraTS models: the label numbers the proposal writes (enhancing tumour 4 in 2021, 3 in 2023). */
  readonly bratsLabels?: BratsLabels;
}

export interface ModelToRun {
  readonly path: string;
  readonly card: ModelCard;
}

export interface SegmentRunPorts<U> {
  readonly host: DocumentHost<U>;
  readonly workerScript: string;
  readonly picker: ChannelPicker;
  readonly signal: AbortSignal;
  onStatus(status: Extract<SegmentationStatus, { phase: 'running' }>): void;
}

export interface SegmentRunResult {
  readonly proposal: Proposal;
  /** Where each model channel came from, in the card's order (for the log). */
  readonly inputs: readonly string[];
  readonly windows: number;
  readonly deviceNote: string;
  readonly seconds: { readonly prepare: number; readonly inference: number };
}

export async function segmentScan<U extends UriLike<U>>(
  image: U, scan: RasScan, folderFiles: readonly string[] | undefined, model: ModelToRun, settings: SegmentSettings,
  proposalId: number, ports: SegmentRunPorts<U>,
): Promise<SegmentRunResult> {
  const started = performance.now();
  const card = settings.bratsLabels && model.card.labels.scheme === 'brats'
    ? { ...model.card, labels: withBratsLabels(model.card.labels, settings.bratsLabels) } : model.card;
  checkTrainedForSegmenting(card, model.path);
  const { channels, inputs } = await gatherChannels(image, scan, folderFiles, card, ports);
  const [X, Y, Z] = scan.geometry.shape;
  const prepared = performance.now();
  let device = '';
  let last = { done: 0, total: 0, etaMs: null as number | null };
  const result = await runInference({
    kind: 'segment', session: { model: model.path, device: settings.device, threads: settings.threads }, card, channels,
    spatialShape: [X, Y, Z], plan: planReorientation(scan.geometry.affine, [X, Y, Z], card.orientation),
    spacing: voxelSpacing(scan.geometry.affine),
    overlap: settings.overlap, sigmaScale: 0.125, cropMargin: 16, keepProbabilities: true,
  }, {
    workerScript: ports.workerScript,
    signal: ports.signal,
    onDevice: (d) => {
      device = d;
      ports.onStatus({ phase: 'running', model: card.name, ...last, device });
    },
    onProgress: (p) => {
      last = { done: p.done, total: p.total, etaMs: p.etaMs ?? null };
      ports.onStatus({ phase: 'running', model: card.name, ...last, device: device || null });
    },
  });
  const finished = performance.now();
  if (!result.probabilities) throw new Error(`${card.name}: the worker returned no probabilities`);
  return {
    proposal: makeProposal(proposalId, card, result.device, result.labels, result.probabilities),
    inputs, windows: result.windows, deviceNote: result.deviceNote,
    seconds: { prepare: (prepared - started) / 1000, inference: (finished - prepared) / 1000 },
  };
}

export interface ChannelGatherPorts<U> {
  readonly host: DocumentHost<U>;
  readonly picker: ChannelPicker;
  readonly signal: AbortSignal;
}

export interface GatheredChannels {
  /** The card's channels, channel-major float32 (scaled, not normalized) in the viewer's RAS layout. */
  readonly channels: Float32Array;
  /** Where each model channel came from, in the card's order (for the log). */
  readonly inputs: readonly string[];
  /** The files read, each once, in the card's order (a 4D file is one). */
  readonly files: readonly string[];
}

/**
 * The channels `card` names, resolved as Segment resolves them (4D axis, BraTS siblings or the user's picks) and read
 * as float32 in the viewer's RAS layout, channel after channel. Stops early (channels left zero) once `signal` is
 * aborted; the caller's run then reports the cancellation.
 */
export async function gatherChannels<U extends UriLike<U>>(
  image: U, scan: RasScan, folderFiles: readonly string[] | undefined, card: ModelCard, ports: ChannelGatherPorts<U>,
): Promise<GatheredChannels> {
  const sources = await resolveChannels({ file: scan.file, channels: scan.channels, folderFiles }, card, ports.picker);
  const [X, Y, Z] = scan.geometry.shape;
  const voxels = X * Y * Z;
  const channels = new Float32Array(voxels * sources.length);
  const inputs: string[] = [];
  for (const [c, source] of sources.entries()) {
    if (ports.signal.aborted) break;
    if (source.kind === 'axis') {
      const data = scan.volume.data.subarray(source.axis * voxels, (source.axis + 1) * voxels);
      channels.set(scaledFloat32({ shape: [X, Y, Z], data, scaling: scan.volume.scaling }), c * voxels);
      inputs.push(scan.channels > 1 ? `${scan.file} [channel ${source.axis + 1}]` : scan.file);
    } else {
      const other = await readChannelFile(image, scan, source.file, ports.host);
      channels.set(scaledFloat32({ shape: [X, Y, Z], data: other.volume.data, scaling: other.volume.scaling }), c * voxels);
      inputs.push(source.file);
    }
  }
  const files = [...new Set(sources.map((s) => (s.kind === 'axis' ? scan.file : s.file)))];
  return { channels, inputs, files };
}

/** A channel file beside the image: one 3D volume on the image's grid (compared in RAS layout). */
async function readChannelFile<U extends UriLike<U>>(image: U, scan: RasScan, file: string, host: DocumentHost<U>): Promise<RasScan> {
  const other = await readRasScan(siblingUri(image, file), file, host);
  if (other.channels !== 1) throw new ChannelResolutionError(`${file} has ${other.channels} channels on its 4th axis; a channel file holds one`);
  const difference = gridDifference(scan.geometry, other.geometry);
  if (difference) {
    throw new ChannelResolutionError(`${file} is not on the voxel grid of ${scan.file}: ${difference}. Every channel must share `
      + 'one voxel grid; resample the channels to one grid first');
  }
  return other;
}
