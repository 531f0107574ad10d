import { axisOrientations, axcodesFromAffine, multiply4 } from './affine';
import type { VoxelArray } from './datatypes';
import type { Mat4 } from './types';

/**
 * A reorientation by permuting and flipping voxel axes only: no resampling, so every voxel keeps its value and
 * the inverse gives back the stored array bit for bit.
 */
export interface Reorientation {
  /** Spatial shape of the array being reoriented. */
  readonly sourceShape: readonly [number, number, number];
  /** Output axis k takes its index from source axis sourceAxisOf[k]. */
  readonly sourceAxisOf: readonly [number, number, number];
  /** Whether output axis k runs opposite to its source axis. */
  readonly flipped: readonly [boolean, boolean, boolean];
  readonly fromAxcodes: string;
  readonly toAxcodes: string;
}

const letterAxis: Readonly<Record<string, { axis: number; negative: boolean }>> = {
  R: { axis: 0, negative: false }, L: { axis: 0, negative: true },
  A: { axis: 1, negative: false }, P: { axis: 1, negative: true },
  S: { axis: 2, negative: false }, I: { axis: 2, negative: true },
};

/** Plans the permutation and flips that bring an image with this affine to `target` axis codes (RAS by default). */
export function planReorientation(affine: Mat4, spatialShape: readonly number[], target = 'RAS'): Reorientation {
  const wanted = [...target.toUpperCase()].map((letter) => letterAxis[letter]);
  if (wanted.length !== 3 || wanted.some((w) => !w) || new Set(wanted.map((w) => w!.axis)).size !== 3) {
    throw new Error(`"${target}" is not an orientation: it needs one of R/L, A/P and S/I each`);
  }
  const source = axisOrientations(affine);
  const sourceAxisOf = [0, 0, 0] as [number, number, number];
  const flipped = [false, false, false] as [boolean, boolean, boolean];
  wanted.forEach((w, k) => {
    const i = source.findIndex((s) => s.worldAxis === w!.axis);
    sourceAxisOf[k] = i;
    flipped[k] = source[i]!.flipped !== w!.negative;
  });
  return {
    sourceShape: [spatialShape[0] ?? 1, spatialShape[1] ?? 1, spatialShape[2] ?? 1],
    sourceAxisOf,
    flipped,
    fromAxcodes: axcodesFromAffine(affine),
    toAxcodes: target.toUpperCase(),
  };
}

export function isIdentity(plan: Reorientation): boolean {
  return plan.sourceAxisOf.every((s, k) => s === k) && plan.flipped.every((f) => !f);
}

export function reorientedShape(plan: Reorientation): [number, number, number] {
  return plan.sourceAxisOf.map((s) => plan.sourceShape[s]!) as [number, number, number];
}

/** The plan that takes the reoriented array back to the source layout. */
export function invertReorientation(plan: Reorientation): Reorientation {
  const sourceAxisOf = [0, 0, 0] as [number, number, number];
  const flipped = [false, false, false] as [boolean, boolean, boolean];
  plan.sourceAxisOf.forEach((s, k) => {
    sourceAxisOf[s] = k;
    flipped[s] = plan.flipped[k]!;
  });
  return { sourceShape: reorientedShape(plan), sourceAxisOf, flipped, fromAxcodes: plan.toAxcodes, toAxcodes: plan.fromAxcodes };
}

/** The affine of the reoriented array: the same world position for every voxel. */
export function reorientAffine(affine: Mat4, plan: Reorientation): Mat4 {
  const t: Mat4 = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
  plan.sourceAxisOf.forEach((s, k) => {
    t[s]![k] = plan.flipped[k] ? -1 : 1;
    t[s]![3] = plan.flipped[k] ? plan.sourceShape[s]! - 1 : 0;
  });
  return multiply4(affine, t);
}

/**
 * Reorders voxels; `data` holds `channels` volumes of sourceShape one after the other (the 4th axis slowest), and
 * each is reoriented the same way. Returns a new array of the same type.
 */
export function reorientVoxels<T extends VoxelArray>(data: T, plan: Reorientation, channels = 1): T {
  const [n0, n1, n2] = plan.sourceShape;
  const perVolume = n0 * n1 * n2;
  if (data.length !== perVolume * channels) {
    throw new Error(`reorientVoxels: ${data.length} values do not fill ${channels} volume(s) of ${n0}×${n1}×${n2}`);
  }
  const out = new (data.constructor as { new (n: number): T })(data.length);
  if (isIdentity(plan)) {
    out.set(data);
    return out;
  }
  const sourceStride = [1, n0, n0 * n1];
  const [o0, o1, o2] = reorientedShape(plan);
  // Per output axis: how far the source index moves for one step, and where it starts.
  const step = plan.sourceAxisOf.map((s, k) => (plan.flipped[k] ? -1 : 1) * sourceStride[s]!);
  const origin = plan.sourceAxisOf.reduce((acc, s, k) => acc + (plan.flipped[k] ? (plan.sourceShape[s]! - 1) * sourceStride[s]! : 0), 0);
  const [s0, s1, s2] = step as [number, number, number];
  for (let c = 0; c < channels; c++) {
    const base = c * perVolume;
    let dst = base;
    for (let k = 0; k < o2; k++) {
      for (let j = 0; j < o1; j++) {
        let src = base + origin + k * s2 + j * s1;
        for (let i = 0; i < o0; i++, src += s0) out[dst++] = data[src]!;
      }
    }
  }
  return out;
}
