// Which MRI contrast a file holds, read from its name, and which files beside it are the same case's other
// contrasts. Real data follows no one scheme (BraTS 2018–2021 `CASE_t1ce`, BraTS 2023 `CASE-t1c`, bare `t1c.nii.gz`,
// `T1c_subtrMeanDivStd.nii.gz`), so the rule is one: a name is split into tokens at every character that is not a
// letter or digit, and a token that names a contrast (case-insensitive) says what the file holds. Files whose names
// are equal once that token is taken out belong to one case. Shared by `swinfuse segment`, fine-tuning and the
// extension (the viewer's channels and Segment).
import { BRATS_ORDER, CONTRAST_BY_TOKEN, modalityOfChannelName, type BratsModality } from './brats-siblings';

const NIFTI_EXTENSION = /\.nii(\.gz)?$/i;

export interface ContrastName {
  readonly contrast: BratsModality;
  /** The name without its extension and with the contrast token replaced by `{}`, lower-cased: one per case. */
  readonly caseKey: string;
  /** The name as given before and after the contrast token (the extension included): a sibling's name is between. */
  readonly around: readonly [string, string];
}

/**
 * The contrast a file name says it holds, or why it says none: `undefined` when no token names a contrast, the
 * list when tokens name several different ones (`t1_to_flair.nii.gz`), which is too ambiguous to act on.
 */
export function contrastOfFileName(name: string): ContrastName | { readonly ambiguous: readonly BratsModality[] } | undefined {
  const file = name.split(/[\\/]/).pop() ?? name;
  const base = file.replace(NIFTI_EXTENSION, '');
  const found: { contrast: BratsModality; start: number; end: number }[] = [];
  for (const m of base.matchAll(/[A-Za-z0-9]+/g)) {
    const key = m[0].toLowerCase();
    if (Object.hasOwn(CONTRAST_BY_TOKEN, key)) found.push({ contrast: CONTRAST_BY_TOKEN[key]!, start: m.index, end: m.index + m[0].length });
  }
  const distinct = [...new Set(found.map((f) => f.contrast))];
  if (distinct.length === 0) return undefined;
  if (distinct.length > 1) return { ambiguous: distinct };
  // A repeated token (`t1_…_t1`) keeps its last place, where BraTS puts the contrast.
  const at = found[found.length - 1]!;
  return {
    contrast: at.contrast, caseKey: `${base.slice(0, at.start)}{}${base.slice(at.end)}`.toLowerCase(),
    around: [file.slice(0, at.start), file.slice(at.end)],
  };
}

/** The two usual spellings of each contrast in a sibling's name (BraTS 2018–2021, then 2023). */
export const USUAL_SPELLINGS: Readonly<Record<BratsModality, readonly [string, string]>> = {
  flair: ['flair', 't2f'], t1ce: ['t1ce', 't1c'], t1: ['t1', 't1n'], t2: ['t2', 't2w'],
};

/** The contrast of a name when it names exactly one; undefined otherwise. */
export function contrastOf(name: string): BratsModality | undefined {
  const parsed = contrastOfFileName(name);
  return parsed && 'contrast' in parsed ? parsed.contrast : undefined;
}

export interface SiblingFile {
  readonly name: string;
  readonly modality: BratsModality;
}

/**
 * The case an opened file belongs to, among the file names of its folder: one file per contrast whose name is the
 * opened one's with another contrast token, the opened file first (its voxels go out first), then BraTS order.
 * Undefined when the opened file's name names no single contrast.
 */
export function caseSiblings(opened: string, folderFiles: readonly string[]): SiblingFile[] | undefined {
  const own = contrastOfFileName(opened);
  if (!own || !('contrast' in own)) return undefined;
  const byContrast = new Map<BratsModality, string>([[own.contrast, opened]]);
  // Sorted so that the choice between duplicates (`x_t1.nii` beside `x_t1.nii.gz`) does not depend on listing order;
  // .nii.gz sorts after .nii, and the compressed file is the usual form, so later wins.
  for (const name of [...folderFiles].sort()) {
    if (!NIFTI_EXTENSION.test(name)) continue;
    const parsed = contrastOfFileName(name);
    if (!parsed || !('contrast' in parsed) || parsed.caseKey !== own.caseKey || parsed.contrast === own.contrast) continue;
    byContrast.set(parsed.contrast, name);
  }
  return [
    { name: opened, modality: own.contrast },
    ...BRATS_ORDER.filter((m) => m !== own.contrast && byContrast.has(m)).map((m) => ({ name: byContrast.get(m)!, modality: m })),
  ];
}

/**
 * For each channel a model card names, in the card's order, the file beside `opened` that holds it (`opened` itself
 * for its own contrast), or undefined where no sibling has it or the channel is not an MRI contrast. Undefined as a
 * whole when `opened`'s name names no single contrast.
 */
export function siblingChannelFiles(opened: string, folderFiles: readonly string[], channels: readonly string[]): (string | undefined)[] | undefined {
  const siblings = caseSiblings(opened, folderFiles);
  if (!siblings) return undefined;
  const byContrast = new Map(siblings.map((s) => [s.modality, s.name]));
  return channels.map((name) => {
    const modality = modalityOfChannelName(name);
    return modality && byContrast.get(modality);
  });
}

/** A file list that cannot be matched to a card's channels: the message names the files and the conflict. */
export class ChannelMatchError extends Error {
  override readonly name = 'ChannelMatchError';
}

export interface ChannelMatch {
  /** For each card channel, the index of the given file that feeds it. */
  readonly order: readonly number[];
  /** How each channel was decided, e.g. `flair ← case_flair.nii.gz (by name)`. */
  readonly lines: readonly string[];
  /** True when the names decided at least one channel (false: the order given was kept). */
  readonly byName: boolean;
}

/**
 * Matches files given one per channel to a card's channels by the contrast their names say, whatever order they
 * came in. Files whose names say nothing fill the remaining channels in the order given; so do all files when the
 * card's channels are not MRI contrasts. Two files for one contrast, a file whose contrast the card does not take,
 * or a name naming several contrasts where the card needs to know, is an error naming the files.
 */
export function matchChannelFiles(files: readonly string[], channels: readonly string[]): ChannelMatch {
  if (files.length !== channels.length) throw new ChannelMatchError(`${files.length} files for ${channels.length} channels`);
  const wanted = channels.map((c) => modalityOfChannelName(c));
  const keepOrder = (): ChannelMatch => ({
    order: files.map((_, i) => i), lines: channels.map((c, i) => `${c} ← ${files[i]} (order given)`), byName: false,
  });
  if (wanted.some((w) => w === undefined)) return keepOrder();
  const parsed = files.map((f) => contrastOfFileName(f));
  const ambiguous = parsed.findIndex((p) => p !== undefined && 'ambiguous' in p);
  if (ambiguous >= 0) {
    const p = parsed[ambiguous] as { ambiguous: readonly string[] };
    throw new ChannelMatchError(`${files[ambiguous]}: its name names several contrasts (${p.ambiguous.join(', ')}), so it cannot ` +
      `be matched to one of the model's channels (${channels.join(', ')}); rename it, or give every file a name that says nothing about contrast to keep the order given`);
  }
  const contrasts = parsed.map((p) => (p && 'contrast' in p ? p.contrast : undefined));
  if (contrasts.every((c) => c === undefined)) return keepOrder();
  const order: (number | undefined)[] = channels.map(() => undefined);
  const how: string[] = channels.map(() => '');
  contrasts.forEach((contrast, i) => {
    if (contrast === undefined) return;
    const slot = wanted.indexOf(contrast);
    if (slot < 0) {
      throw new ChannelMatchError(`${files[i]}: its name says ${contrast}, which the model does not take (it takes ${channels.join(', ')})`);
    }
    if (order[slot] !== undefined) {
      throw new ChannelMatchError(`${files[order[slot]!]} and ${files[i]} both name ${contrast}: give one file per channel (${channels.join(', ')})`);
    }
    order[slot] = i;
    how[slot] = 'by name';
  });
  const unnamed = contrasts.flatMap((c, i) => (c === undefined ? [i] : []));
  for (const slot of order.flatMap((o, k) => (o === undefined ? [k] : []))) {
    order[slot] = unnamed.shift()!;
    how[slot] = 'the name says nothing; in the order given';
  }
  const final = order as number[];
  return { order: final, lines: channels.map((c, k) => `${c} ← ${files[final[k]!]} (${how[k]})`), byName: true };
}
