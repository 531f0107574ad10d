// "SwinFUSE: Import Checkpoint…" without the vscode module: what to ask and in which order, how answers are checked,
// and how they become the ImportRequest that `swinfuse import` would make. models-commands.ts supplies the dialogs
// (the ImportAsk port) and the progress notifications.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError, loadCheckpointFile } from '../../core/checkpoint';
import {
  BRATS_CHANNELS, guessModelConfig, importCheckpoint, type Arch, type GuessedConfig, type ImportRequest,
  type ImportResult, type LabelScheme,
} from '../../core/models';
import type { Logger } from '../viewer/host-ports';
import type { ModelEntry } from './model-registry';
import {
  channelNamesProblem, defaultModelName, dimHeadsProblem, modelNameProblem, roiProblem, sameName, splitNames,
} from './import-validation';
import { archLabel, modelSummary } from './model-tree';

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

export interface InputRequest {
  readonly title: string;
  readonly prompt: string;
  readonly value: string;
  /** A problem to show while typing, or undefined when the text is acceptable. */
  readonly validate: (text: string) => string | undefined;
}

/** The dialogs the flow needs. Every method resolves to undefined (or false) when the user dismisses it. */
export interface ImportAsk {
  checkpoint(): Promise<string | undefined>;
  /** The first item is the one preselected. */
  pick<T>(title: string, items: readonly PickItem<T>[]): Promise<T | undefined>;
  input(request: InputRequest): Promise<string | undefined>;
  /** A modal question; true only when `button` was pressed. */
  confirm(message: string, button: string): Promise<boolean>;
}

export interface ImportFlowPorts {
  readonly ask: ImportAsk;
  /** Reads the checkpoint and guesses its config (inspectCheckpoint; the adapter shows progress around it). */
  inspect(file: string): Promise<GuessedConfig>;
  /** Writes the model and its card (writeImportedModel; the adapter shows progress around it). */
  write(request: ImportRequest): Promise<ImportResult>;
  readonly registry: { list(): ModelEntry[]; readonly userFolder: string; refresh(): void };
  readonly log: Logger;
  /** The success message; resolves to the button pressed, if any. */
  announce(message: string, button: string): Promise<string | undefined>;
  showError(message: string): void;
  /** Sets `swinfuse.model` to this name. */
  useModel(name: string): Promise<void>;
}

export type ImportOutcome =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'imported'; readonly result: ImportResult }
  | { readonly kind: 'failed'; readonly message: string };

export const USE_BUTTON = 'Use for Segment';
const CUSTOM = Symbol('custom');
type Custom = typeof CUSTOM;

export const CHECKPOINT_EXTENSIONS = ['pt', 'pth', 'safetensors'] as const;
export const DEFAULT_DIM_HEADS = 3;
const ROI_CHOICES = [96, 128, 64] as const;
const ONE_CHANNEL_NAMES = ['t1', 't1ce', 't2', 'flair', 'ct'] as const;

export async function inspectCheckpoint(file: string): Promise<GuessedConfig> {
  return guessModelConfig(await loadCheckpointFile(file), file);
}

/** importCheckpoint, into a user folder that may not exist yet (it does not before the first import). */
export async function writeImportedModel(request: ImportRequest): Promise<ImportResult> {
  await mkdir(dirname(request.output), { recursive: true });
  return importCheckpoint(request);
}

/** The whole command: asks, imports, refreshes, offers to use the model. Never throws; failures are shown. */
export async function importCheckpointFlow(p: ImportFlowPorts): Promise<ImportOutcome> {
  let result: ImportResult;
  try {
    const file = await p.ask.checkpoint();
    if (!file) return { kind: 'cancelled' };
    const guess = await p.inspect(file);
    p.log.info(`import: ${file} looks like ${describeGuess(guess)}`);
    // Re-read the folders first: the names taken must be those on disk now, not when the view was last drawn.
    p.registry.refresh();
    const request = await askImportRequest(p.ask, file, guess, p.registry.list(), p.registry.userFolder);
    if (!request) {
      p.log.info(`import: ${file}: cancelled, nothing written`);
      return { kind: 'cancelled' };
    }
    result = await p.write(request);
    p.log.info(`import: wrote ${result.modelPath} and ${result.cardPath} (${modelSummary(result.card)})`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    p.log.error(`import failed: ${message}`);
    // A CheckpointError already names the file; anything else is a bug or an I/O failure, logged with its stack.
    if (!(err instanceof CheckpointError) && err instanceof Error && err.stack) p.log.error(err.stack);
    p.showError(message);
    return { kind: 'failed', message };
  }
  p.registry.refresh();
  const name = result.card.name;
  const answer = await p.announce(`Imported "${name}" (${modelSummary(result.card)}).`, USE_BUTTON);
  if (answer === USE_BUTTON) {
    try {
      await p.useModel(name);
    } catch (err) {
      // The import itself succeeded; only the setting could not be written.
      const message = `"${name}" was imported, but swinfuse.model could not be set: ${err instanceof Error ? err.message : String(err)}`;
      p.log.error(message);
      p.showError(message);
    }
  }
  return { kind: 'imported', result };
}

/**
 * The questions, in order: architecture (the detected one first), channel names, label scheme, roi, DIM heads
 * (SwinFUSE), model name. Undefined when any is dismissed. Throws a CheckpointError when no label scheme fits the
 * checkpoint's outputs, before anything is asked.
 */
export async function askImportRequest(
  ask: ImportAsk, file: string, guess: GuessedConfig, existing: readonly ModelEntry[], userFolder: string,
): Promise<ImportRequest | undefined> {
  const labelChoices = labelItems(guess.outChannels);
  if (!labelChoices.length) {
    throw new CheckpointError(file, `the output head has ${guess.outChannels} channel; SwinFUSE reads either BraTS ` +
      'regions (3 sigmoid outputs) or softmax classes (2 or more outputs)');
  }
  const title = (what: string): string => `Import ${basename(file)}: ${what}`;

  const arch = await ask.pick(title('architecture'), archItems(guess.arch));
  if (!arch) return undefined;
  const channels = await askChannels(ask, title('input channels'), guess.inChannels);
  if (!channels) return undefined;
  const labels = await ask.pick(title('outputs'), labelChoices);
  if (!labels) return undefined;
  const roi = await askRoi(ask, title('window size (roi)'), arch === 'swinfuse' ? guess.roi : undefined);
  if (!roi) return undefined;
  let dimHeads: number | undefined;
  if (arch === 'swinfuse') {
    const text = await askValid(ask, {
      title: title('DIM heads'),
      prompt: 'Attention heads of the DIM, as the model was trained with (the checkpoint cannot tell)',
      value: String(DEFAULT_DIM_HEADS),
      validate: (t) => dimHeadsProblem(t, roi),
    });
    if (text === undefined) return undefined;
    dimHeads = Number(text);
  }
  const target = await askName(ask, title('model name'), defaultModelName(file, existing), existing, userFolder);
  if (!target) return undefined;

  return {
    checkpoint: file,
    config: {
      arch, inChannels: guess.inChannels, outChannels: guess.outChannels, featureSize: guess.featureSize, roi,
      ...(dimHeads !== undefined ? { dimHeads } : {}),
    },
    labels,
    channels,
    output: target,
  };
}

function archItems(detected: Arch): PickItem<Arch>[] {
  const item = (arch: Arch): PickItem<Arch> => ({
    label: archLabel(arch),
    description: arch === detected
      ? (arch === 'swinfuse' ? 'detected: the checkpoint holds a DIM' : 'detected: the checkpoint holds no DIM')
      : '',
    detail: arch === 'swinfuse' ? 'Swin UNETR with the domain-invariance module (DIM)' : 'MONAI SwinUNETR',
    value: arch,
  });
  return detected === 'swinfuse' ? [item('swinfuse'), item('swinunetr')] : [item('swinunetr'), item('swinfuse')];
}

async function askChannels(ask: ImportAsk, title: string, count: number): Promise<readonly string[] | undefined> {
  const generic = Array.from({ length: count }, (_, i) => `channel${i}`);
  const items: PickItem<readonly string[] | Custom>[] = [
    ...(count === 4 ? [{ label: `BraTS: ${BRATS_CHANNELS.join(', ')}`, description: 'the BraTS modalities, in this order', value: BRATS_CHANNELS }] : []),
    ...(count === 1 ? ONE_CHANNEL_NAMES.map((n) => ({ label: `1 channel: ${n}`, value: [n] })) : []),
    { label: generic.join(', '), description: `${count} unnamed channel${count === 1 ? '' : 's'}`, value: generic },
    { label: 'Custom names…', description: `type ${count} name${count === 1 ? '' : 's'}`, value: CUSTOM },
  ];
  const choice = await ask.pick(title, items);
  if (choice !== CUSTOM) return choice;
  const text = await askValid(ask, {
    title,
    prompt: `${count} channel name${count === 1 ? '' : 's'}, separated by commas, in the order the model takes them`,
    value: '',
    validate: (t) => channelNamesProblem(t, count),
  });
  return text === undefined ? undefined : splitNames(text);
}

function labelItems(outChannels: number): PickItem<LabelScheme>[] {
  return [
    ...(outChannels === 3 ? [{ label: 'BraTS regions (sigmoid)', description: 'TC, WT, ET → labels 1, 2, 4', value: 'brats' as const }] : []),
    ...(outChannels >= 2 ? [{ label: 'Softmax classes', description: `${outChannels} classes, argmax; class 0 is background`, value: 'softmax' as const }] : []),
  ];
}

async function askRoi(ask: ImportAsk, title: string, detected: number | undefined): Promise<number | undefined> {
  const items: PickItem<number | Custom>[] = [
    ...(detected ? [{ label: String(detected), description: 'detected: the size the DIM was built for', value: detected }] : []),
    ...ROI_CHOICES.filter((r) => r !== detected).map((r) => ({ label: String(r), description: r === 96 ? 'as in the paper' : '', value: r })),
    { label: 'Custom…', description: 'a multiple of 32', value: CUSTOM },
  ];
  const choice = await ask.pick(title, items);
  if (choice !== CUSTOM) return choice;
  const text = await askValid(ask, {
    title, prompt: 'The cubic window the model was trained on, in voxels (a multiple of 32)', value: '', validate: roiProblem,
  });
  return text === undefined ? undefined : Number(text);
}

/** Asks for a free name; a taken one is accepted only when the user confirms replacing that model. */
async function askName(ask: ImportAsk, title: string, value: string, existing: readonly ModelEntry[], userFolder: string): Promise<string | undefined> {
  for (;;) {
    const name = await askValid(ask, {
      title, prompt: 'The model\'s name in the Models view and in the swinfuse.model setting', value,
      validate: (t) => modelNameProblem(t, existing),
    });
    if (name === undefined) return undefined;
    const taken = existing.find((e) => e.origin !== 'bundled' && sameName(e.name, name));
    if (!taken) return join(userFolder, `${name}.onnx`);
    if (await ask.confirm(`A model named "${taken.name}" exists (${taken.origin}). Replace it?`, 'Replace')) return taken.path;
    value = name;
  }
}

/** Re-checks what the port returns: VS Code's input box refuses invalid text itself, other ports may not. */
async function askValid(ask: ImportAsk, request: InputRequest): Promise<string | undefined> {
  for (;;) {
    const text = await ask.input(request);
    if (text === undefined) return undefined;
    if (!request.validate(text)) return text.trim();
    request = { ...request, value: text };
  }
}

function describeGuess(g: GuessedConfig): string {
  return `${archLabel(g.arch)}, ${g.inChannels} → ${g.outChannels} channels, feature size ${g.featureSize}` +
    (g.roi ? `, roi ${g.roi} (from the DIM)` : '');
}
