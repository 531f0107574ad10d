// Fine-tuning on the model's grid: when the card names the spacing the model was trained at and the case is at
// another, its channels, mask and hand-edit map are brought to that spacing in the model's orientation, as inference
// brings the image (src/core/inference/resample.ts), so the model learns from what it will see. The mask keeps every
// label and invents none (resampleLabels); a voxel counts as hand-edited when an edited voxel lies in its footprint.
import { resampleLabels, resampleScan, sameSpacing } from '../inference/resample';
import { niftiView, type Vec3, type VolumeView } from '../inference/volume-view';
import type { ModelCard } from '../models';
import type { Reorientation } from '../nifti/reorient';

export interface CaseOnGrid {
  readonly channels: Float32Array;
  readonly labels: Uint8Array;
  readonly corrected: Uint8Array | null;
  readonly spatialShape: Vec3;
  readonly plan: Reorientation;
}

export interface CaseToPlace extends CaseOnGrid {
  readonly card: ModelCard;
  /** Voxel size in mm along the stored axes. */
  readonly spacing: Vec3;
}

/** The case on the model's grid, or as it is (a card without spacing, or a case already at it). */
export function onTrainingGrid(c: CaseToPlace): CaseOnGrid & { readonly resampled: boolean } {
  const { card, plan } = c;
  const imageSpacing = plan.sourceAxisOf.map((a) => c.spacing[a]!) as unknown as Vec3;
  if (!card.spacing || sameSpacing(imageSpacing, card.spacing)) return { ...c, resampled: false };
  const channels = resampleScan(niftiView(c.channels, c.spatialShape, card.inChannels, plan), imageSpacing, card.spacing);
  const labels = resampleLabels(niftiView(c.labels, c.spatialShape, 1, plan), imageSpacing, card.spacing);
  const corrected = c.corrected ? footprintAny(niftiView(c.corrected, c.spatialShape, 1, plan), imageSpacing, card.spacing, channels.shape) : null;
  const identity: Reorientation = {
    sourceShape: channels.shape, sourceAxisOf: [0, 1, 2], flipped: [false, false, false],
    fromAxcodes: plan.toAxcodes, toAxcodes: plan.toAxcodes,
  };
  return { channels: channels.data, labels: labels.data, corrected, spatialShape: channels.shape, plan: identity, resampled: true };
}

/**
 * 1 where any non-zero voxel of `mask` lies within an output voxel's footprint (input indices within half an output
 * voxel of its centre, j·t/s ± t/(2s)), NIfTI-ordered on `shape`.
 */
function footprintAny(mask: VolumeView<Uint8Array>, from: Vec3, to: Vec3, shape: Vec3): Uint8Array {
  const out = new Uint8Array(shape[0] * shape[1] * shape[2]);
  const [, n0, n1, n2] = mask.shape;
  const ranges = [0, 1, 2].map((a) => {
    const ratio = to[a]! / from[a]!;
    const n = [n0, n1, n2][a]!;
    return (j: number): [number, number] => [Math.max(0, Math.ceil(j * ratio - ratio / 2 - 1e-9)), Math.min(n - 1, Math.floor(j * ratio + ratio / 2 + 1e-9))];
  });
  for (let k = 0; k < shape[2]; k++) {
    const [k0, k1] = ranges[2]!(k);
    for (let j = 0; j < shape[1]; j++) {
      const [j0, j1] = ranges[1]!(j);
      for (let i = 0; i < shape[0]; i++) {
        const [i0, i1] = ranges[0]!(i);
        search: for (let z = k0; z <= k1; z++) for (let y = j0; y <= j1; y++) for (let x = i0; x <= i1; x++) {
          if (mask.data[mask.offset + x * mask.strides[1] + y * mask.strides[2] + z * mask.strides[3]]) {
            out[i + shape[0] * (j + shape[1] * k)] = 1;
            break search;
          }
        }
      }
    }
  }
  return out;
}
