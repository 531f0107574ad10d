// BraTS's vocabulary: the four MRI contrasts, the order BraTS models take them in, and BraTS case names (whose
// `<case>_seg` is where a case's mask lives). Which contrast any file name holds, and its siblings, is
// contrast-names.ts, which covers BraTS names among others.

export type BratsModality = 'flair' | 't1ce' | 't1' | 't2';

/** The order BraTS models take their channels in (the model card's default). */
export const BRATS_ORDER: readonly BratsModality[] = ['flair', 't1ce', 't1', 't2'];

// BraTS 2021 writes `<case>_t1ce.nii.gz`, BraTS 2023 `<case>-t1c.nii.gz`, BIDS `T1w`/`T2w`/`FLAIR`, others `T1Gd` or
// `T1post` for the contrast-enhanced T1: all map to one vocabulary, so a channel reads the same whichever scheme the
// files come from. Keys are lower case.
export const CONTRAST_BY_TOKEN: Readonly<Record<string, BratsModality>> = {
  flair: 'flair', t2f: 'flair', t2flair: 'flair',
  t1ce: 't1ce', t1c: 't1ce', t1gd: 't1ce', t1post: 't1ce',
  t1: 't1', t1n: 't1', t1w: 't1',
  t2: 't2', t2w: 't2',
};

/** The modality a model card's channel name stands for ("t1ce", "T1c", "t2f"...), if it is one of BraTS's four. */
export function modalityOfChannelName(name: string): BratsModality | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(CONTRAST_BY_TOKEN, key) ? CONTRAST_BY_TOKEN[key] : undefined;
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
  return { prefix: m[1]!, separator: m[2]!, modality: CONTRAST_BY_TOKEN[m[3]!.toLowerCase()]! };
}
