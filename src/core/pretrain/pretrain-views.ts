// The pre-training batch: V sub-volumes, each seen twice. A view is the sub-volume turned by a random multiple of
// 90° (its rotation label) with random inner boxes replaced by noise (the cut-outs to inpaint); the target is the
// turned sub-volume before the cut-outs (MONAI's SSL recipe: rot_rand, then aug_rand's patch_rand_drop).
import { foregroundBox } from '../inference/foreground';
import { niftiView } from '../inference/volume-view';

type Vec3 = readonly [number, number, number];

/** One single-channel image to cut sub-volumes from, normalized as for inference. */
export interface PretrainVolume {
  /** x fastest (NIfTI order): index = x + X·(y + Y·z). */
  readonly data: Float32Array;
  readonly shape: Vec3;
  /** MRI (1 in the JSD groups) or CT (0). */
  readonly mri: boolean;
  /** Where sub-volume centres are drawn: the bounding box of the non-zero voxels, inclusive. */
  readonly box: { readonly min: Vec3; readonly max: Vec3 };
}

export interface ViewBatch {
  /** [2V, 1, S, S, S]: first views of sub-volumes 0 … V−1, then their second views. */
  readonly image: Float32Array;
  readonly target: Float32Array;
  /** [2V, 4] one-hot quarter turns. */
  readonly rotation: Float32Array;
  /** Per row: MRI or not. */
  readonly mri: readonly boolean[];
}

export interface CutoutSettings {
  /** Stop adding boxes once this share of the sub-volume is cut out (MONAI max_drop 0.3). */
  readonly maxFraction: number;
  /** Box sides are drawn from [S/8, S·maxSide] (MONAI max_block_sz 0.25). */
  readonly maxSide: number;
  readonly maxBoxes: number;
}

export const DEFAULT_CUTOUT: CutoutSettings = { maxFraction: 0.3, maxSide: 0.25, maxBoxes: 10 };

/** Bounding box of the non-zero voxels (inference's foreground box, no margin); the whole volume when all are zero. */
export function nonzeroBox(data: Float32Array, shape: Vec3): PretrainVolume['box'] {
  const box = foregroundBox(niftiView(data, shape, 1), 0);
  if (!box) return { min: [0, 0, 0], max: [shape[0] - 1, shape[1] - 1, shape[2] - 1] };
  return { min: box.start, max: [0, 1, 2].map((k) => box.start[k]! + box.size[k]! - 1) as unknown as Vec3 };
}

/**
 * V sub-volumes of roi³ from `volumes` (chosen by `pick(i)` for the i-th sub-volume), two views of each. Centres are
 * uniform in each volume's box; outside the volume is 0. Deterministic for the `random` stream.
 */
export function sampleViews(volumes: readonly PretrainVolume[], views: number, roi: number, random: () => number,
  pick: (i: number) => number, cutout: CutoutSettings = DEFAULT_CUTOUT): ViewBatch {
  const n = roi ** 3;
  const rows = 2 * views;
  const image = new Float32Array(rows * n);
  const target = new Float32Array(rows * n);
  const rotation = new Float32Array(rows * 4);
  const mri: boolean[] = new Array<boolean>(rows);
  const crop = new Float32Array(n);
  for (let i = 0; i < views; i++) {
    const volume = volumes[pick(i)];
    if (!volume) throw new Error(`sampleViews: no volume ${pick(i)} among ${volumes.length}`);
    cropAround(volume, roi, random, crop);
    for (const row of [i, i + views]) {
      const turns = Math.floor(random() * 4);
      const turned = target.subarray(row * n, (row + 1) * n);
      rotateInPlane(crop, roi, turns, turned);
      const view = image.subarray(row * n, (row + 1) * n);
      view.set(turned);
      cutOut(view, roi, random, cutout);
      rotation[row * 4 + turns] = 1;
      mri[row] = volume.mri;
    }
  }
  return { image, target, rotation, mri };
}

/** A roi³ crop in C order [z][y][x] centred uniformly within the volume's box. */
function cropAround(volume: PretrainVolume, roi: number, random: () => number, out: Float32Array): void {
  const [X, Y, Z] = volume.shape;
  const { min, max } = volume.box;
  const centre = [0, 1, 2].map((a) => min[a]! + Math.floor(random() * (max[a]! - min[a]! + 1)));
  const start = centre.map((c) => c - Math.floor(roi / 2));
  out.fill(0);
  for (let z = 0; z < roi; z++) {
    const sz = start[2]! + z;
    if (sz < 0 || sz >= Z) continue;
    for (let y = 0; y < roi; y++) {
      const sy = start[1]! + y;
      if (sy < 0 || sy >= Y) continue;
      for (let x = 0; x < roi; x++) {
        const sx = start[0]! + x;
        if (sx < 0 || sx >= X) continue;
        out[x + roi * (y + roi * z)] = volume.data[sx + X * (sy + Y * sz)]!;
      }
    }
  }
}

/** torch.rot90(x, turns, dims=(H, W)) of a cube [D][H][W]: out[d][i][j] = x[d][j][S−1−i] per quarter turn. */
export function rotateInPlane(x: Float32Array, s: number, turns: number, out: Float32Array): void {
  const k = ((turns % 4) + 4) % 4;
  for (let d = 0; d < s; d++) {
    const o = d * s * s;
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
      let si: number, sj: number;
      if (k === 0) [si, sj] = [i, j];
      else if (k === 1) [si, sj] = [j, s - 1 - i];
      else if (k === 2) [si, sj] = [s - 1 - i, s - 1 - j];
      else [si, sj] = [s - 1 - j, i];
      out[o + i * s + j] = x[o + si * s + sj]!;
    }
  }
}

/** Boxes inside the cube replaced by uniform noise over the view's own range, until the share is reached. */
function cutOut(view: Float32Array, s: number, random: () => number, c: CutoutSettings): void {
  let lo = Infinity, hi = -Infinity;
  for (const v of view) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const dropped = new Uint8Array(view.length);
  let count = 0;
  const smallest = Math.max(1, Math.floor(s / 8));
  const largest = Math.max(smallest, Math.floor(s * c.maxSide));
  for (let b = 0; b < c.maxBoxes && count < c.maxFraction * view.length; b++) {
    const side = [0, 1, 2].map(() => smallest + Math.floor(random() * (largest - smallest + 1)));
    const at = side.map((d) => Math.floor(random() * (s - d + 1)));
    for (let z = at[0]!; z < at[0]! + side[0]!; z++) for (let y = at[1]!; y < at[1]! + side[1]!; y++) {
      for (let x = at[2]!; x < at[2]! + side[2]!; x++) {
        const i = x + s * (y + s * z);
        if (!dropped[i]) count++;
        dropped[i] = 1;
        view[i] = lo + random() * (hi - lo);
      }
    }
  }
}
