// Where training patches are centred: MONAI RandCropByPosNegLabel's positive/negative balance, plus a share of
// patches centred near the voxels the user corrected, since those are what the fine-tuning is for.
import type { Vec3, VolumeView } from '../inference/volume-view';
import { checkSameGrid } from './patch-crop';

/**
 * positive: centred on a labelled voxel; negative: on a background voxel inside the image's foreground; corrected:
 * near a voxel the user corrected; uniform: anywhere, when the volume has no candidates of the other kinds.
 */
export type PatchKind = 'positive' | 'negative' | 'corrected' | 'uniform';

/** Candidate centre voxels as linear indices into the (d, h, w) grid, d slowest. */
export interface CentreCandidates {
  readonly shape: Vec3;
  readonly positive: Int32Array;
  readonly negative: Int32Array;
  readonly corrected: Int32Array;
}

export interface CentreOptions {
  /** Share of positive centres among the positive/negative ones (MONAI pos / (pos + neg)); default 0.5. */
  readonly positiveRatio?: number;
  /** Share of all centres drawn near corrected voxels when there are any; default 0.5. */
  readonly correctedFraction?: number;
  /** A corrected centre moves by up to this many voxels per axis (uniform), so corrections are not always dead centre. */
  readonly correctedJitter?: Vec3;
}

export interface CentreChoice {
  readonly centre: Vec3;
  readonly kind: PatchKind;
}

/**
 * Splits the grid into candidate centres. Positive: label ≠ 0. Negative: label 0 where some image channel is not
 * within ±imageThreshold of 0. MONAI uses image > threshold on raw intensities; after z-score normalisation of the
 * non-zero voxels, brain voxels can be negative while outside-brain voxels stay exactly 0, so |x| > threshold
 * (default 0: any non-zero voxel) is what "inside the image" means here. Corrected: corrected ≠ 0.
 */
export function centreCandidates(image: VolumeView<Float32Array>, labels: VolumeView<Uint8Array>,
  corrected?: VolumeView<Uint8Array> | null, imageThreshold = 0): CentreCandidates {
  checkSameGrid(image, labels, 'centreCandidates');
  if (corrected) checkSameGrid(image, corrected, 'centreCandidates', 'corrected map');
  if (!(imageThreshold >= 0)) throw new Error(`centreCandidates: imageThreshold is ${imageThreshold}; it must be ≥ 0`);
  const [channels, nd, nh, nw] = image.shape;
  const voxels = nd * nh * nw;
  // 0 background outside the image, 1 positive, 2 negative, plus 4 when corrected.
  const kind = new Uint8Array(voxels);
  const counts = [0, 0, 0];
  for (let d = 0, v = 0; d < nd; d++) {
    for (let h = 0; h < nh; h++) {
      for (let w = 0; w < nw; w++, v++) {
        let k = 0;
        if (at(labels, 0, d, h, w) !== 0) k = 1;
        else {
          for (let c = 0; c < channels; c++) {
            if (Math.abs(at(image, c, d, h, w)) > imageThreshold) {
              k = 2;
              break;
            }
          }
        }
        if (k) counts[k - 1]!++;
        if (corrected && at(corrected, 0, d, h, w) !== 0) {
          k |= 4;
          counts[2]!++;
        }
        kind[v] = k;
      }
    }
  }
  const positive = new Int32Array(counts[0]!);
  const negative = new Int32Array(counts[1]!);
  const correctedOut = new Int32Array(counts[2]!);
  const fill = [0, 0, 0];
  for (let v = 0; v < voxels; v++) {
    const k = kind[v]!;
    if ((k & 3) === 1) positive[fill[0]!++] = v;
    else if ((k & 3) === 2) negative[fill[1]!++] = v;
    if (k & 4) correctedOut[fill[2]!++] = v;
  }
  return { shape: [nd, nh, nw], positive, negative, corrected: correctedOut };
}

/** Draws one centre: near a correction with probability correctedFraction, else positive with positiveRatio. */
export function chooseCentre(candidates: CentreCandidates, random: () => number, options: CentreOptions = {}): CentreChoice {
  const positiveRatio = checkFraction(options.positiveRatio ?? 0.5, 'positiveRatio');
  const correctedFraction = checkFraction(options.correctedFraction ?? 0.5, 'correctedFraction');
  const { positive, negative, corrected, shape } = candidates;
  if (corrected.length > 0 && random() < correctedFraction) {
    const base = decode(pick(corrected, random), shape);
    const jitter = options.correctedJitter ?? [0, 0, 0];
    const centre = base.map((x, k) => {
      const j = jitter[k]!;
      const moved = x + Math.floor(random() * (2 * j + 1)) - j;
      return Math.min(Math.max(moved, 0), shape[k]! - 1);
    }) as unknown as Vec3;
    return { centre, kind: 'corrected' };
  }
  const wantPositive = random() < positiveRatio;
  if (wantPositive ? positive.length > 0 : negative.length === 0 && positive.length > 0) {
    return { centre: decode(pick(positive, random), shape), kind: 'positive' };
  }
  if (negative.length > 0) return { centre: decode(pick(negative, random), shape), kind: 'negative' };
  const voxels = shape[0] * shape[1] * shape[2];
  return { centre: decode(Math.floor(random() * voxels), shape), kind: 'uniform' };
}

/**
 * The first voxel of a patch of `size` centred at `centre` (MONAI: centre − ⌊size/2⌋), moved inside the volume as
 * MONAI's correct_crop_centers does. On an axis shorter than the patch, the volume sits in the middle of the patch
 * and the rest is padding (start < 0).
 */
export function patchStart(centre: Vec3, size: Vec3, shape: Vec3): Vec3 {
  return centre.map((c, k) => {
    const n = shape[k]!;
    const s = size[k]!;
    if (n < s) return -Math.floor((s - n) / 2);
    return Math.min(Math.max(c - Math.floor(s / 2), 0), n - s);
  }) as unknown as Vec3;
}

export function decode(index: number, shape: Vec3): Vec3 {
  const w = index % shape[2];
  const rest = (index - w) / shape[2];
  const h = rest % shape[1];
  return [(rest - h) / shape[1], h, w];
}

function pick(list: Int32Array, random: () => number): number {
  return list[Math.floor(random() * list.length)]!;
}

function at<T extends Float32Array | Uint8Array>(view: VolumeView<T>, c: number, d: number, h: number, w: number): number {
  return view.data[view.offset + c * view.strides[0] + d * view.strides[1] + h * view.strides[2] + w * view.strides[3]]!;
}

function checkFraction(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) throw new Error(`patch centres: ${name} is ${value}; it must be within 0..1`);
  return value;
}
