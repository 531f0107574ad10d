// `swinfuse segment --label REF`: how close the written mask is to a reference label mask of the same case, as one
// line of Dice scores. The reference must label the image's own voxels: Dice over misregistered voxels would be a
// number that looks like a score and means nothing, so another grid is refused, never resampled.
import { basename } from 'node:path';
import { labelNamesOf, type ModelCard } from '../core/models';
import { channelCount, gridDifference, readNiftiFile, type Grid, type NiftiVolume, type ReadLimits } from '../core/nifti';
import { BRATS_LABEL_MAPS, convertBratsLabels, detectBratsLabels, type BratsLabels } from '../core/labels/brats-labels';
import { bratsRegionDice, labelDice, type DiceScore } from '../core/training/dice';

/** The reference cannot be compared with the mask; the message names the file and what is wrong. */
export class ReferenceLabelError extends Error {
  override readonly name = 'ReferenceLabelError';
}

/**
 * The reference's labels as uint8, voxel for voxel with `image` (whose grid the mask is written on). Refuses a
 * reference on another grid (shape, origin, spacing or direction beyond GRID_TOLERANCE), one that is not a single
 * 3D volume, and values that are not whole labels 0..255 after scl_slope/scl_inter.
 */
export async function readReferenceLabels(file: string, image: Grid & { readonly file: string }, limits: ReadLimits): Promise<Uint8Array> {
  const mask = await readNiftiFile(file, limits);
  if (mask.shape.length > 4 || channelCount(mask.shape) !== 1) {
    throw new ReferenceLabelError(`${file}: a reference label mask must be one 3D volume; this one has shape ${mask.shape.join('×')}`);
  }
  const difference = gridDifference(image, mask);
  if (difference) {
    throw new ReferenceLabelError(`${file}: the reference label mask is not on ${image.file}'s voxel grid: ${difference}. ` +
      'Dice needs the reference on the image\'s own voxels; resample it to the image first');
  }
  return wholeLabels(mask);
}

function wholeLabels(mask: NiftiVolume): Uint8Array {
  const slope = mask.scaling?.slope ?? 1;
  const inter = mask.scaling?.inter ?? 0;
  const labels = new Uint8Array(mask.data.length);
  let bad: { value: number; count: number } | undefined;
  for (let v = 0; v < mask.data.length; v++) {
    const value = mask.data[v]! * slope + inter;
    if (Number.isInteger(value) && value >= 0 && value <= 255) labels[v] = value;
    else if (!bad) bad = { value, count: 1 };
    else if (bad.value === value || (Number.isNaN(value) && Number.isNaN(bad.value))) bad.count++;
  }
  if (bad) {
    throw new ReferenceLabelError(`${mask.file}: the reference label mask holds ${bad.value} (${bad.count} voxels), ` +
      'which is not a label; labels are whole numbers 0..255');
  }
  return labels;
}

/**
 * One line: for a BraTS model the evaluation regions WT, TC, ET (unions of labels, as BraTS reports them),
 * otherwise each label the model writes or either mask holds. Each with the predicted and reference voxel counts,
 * so that a low score can be told apart from an empty region.
 */
export function diceLine(predicted: Uint8Array, reference: Uint8Array, labels: ModelCard['labels'], referenceFile: string): string {
  let scores: DiceScore[];
  let nameOf: (score: DiceScore) => string;
  if (labels.scheme === 'brats') {
    const byRegion = new Map(bratsRegionDice(predicted, referenceInMaskConvention(reference, labels), labels.labelMap).map((s) => [s.label, s]));
    scores = ['WT', 'TC', 'ET'].map((region) => byRegion.get(region)!);
    nameOf = (s) => String(s.label);
  } else {
    const names = labelNamesOf(labels);
    const present = labelDice(predicted, reference).map((s) => s.label as number);
    const wanted = [...new Set([...labels.classes.map((c) => c.label).filter((l) => l !== 0), ...present])].sort((a, b) => a - b);
    scores = labelDice(predicted, reference, wanted);
    nameOf = (s) => (names.has(s.label as number) ? `${names.get(s.label as number)} (${s.label})` : `label ${s.label}`);
  }
  const parts = scores.map((s) => `${nameOf(s)} ${s.dice.toFixed(3)} (pred ${s.predicted}, ref ${s.reference} voxels)`);
  return `Dice vs ${basename(referenceFile)}: ${parts.join(', ')}`;
}

/** The convention (BraTS 2021 or 2023) a BraTS mask is written in, from its enhancing-tumour value. */
function conventionOf(labels: Extract<ModelCard['labels'], { scheme: 'brats' }>): BratsLabels | undefined {
  return (Object.keys(BRATS_LABEL_MAPS) as BratsLabels[]).find((year) => BRATS_LABEL_MAPS[year].ET === labels.labelMap.ET);
}

/** A BraTS reference read in the convention it uses (2023's ET = 3 or 2021's 4), renumbered into the mask's. */
function referenceInMaskConvention(reference: Uint8Array, labels: Extract<ModelCard['labels'], { scheme: 'brats' }>): Uint8Array {
  const theirs = detectBratsLabels(reference);
  const ours = conventionOf(labels);
  return theirs && ours && theirs !== ours ? convertBratsLabels(reference, theirs, ours) : reference;
}

/** For the CLI's note: which BraTS convention the reference was read in, when it is not the mask's. */
export function referenceConvention(reference: Uint8Array, labels: ModelCard['labels']): string | undefined {
  if (labels.scheme !== 'brats') return undefined;
  const theirs = detectBratsLabels(reference);
  const ours = conventionOf(labels);
  return theirs && ours && theirs !== ours
    ? `read as BraTS ${theirs} labels (enhancing tumour ${BRATS_LABEL_MAPS[theirs].ET}); the mask is written in BraTS ${ours} labels (${BRATS_LABEL_MAPS[ours].ET})`
    : undefined;
}

/**
 * Labels the reference holds that the model never writes, each with its voxel count: they count as missed in every
 * score, which is right for a wrong mask and misleading for another labelling convention, so the CLI says so. A
 * BraTS reference in the other BraTS convention is read in it (referenceConvention), not flagged.
 */
export function foreignLabels(reference: Uint8Array, labels: ModelCard['labels']): string | undefined {
  if (labels.scheme === 'brats') reference = referenceInMaskConvention(reference, labels);
  const written = labels.scheme === 'brats'
    ? new Set([0, labels.labelMap.ET, labels.labelMap.TC, labels.labelMap.WT])
    : new Set(labels.classes.map((c) => c.label));
  const counts = new Float64Array(256);
  for (const v of reference) counts[v]!++;
  const foreign = [...counts.keys()].filter((v) => counts[v]! > 0 && !written.has(v));
  if (foreign.length === 0) return undefined;
  const listed = foreign.map((v) => `${v} (${counts[v]} voxels)`).join(', ');
  const brats2023 = labels.scheme === 'brats' && foreign.includes(3) && !written.has(3)
    ? `; BraTS 2023 references write enhancing tumour as 3, this model writes it as ${labels.labelMap.ET}` : '';
  return `the reference holds label${foreign.length === 1 ? '' : 's'} ${listed} that the model never writes${brats2023}`;
}
