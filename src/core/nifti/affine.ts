import type { Mat4, NiftiGeometry } from './types';

/** The three ways the standard places voxels in the world, in the order the issue and nibabel pick them. */
export type AffineSource = 'sform' | 'qform' | 'fallback';

export function identity4(): Mat4 {
  return [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
}

export function multiply4(a: Mat4, b: Mat4): Mat4 {
  const out = identity4();
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r]![k]! * b[k]![c]!;
      out[r]![c] = s;
    }
  }
  return out;
}

/**
 * Quaternion method (NIfTI "method 2"). Follows niftilib's nifti_quatern_to_mat44: a non-positive spacing counts as
 * 1, a negative qfac means -1 and any other means 1, and a quaternion whose b²+c²+d² exceeds 1 is renormalised with a = 0, so a
 * slightly off header still gives a rotation rather than NaNs.
 */
export function qformMatrix(g: NiftiGeometry): Mat4 {
  let [b, c, d] = g.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    const n = Math.hypot(b, c, d) || 1;
    b /= n; c /= n; d /= n;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const spacing = [1, 2, 3].map((i) => {
    const v = g.pixdim[i] ?? 1;
    return v > 0 && Number.isFinite(v) ? v : 1;
  });
  const qfac = (g.pixdim[0] ?? 1) < 0 ? -1 : 1;
  const [dx, dy] = [spacing[0]!, spacing[1]!];
  const dz = spacing[2]! * qfac;
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  return [
    [r[0]![0]! * dx, r[0]![1]! * dy, r[0]![2]! * dz, g.qoffset[0]],
    [r[1]![0]! * dx, r[1]![1]! * dy, r[1]![2]! * dz, g.qoffset[1]],
    [r[2]![0]! * dx, r[2]![1]! * dy, r[2]![2]! * dz, g.qoffset[2]],
    [0, 0, 0, 1],
  ];
}

export function sformMatrix(g: NiftiGeometry): Mat4 {
  return [[...g.srow[0]!], [...g.srow[1]!], [...g.srow[2]!], [0, 0, 0, 1]];
}

/**
 * With neither code set, nibabel (which wrote our reference fixtures) uses the ANALYZE convention: x flipped and
 * the volume centred on the origin. The standard's "method 1" (plain pixdim scaling) would disagree with every
 * nibabel-based tool on left and right, so we follow nibabel.
 */
export function fallbackMatrix(shape: readonly number[], pixdim: readonly number[]): Mat4 {
  const m = identity4();
  for (let i = 0; i < 3; i++) {
    const n = shape[i] ?? 1;
    const raw = pixdim[i + 1];
    const zoom = (raw !== undefined && Number.isFinite(raw) && raw !== 0 ? raw : 1) * (i === 0 ? -1 : 1);
    m[i]![i] = zoom;
    m[i]![3] = (-(n - 1) / 2) * zoom;
  }
  return m;
}

export function bestAffine(g: NiftiGeometry, shape: readonly number[]): { affine: Mat4; source: AffineSource } {
  if (g.sformCode > 0) return { affine: sformMatrix(g), source: 'sform' };
  if (g.qformCode > 0) return { affine: qformMatrix(g), source: 'qform' };
  return { affine: fallbackMatrix(shape, g.pixdim), source: 'fallback' };
}

/** For each voxel axis: the world axis (0 = x/R, 1 = y/A, 2 = z/S) it runs closest to, and whether it runs backwards. */
export interface AxisOrientation {
  readonly worldAxis: number;
  readonly flipped: boolean;
}

/**
 * nibabel's io_orientation: the closest rotation to the (column-normalised) 3×3 part, then a greedy choice of the
 * dominant world axis per voxel axis, each world axis used once. For oblique images this names the nearest
 * orthogonal orientation, which is what permute-and-flip reorientation can reach.
 */
export function axisOrientations(affine: Mat4): AxisOrientation[] {
  const rs = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r]![c]!));
  for (let c = 0; c < 3; c++) {
    const norm = Math.hypot(rs[0]![c]!, rs[1]![c]!, rs[2]![c]!) || 1;
    for (let r = 0; r < 3; r++) rs[r]![c]! /= norm;
  }
  const rot = closestRotation(rs);
  const used = [false, false, false];
  const out: AxisOrientation[] = [];
  for (let c = 0; c < 3; c++) {
    let best = -1;
    for (let r = 0; r < 3; r++) {
      if (used[r]) continue;
      if (best < 0 || Math.abs(rot[r]![c]!) > Math.abs(rot[best]![c]!)) best = r;
    }
    used[best] = true;
    out.push({ worldAxis: best, flipped: rot[best]![c]! < 0 });
  }
  return out;
}

const positiveLetters = ['R', 'A', 'S'];
const negativeLetters = ['L', 'P', 'I'];

export function axcodesOf(orientations: readonly AxisOrientation[]): string {
  return orientations.map((o) => (o.flipped ? negativeLetters : positiveLetters)[o.worldAxis]).join('');
}

export function axcodesFromAffine(affine: Mat4): string {
  return axcodesOf(axisOrientations(affine));
}

/** Polar factor by Newton iteration R ← (R + R⁻ᵀ)/2; a singular matrix keeps its normalised columns. */
function closestRotation(m: number[][]): number[][] {
  let r = m.map((row) => [...row]);
  for (let iter = 0; iter < 50; iter++) {
    const invT = inverseTranspose3(r);
    if (!invT) return m;
    let delta = 0;
    const next = r.map((row, i) => row.map((v, j) => {
      const n = (v + invT[i]![j]!) / 2;
      delta = Math.max(delta, Math.abs(n - v));
      return n;
    }));
    r = next;
    if (delta < 1e-12) break;
  }
  return r;
}

function inverseTranspose3(m: number[][]): number[][] | null {
  const [a, b, c] = m[0]!;
  const [d, e, f] = m[1]!;
  const [g, h, i] = m[2]!;
  const A = e! * i! - f! * h!;
  const B = -(d! * i! - f! * g!);
  const C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  // Cofactor matrix over det is the inverse transpose.
  return [
    [A / det, B / det, C / det],
    [-(b! * i! - c! * h!) / det, (a! * i! - c! * g!) / det, -(a! * h! - b! * g!) / det],
    [(b! * f! - c! * e!) / det, -(a! * f! - c! * d!) / det, (a! * e! - b! * d!) / det],
  ];
}
