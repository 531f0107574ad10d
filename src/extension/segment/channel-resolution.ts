// Which file (or 4th-axis channel) feeds each input channel a model card names: a 4D file's channels in the card's
// order, the same case's other contrasts by their names, and for anything else the user's choice among the NIfTI files beside
// the image. A model that cannot be fed gets a message saying what it needs and what was found.
import { siblingChannelFiles } from '../../core/inference/contrast-names';
import type { ModelCard } from '../../core/models';
import { isNiftiName } from '../viewer/mask-discovery';

export type ChannelSource =
  | { readonly kind: 'axis'; readonly axis: number }
  | { readonly kind: 'file'; readonly file: string };

/** The model cannot be fed from what is beside the image; the message is for the user as it is. */
export class ChannelResolutionError extends Error {
  override readonly name = 'ChannelResolutionError';
}

/** The user dismissed a channel's pick: nothing ran, nothing changed. */
export class ChannelPickDismissed extends Error {
  override readonly name = 'ChannelPickDismissed';
  constructor(readonly channel: string) {
    super(`no file was chosen for the channel ${channel}`);
  }
}

export interface ChannelPicker {
  /**
   * Asks which file is channel `channel` (`position` of `total` in the card's order), among `candidates` (file names
   * beside the image), `suggested` first. Undefined when dismissed.
   */
  pick(channel: string, position: number, total: number, candidates: readonly string[], suggested: string | undefined): Promise<string | undefined>;
}

/** What the document offers. */
export interface ScanOffer {
  /** The opened file's name. */
  readonly file: string;
  /** Channels on its 4th axis (1 for a 3D file). */
  readonly channels: number;
  /** Plain files beside it, or undefined when the folder could not be listed. */
  readonly folderFiles: readonly string[] | undefined;
}

// Masks and probability maps beside a scan are never model inputs.
const NOT_AN_INPUT = /([_.-](seg|mask|label|labels|prob|probabilities)|_seg-\d+)\.nii(\.gz)?$/i;

export async function resolveChannels(scan: ScanOffer, card: ModelCard, picker: ChannelPicker): Promise<ChannelSource[]> {
  const wanted = card.channels;
  const needs = `${card.name} takes ${wanted.length} channel${wanted.length === 1 ? '' : 's'} (${wanted.join(', ')})`;
  if (scan.channels > 1) {
    if (scan.channels === wanted.length) return wanted.map((_, axis) => ({ kind: 'axis', axis }));
    throw new ChannelResolutionError(`${needs}; ${scan.file} has ${scan.channels} on its 4th axis. Open a 4D file with `
      + `${wanted.length} channels in that order, or one 3D file per channel with the others beside it.`);
  }
  if (wanted.length === 1) return [{ kind: 'axis', axis: 0 }];

  const found = siblingChannelFiles(scan.file, scan.folderFiles ?? [], wanted) ?? [];
  const sources: (ChannelSource | undefined)[] = wanted.map((_, i) => {
    const file = found[i];
    if (!file) return undefined;
    return file === scan.file ? { kind: 'axis', axis: 0 } : { kind: 'file', file };
  });
  const open = sources.flatMap((s, i) => (s ? [] : [i]));
  if (open.length === 0) return sources as ChannelSource[];

  const used = new Set(sources.flatMap((s) => (!s ? [] : s.kind === 'file' ? [s.file] : [scan.file])));
  const candidates = [scan.file, ...(scan.folderFiles ?? []).filter((f) => f !== scan.file && isNiftiName(f) && !NOT_AN_INPUT.test(f)).sort()]
    .filter((f) => !used.has(f));
  if (candidates.length < open.length) {
    const missing = open.map((i) => wanted[i]!).join(', ');
    throw new ChannelResolutionError(`${needs}; nothing beside ${scan.file} can be ${missing}`
      + `${scan.folderFiles === undefined ? ' (its folder cannot be listed)' : ''}. Put one 3D file per channel in its folder `
      + '(BraTS names such as CASE_flair.nii.gz, CASE_t1ce.nii.gz are matched by themselves), or open a 4D file with '
      + 'the channels on its 4th axis.');
  }
  for (const [k, i] of open.entries()) {
    const left = candidates.filter((f) => !used.has(f));
    const suggested = left.includes(scan.file) ? scan.file : left[0];
    const file = await picker.pick(wanted[i]!, i + 1, wanted.length, left, suggested);
    if (file === undefined) throw new ChannelPickDismissed(wanted[i]!);
    if (!left.includes(file)) throw new ChannelResolutionError(`${file} is not one of the files offered for ${wanted[i]} (pick ${k + 1})`);
    used.add(file);
    sources[i] = file === scan.file ? { kind: 'axis', axis: 0 } : { kind: 'file', file };
  }
  return sources as ChannelSource[];
}
