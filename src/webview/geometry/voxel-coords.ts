// From a voxel of the RAS-layout array to what the status line shows: the file's own stored index (through the
// host's reorientation plan) and the world position in mm.
import type { Mat4 } from '../../core/nifti/types';
import type { Reorientation } from '../../core/nifti/reorient';

export type Voxel = readonly [number, number, number];

/**
 * The stored index of a RAS-layout voxel. The plan takes stored → RAS: RAS axis k reads stored axis
 * sourceAxisOf[k], reversed when flipped[k].
 */
export function storedIndexOf(plan: Reorientation, ras: Voxel): [number, number, number] {
  const stored: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const s = plan.sourceAxisOf[k]!;
    const n = plan.sourceShape[s]!;
    stored[s] = plan.flipped[k] ? n - 1 - ras[k]! : ras[k]!;
  }
  return stored;
}

export function worldOf(affine: Mat4, v: readonly number[]): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    const row = affine[r]!;
    out[r] = row[0]! * v[0]! + row[1]! * v[1]! + row[2]! * v[2]! + row[3]!;
  }
  return out;
}

export function clampVoxel(v: readonly number[], shape: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((k) => Math.min(shape[k]! - 1, Math.max(0, Math.round(v[k]!)))) as [number, number, number];
}

export function insideVolume(v: readonly number[], shape: readonly number[]): boolean {
  return [0, 1, 2].every((k) => v[k]! >= 0 && v[k]! < shape[k]!);
}

export function flatIndex3(shape: readonly number[], v: Voxel): number {
  return v[0] + shape[0]! * (v[1] + shape[1]! * v[2]);
}
