// BraTS file-name conventions: which files beside one image of a BraTS case are its other modalities, and which of
// them feeds each channel a model card names. Pure string logic over file names, shared by the viewer (channels to
// switch between), the extension's Segment command and `swinfuse segment IMAGE` (one image given, siblings found).

export type BratsModality = 'flair' | 't1ce' | 't1' | 't2';

/** The order BraTS models take their channels in (the model card's default). */
export const BRATS_ORDER: readonly BratsModality[] = ['flair', 't1ce', 't1', 't2'];

// BraTS 2021 writes `<case>_t1ce.nii.gz`; BraTS 2023 writes `<case>-t1c.nii.gz` with new names for the same four
// contrasts. Both map to one vocabulary so a channel reads the same whichever release the files come from.
const MODALITY_BY_SUFFIX: Readonly<Record<string, BratsModality>> = {
  flair: 'flair', t1ce: 't1ce', t1: 't1', t2: 't2',
  t2f: 'flair', t1c: 't1ce', t1n: 't1', t2w: 't2',
};

/** The modality a model card's channel name stands for ("t1ce", "T1c", "t2f"...), if it is one of BraTS's four. */
export function modalityOfChannelName(name: string): BratsModality | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(MODALITY_BY_SUFFIX, key) ? MODALITY_BY_SUFFIX[key] : key === 't1gd' ? 't1ce' : undefined;
}

// The prefix is greedy but must be followed by a separator, so `x_t1ce` is never read as `x_t1` + `ce`.
const BRATS_NAME = /^(.+)([_-])(flair|t1ce|t1|t2|t2f|t1c|t1n|t2w)\.nii(\.gz)?$/i;

export interface BratsName {
  /** Everything before the separator, e.g. "BraTS2021_00001". */
  readonly prefix: string;
  readonly separator: string;
  readonly modality: BratsModality;
}

export function parseBratsName(name: string): BratsName | undefined {
  const m = BRATS_NAME.exec(name);
  if (!m) return undefined;
  return { prefix: m[1]!, separator: m[2]!, modality: MODALITY_BY_SUFFIX[m[3]!.toLowerCase()]! };
}

export interface SiblingFile {
  readonly name: string;
  readonly modality: BratsModality;
}

/**
 * The BraTS case an opened file belongs to, among the file names of its folder: one file per modality with the
 * same prefix and separator, the opened file first (its voxels go out with init), then BraTS order. Undefined when
 * the opened file is not BraTS-named.
 */
export function bratsSiblings(opened: string, folderFiles: readonly string[]): SiblingFile[] | undefined {
  const own = parseBratsName(opened);
  if (!own) return undefined;
  const byModality = new Map<BratsModality, string>([[own.modality, opened]]);
  // Sorted so that the choice between duplicates (`x_t1.nii` beside `x_t1.nii.gz`) does not depend on listing order;
  // .nii.gz sorts after .nii, and the compressed file is the usual BraTS form, so later wins.
  for (const name of [...folderFiles].sort()) {
    const parsed = parseBratsName(name);
    if (!parsed || parsed.prefix !== own.prefix || parsed.separator !== own.separator) continue;
    if (parsed.modality === own.modality) continue;
    byModality.set(parsed.modality, name);
  }
  return [
    { name: opened, modality: own.modality },
    ...BRATS_ORDER.filter((m) => m !== own.modality && byModality.has(m)).map((m) => ({ name: byModality.get(m)!, modality: m })),
  ];
}

/**
 * For each channel a model card names, in the card's order, the file beside `opened` that holds it (`opened`
 * itself for its own modality), or undefined where no sibling has it or the channel is not a BraTS modality.
 * Undefined as a whole when `opened` is not BraTS-named.
 */
export function bratsChannelFiles(opened: string, folderFiles: readonly string[], channels: readonly string[]): (string | undefined)[] | undefined {
  const siblings = bratsSiblings(opened, folderFiles);
  if (!siblings) return undefined;
  const byModality = new Map(siblings.map((s) => [s.modality, s.name]));
  return channels.map((name) => {
    const modality = modalityOfChannelName(name);
    return modality && byModality.get(modality);
  });
}
