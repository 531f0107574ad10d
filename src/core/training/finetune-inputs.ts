// One corrected case as the fine-tuning loop takes it: the image's channels (gathered as `swinfuse segment` does)
// and the mask's labels on the same voxels. A mask that does not lie on the image's voxels, or that holds labels
// the model's heads cannot learn, is refused: training on a misregistered or misread mask would teach the model
// the wrong anatomy, and nothing would say so.
//
// Orientation: the mask may store the image's voxel grid in another axis order (e.g. the image RAS, the mask LAS as
// another tool wrote it). Then its axes are permuted and flipped onto the image's stored layout, which moves no
// voxel off the grid. Anything that would need resampling (another shape, origin, spacing or direction) is refused.
import { scanChannels } from '../inference';
import type { Vec3 } from '../inference/volume-view';
import type { ModelCard } from '../models';
import type { LabelInfo } from '../models/model-card';
import { gridDifference, type NiftiVolume } from '../nifti';
import {
  isIdentity, planReorientation, reorientAffine, reorientedShape, reorientVoxels, type Reorientation,
} from '../nifti/reorient';
import { channelCount } from '../nifti/volume';

/** The case cannot be trained on as given; the message names the file and what is wrong. */
export class FinetuneInputError extends Error {
  override readonly name = 'FinetuneInputError';
}

export interface FinetuneInputs {
  /** Channel-major float32 channels in the image's stored layout, scaled, not normalized. */
  readonly channels: Float32Array;
  /** The mask's labels in the image's stored layout (a fresh buffer, safe to transfer to the worker). */
  readonly labels: Uint8Array;
  readonly spatialShape: Vec3;
  /** From the image's stored layout to the card's orientation. */
  readonly plan: Reorientation;
  /** Voxel size in mm along the stored axes. */
  readonly spacing: Vec3;
  /** Voxels per label value present in the mask (0 included), ascending. */
  readonly labelCounts: ReadonlyMap<number, number>;
  /** Set when the mask was stored in another axis order: e.g. "LAS → RAS". */
  readonly maskReoriented: string | null;
}

export function finetuneInputs(images: readonly NiftiVolume[], mask: NiftiVolume, card: ModelCard): FinetuneInputs {
  const scan = scanChannels(images, card);
  const image = images[0]!;
  if (mask.shape.length > 4 || channelCount(mask.shape) !== 1) {
    throw new FinetuneInputError(`${mask.file}: a mask must be one 3D label volume; this one has shape ${mask.shape.join('×')}`);
  }
  const { values, reoriented } = maskOnImageGrid(image, mask);
  const { labels, counts } = checkedLabels(values, mask, card.labels);
  return { channels: scan.channels, labels, spatialShape: scan.spatialShape, plan: scan.plan, spacing: scan.spacing, labelCounts: counts, maskReoriented: reoriented };
}

/** The mask's stored values, reordered onto the image's stored layout when it holds the same grid in another order. */
function maskOnImageGrid(image: NiftiVolume, mask: NiftiVolume): { values: NiftiVolume['data']; reoriented: string | null } {
  const difference = gridDifference(image, mask);
  if (!difference) return { values: mask.data, reoriented: null };
  const plan = planReorientation(mask.affine, mask.shape, image.axcodes);
  if (!isIdentity(plan) && !gridDifference(image, { shape: reorientedShape(plan), affine: reorientAffine(mask.affine, plan) })) {
    return { values: reorientVoxels(mask.data, plan), reoriented: `${plan.fromAxcodes} → ${plan.toAxcodes}` };
  }
  throw new FinetuneInputError(`${mask.file} is not on ${image.file}'s voxel grid: ${difference}. ` +
    'The mask must label the image\'s own voxels (in any axis order); it is never resampled, so resample it to the image first');
}

/** Labels as uint8, after scl_slope/scl_inter; refuses non-integers, values outside 0..255 and labels no head learns. */
function checkedLabels(values: NiftiVolume['data'], mask: NiftiVolume, info: LabelInfo): { labels: Uint8Array; counts: Map<number, number> } {
  const slope = mask.scaling?.slope ?? 1;
  const inter = mask.scaling?.inter ?? 0;
  const labels = new Uint8Array(values.length);
  const histogram = new Float64Array(256);
  const invalid = new Map<number, number>();
  for (let v = 0; v < values.length; v++) {
    const value = values[v]! * slope + inter;
    if (Number.isInteger(value) && value >= 0 && value <= 255) {
      labels[v] = value;
      histogram[value]!++;
    } else {
      invalid.set(value, (invalid.get(value) ?? 0) + 1);
    }
  }
  const [bad] = invalid;
  if (bad) {
    throw new FinetuneInputError(`${mask.file}: ${bad[1]} voxels hold ${bad[0]}, which is not a label (labels are whole numbers 0..255)` +
      `${invalid.size > 1 ? `; ${invalid.size - 1} other non-label values too` : ''}`);
  }
  const learnable = learnableLabels(info);
  const counts = new Map<number, number>();
  for (let value = 0; value < 256; value++) {
    const n = histogram[value]!;
    if (n === 0) continue;
    if (!learnable.has(value)) {
      throw new FinetuneInputError(`${mask.file}: ${n} voxels hold label ${value}, which the model cannot learn; ` +
        `its labels are ${[...learnable].map(([l, name]) => `${l} (${name})`).join(', ')}`);
    }
    counts.set(value, n);
  }
  return { labels, counts };
}

/** The label values the card's heads are trained on, with their names: background and the BraTS map, or the classes. */
export function learnableLabels(info: LabelInfo): Map<number, string> {
  if (info.scheme === 'softmax') return new Map(info.classes.map((c) => [c.label, c.name]));
  const { TC, WT, ET } = info.labelMap;
  return new Map([[0, 'background'], [TC, info.names[TC] ?? 'TC'], [WT, info.names[WT] ?? 'WT'], [ET, info.names[ET] ?? 'ET']]);
}
