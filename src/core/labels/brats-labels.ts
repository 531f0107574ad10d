// The two BraTS label conventions: 2018–2021 write enhancing tumour as 4, 2023 as 3 (necrotic core 1 and edema 2 in
// both). A BraTS model's sigmoid heads predict the regions, not the numbers, so either can be written; references come
// in both, and are read in the one they use.
import type { LabelInfo } from '../models';

export type BratsLabels = '2021' | '2023';

type BratsInfo = Extract<LabelInfo, { scheme: 'brats' }>;

export const BRATS_LABEL_MAPS: Readonly<Record<BratsLabels, BratsInfo['labelMap']>> = {
  2021: { ET: 4, TC: 1, WT: 2 },
  2023: { ET: 3, TC: 1, WT: 2 },
};

/** The card's BraTS labels written in `year`'s convention (names follow the numbers). */
export function withBratsLabels(info: BratsInfo, year: BratsLabels): BratsInfo {
  const labelMap = BRATS_LABEL_MAPS[year];
  const names = Object.fromEntries([[labelMap.TC, 'necrotic core'], [labelMap.WT, 'edema'], [labelMap.ET, 'enhancing tumor']].map(([v, n]) => [String(v), n as string]));
  return { ...info, labelMap, names };
}

/**
 * Which convention a label mask uses: 2021 when it holds 4, 2023 when it holds 3 and no 4, undefined when it holds
 * neither (no enhancing tumour: both read the same).
 */
export function detectBratsLabels(labels: Uint8Array): BratsLabels | undefined {
  let three = false;
  for (const v of labels) {
    if (v === 4) return '2021';
    if (v === 3) three = true;
  }
  return three ? '2023' : undefined;
}

/** A copy of `labels` with enhancing tumour renumbered from one convention's value to the other's. */
export function convertBratsLabels(labels: Uint8Array, from: BratsLabels, to: BratsLabels): Uint8Array {
  const out = labels.slice();
  if (from === to) return out;
  const a = BRATS_LABEL_MAPS[from].ET;
  const b = BRATS_LABEL_MAPS[to].ET;
  for (let i = 0; i < out.length; i++) if (out[i] === a) out[i] = b;
  return out;
}
