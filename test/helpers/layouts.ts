// Test-side layout conversions, written out index by index so they check the strided views rather than share
// their arithmetic.
import type { Reorientation } from '../../src/core/nifti';

export type Shape3 = [number, number, number];

/** The 6 axis orders × 8 flip patterns a reorientation can take. */
export const PERMUTATIONS: Shape3[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/** A plan whose reoriented (model-side) shape is `modelShape`: source axis perm[k] becomes output axis k. */
export function planFor(modelShape: Shape3, perm: Shape3, flipBits: number): Reorientation {
  const sourceShape = [0, 0, 0] as Shape3;
  perm.forEach((s, k) => { sourceShape[s] = modelShape[k]!; });
  return {
    sourceShape, sourceAxisOf: perm, flipped: [0, 1, 2].map((k) => Boolean(flipBits & (1 << k))) as [boolean, boolean, boolean],
    fromAxcodes: 'stored', toAxcodes: 'model',
  };
}

/** C-order (C, A, B, D) → NIfTI order (A fastest, channel slowest) of the same shape. */
export function cOrderToNifti<T extends Float32Array | Uint8Array>(data: T, channels: number, [a, b, d]: Shape3): T {
  const out = new (data.constructor as { new (n: number): T })(data.length);
  for (let c = 0; c < channels; c++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < d; k++) {
    out[i + a * (j + b * (k + d * c))] = data[((c * a + i) * b + j) * d + k]!;
  }
  return out;
}

export function niftiToCOrder<T extends Float32Array | Uint8Array>(data: T, channels: number, [a, b, d]: Shape3): T {
  const out = new (data.constructor as { new (n: number): T })(data.length);
  for (let c = 0; c < channels; c++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < d; k++) {
    out[((c * a + i) * b + j) * d + k] = data[i + a * (j + b * (k + d * c))]!;
  }
  return out;
}

/** Reads every element of a view by its definition, data[offset + Σ index·stride], into C order. */
export function readViewNaively(view: { data: ArrayLike<number>; shape: readonly number[]; strides: readonly number[]; offset: number }): number[] {
  const [nc, nd, nh, nw] = view.shape as [number, number, number, number];
  const out: number[] = [];
  for (let c = 0; c < nc; c++) for (let d = 0; d < nd; d++) for (let h = 0; h < nh; h++) for (let w = 0; w < nw; w++) {
    const at = view.offset + c * view.strides[0]! + d * view.strides[1]! + h * view.strides[2]! + w * view.strides[3]!;
    if (at < 0 || at >= view.data.length) throw new Error(`view element (${c}, ${d}, ${h}, ${w}) is at ${at}, outside the data`);
    out.push(view.data[at]!);
  }
  return out;
}
