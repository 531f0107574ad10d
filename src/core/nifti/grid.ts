// Whether two volumes share one voxel grid, so that voxel (i, j, k) of one lies where voxel (i, j, k) of the other
// does. A channel or a mask on another grid would be drawn over the wrong anatomy, so it is refused, never shown.
import type { Mat4 } from './types';

export interface Grid {
  /** Spatial shape; a 4th (channel) axis, if present, is ignored. */
  readonly shape: readonly number[];
  readonly affine: Mat4;
}

/** 1e-3 mm in every affine entry: float32 header rounding, far below any real misregistration. */
export const GRID_TOLERANCE = 1e-3;

/** Why `other` is not on `reference`'s grid (a phrase about `other`), or undefined when it is. */
export function gridDifference(reference: Grid, other: Grid, tolerance = GRID_TOLERANCE): string | undefined {
  const a = reference.shape.slice(0, 3);
  const b = other.shape.slice(0, 3);
  if (a.length !== b.length || a.some((n, i) => n !== b[i])) return `its shape is ${b.join('×')}, not ${a.join('×')}`;
  const problems: string[] = [];
  const offset = [0, 1, 2].map((r) => other.affine[r]![3]! - reference.affine[r]![3]!);
  if (offset.some((d) => Math.abs(d) > tolerance)) {
    problems.push(`its origin is offset by (${offset.map(short).join(', ')}) mm`);
  }
  let axes = 0;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) axes = Math.max(axes, Math.abs(other.affine[r]![c]! - reference.affine[r]![c]!));
  }
  if (axes > tolerance) problems.push(`its voxel axes (spacing or direction) differ by up to ${short(axes)} mm per voxel`);
  return problems.length > 0 ? problems.join(' and ') : undefined;
}

function short(v: number): string {
  return String(Number(v.toFixed(4)));
}
