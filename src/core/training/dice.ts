// Hard Dice between two label maps, to measure whether fine-tuning moved a prediction towards the reference.
import type { LabelInfo } from '../models/model-card';

export interface DiceScore {
  /** The label value, or the region name for BraTS regions. */
  readonly label: number | string;
  /** 2|P ∩ R| / (|P| + |R|); 1 when both are empty (nothing to find, nothing found). */
  readonly dice: number;
  readonly predicted: number;
  readonly reference: number;
  readonly intersection: number;
}

/**
 * Dice per label value between a predicted and a reference label map of the same voxels. Labels default to every
 * non-zero value present in either map, ascending. Background 0 may be asked for explicitly.
 */
export function labelDice(predicted: Uint8Array, reference: Uint8Array, labels?: readonly number[]): DiceScore[] {
  checkSameLength(predicted, reference, 'labelDice');
  const pred = new Float64Array(256);
  const ref = new Float64Array(256);
  const both = new Float64Array(256);
  for (let v = 0; v < predicted.length; v++) {
    const p = predicted[v]!;
    const r = reference[v]!;
    pred[p]!++;
    ref[r]!++;
    if (p === r) both[p]!++;
  }
  const wanted = labels ?? Array.from({ length: 255 }, (_, i) => i + 1).filter((l) => pred[l]! > 0 || ref[l]! > 0);
  return wanted.map((label) => {
    if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(`labelDice: label ${label} is not an integer 0..255`);
    return score(label, pred[label]!, ref[label]!, both[label]!);
  });
}

/**
 * Dice of the BraTS evaluation regions (TC, WT, ET), each a union of labels as the card's label map defines:
 * TC = {TC, ET}, WT = {TC, WT, ET}, ET = {ET}. This is how BraTS scores are reported, not per label.
 */
export function bratsRegionDice(predicted: Uint8Array, reference: Uint8Array, labelMap: Extract<LabelInfo, { scheme: 'brats' }>['labelMap']): DiceScore[] {
  checkSameLength(predicted, reference, 'bratsRegionDice');
  const { ET, TC, WT } = labelMap;
  const regions: [string, number[]][] = [['TC', [TC, ET]], ['WT', [TC, WT, ET]], ['ET', [ET]]];
  return regions.map(([name, members]) => {
    const inRegion = new Uint8Array(256);
    for (const m of members) inRegion[m] = 1;
    let p = 0;
    let r = 0;
    let both = 0;
    for (let v = 0; v < predicted.length; v++) {
      const a = inRegion[predicted[v]!]!;
      const b = inRegion[reference[v]!]!;
      p += a;
      r += b;
      both += a & b;
    }
    return score(name, p, r, both);
  });
}

/** The mean Dice over scores (the usual single number), NaN for none. */
export function meanDice(scores: readonly DiceScore[]): number {
  return scores.length ? scores.reduce((s, d) => s + d.dice, 0) / scores.length : NaN;
}

function score(label: number | string, predicted: number, reference: number, intersection: number): DiceScore {
  const total = predicted + reference;
  return { label, dice: total === 0 ? 1 : (2 * intersection) / total, predicted, reference, intersection };
}

function checkSameLength(a: Uint8Array, b: Uint8Array, where: string): void {
  if (a.length !== b.length) throw new Error(`${where}: the predicted map has ${a.length} voxels, the reference ${b.length}`);
}
