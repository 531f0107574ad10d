// Shape-based interpolation (Raya & Udupa): the annotator draws a label on two non-adjacent slices and the slices
// between are filled by blending the two regions' signed distance maps, so the shape morphs instead of snapping.
import type { LabelEdit } from './label-edit';
import { setValues, type SetConstraint } from './set-values';
import {
  checkLabel,
  checkSpacing,
  checkVolume,
  IndexList,
  LabelToolError,
  planeAxes,
  type Plane,
  type Shape,
  type Spacing,
} from './volume';

export interface InterpolateRequest {
  readonly plane: Plane;
  /** The two drawn slices along the plane's normal axis; k1 - k0 >= 2. */
  readonly k0: number;
  readonly k1: number;
  readonly label: number;
  /** Passed to setValues, e.g. { onlyLabel: 0 } to leave other labels untouched. */
  readonly constraint?: SetConstraint;
}

/**
 * Two-pass 3x3 chamfer distance (mm) from every pixel to the nearest pixel with feature[p] = 1, on a U x V grid
 * (u fastest) with pixel size su x sv. Infinity everywhere when there is no feature pixel.
 */
export function chamferDistance(feature: Uint8Array, U: number, V: number, su: number, sv: number): Float64Array {
  const d = new Float64Array(U * V);
  for (let p = 0; p < d.length; p++) d[p] = feature[p] ? 0 : Infinity;
  const sd = Math.hypot(su, sv);
  const relax = (p: number, a: number, b: number, w: number): void => {
    if (a < 0 || a >= U || b < 0 || b >= V) return;
    const c = d[a + U * b]! + w;
    if (c < d[p]!) d[p] = c;
  };
  for (let b = 0; b < V; b++) {
    for (let a = 0; a < U; a++) {
      const p = a + U * b;
      relax(p, a - 1, b, su);
      relax(p, a - 1, b - 1, sd);
      relax(p, a, b - 1, sv);
      relax(p, a + 1, b - 1, sd);
    }
  }
  for (let b = V - 1; b >= 0; b--) {
    for (let a = U - 1; a >= 0; a--) {
      const p = a + U * b;
      relax(p, a + 1, b, su);
      relax(p, a + 1, b + 1, sd);
      relax(p, a, b + 1, sv);
      relax(p, a - 1, b + 1, sd);
    }
  }
  return d;
}

/**
 * Signed distance of a region: negative inside (distance to the nearest outside pixel), positive outside. Missing
 * sides (empty or full region) are clamped to the slice diagonal so a region present on only one drawn slice
 * tapers away instead of producing Infinity * 0 = NaN in the blend.
 */
export function signedDistance(inside: Uint8Array, U: number, V: number, su: number, sv: number): Float64Array {
  const outside = inside.map((v) => (v ? 0 : 1));
  const toInside = chamferDistance(inside, U, V, su, sv);
  const toOutside = chamferDistance(outside, U, V, su, sv);
  const cap = Math.hypot(U * su, V * sv);
  const s = new Float64Array(U * V);
  for (let p = 0; p < s.length; p++) s[p] = inside[p] ? -Math.min(toOutside[p]!, cap) : Math.min(toInside[p]!, cap);
  return s;
}

/** Fills the label on slices k0+1 .. k1-1 from the label's regions on k0 and k1; returns the edit. */
export function interpolateSlices(mask: Uint8Array, shape: Shape, spacing: Spacing, req: InterpolateRequest): LabelEdit {
  checkVolume(mask, shape, 'interpolateSlices');
  checkSpacing(spacing, 'interpolateSlices');
  checkLabel(req.label, 'interpolateSlices label');
  if (req.label === 0) throw new LabelToolError('interpolateSlices: label 0 is background; erase instead');
  const { normal, u, v } = planeAxes(req.plane);
  const depth = shape[normal];
  const { k0, k1 } = req;
  if (!Number.isInteger(k0) || !Number.isInteger(k1) || k0 < 0 || k1 >= depth || k1 - k0 < 2) {
    throw new LabelToolError(
      `interpolateSlices: slices ${k0} and ${k1} of ${req.plane} (0..${depth - 1}) need k0 < k1 with a slice between`,
    );
  }
  const U = shape[u], V = shape[v];
  const stride = [1, shape[0], shape[0] * shape[1]] as const;
  const su = stride[u], sv = stride[v], sn = stride[normal];
  const region = (k: number): Uint8Array => {
    const r = new Uint8Array(U * V);
    for (let b = 0; b < V; b++) for (let a = 0; a < U; a++) r[a + U * b] = mask[a * su + b * sv + k * sn] === req.label ? 1 : 0;
    return r;
  };
  const d0 = signedDistance(region(k0), U, V, spacing[u], spacing[v]);
  const d1 = signedDistance(region(k1), U, V, spacing[u], spacing[v]);
  const hits = new IndexList();
  for (let k = k0 + 1; k < k1; k++) {
    const t = (k - k0) / (k1 - k0);
    for (let b = 0; b < V; b++) {
      for (let a = 0; a < U; a++) {
        const p = a + U * b;
        if ((1 - t) * d0[p]! + t * d1[p]! <= 0) hits.push(a * su + b * sv + k * sn);
      }
    }
  }
  return setValues(mask, hits.toArray(), req.label, req.constraint);
}
