// Distances to the generator's shapes. Every surface is a star-shaped "egg" (an ellipsoid whose half-axes may differ
// front/back and up/down) whose radius is scaled by a smooth wobble, and distances are measured along the ray from
// its centre: signedEggDistance = |d| − R(direction) · wobble. That is not the Euclidean distance, but it is exact
// on the ray, cheap, continuous, and the same function offset by a thickness gives nested shells that never cross.

/** Half-axes of an egg, mm. */
export interface EggAxes {
  readonly x: number;
  readonly front: number;
  readonly back: number;
  readonly up: number;
  readonly down: number;
}

/** Signed distance (mm, negative inside) from offset (dx, dy, dz) off the centre to the egg's surface scaled by
 * `wobble` (1 = the egg itself). */
export function signedEggDistance(dx: number, dy: number, dz: number, axes: EggAxes, wobble: number): number {
  const qx = dx / axes.x;
  const qy = dy / (dy >= 0 ? axes.front : axes.back);
  const qz = dz / (dz >= 0 ? axes.up : axes.down);
  const q = Math.sqrt(qx * qx + qy * qy + qz * qz);
  const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (q < 1e-9) return -Math.min(axes.x, axes.front, axes.back, axes.up, axes.down) * wobble;
  return r - (r / q) * wobble;
}

/** Same for an ellipsoid with half-axes (ax, ay, az). */
export function signedEllipsoidDistance(dx: number, dy: number, dz: number, ax: number, ay: number, az: number): number {
  const qx = dx / ax, qy = dy / ay, qz = dz / az;
  const q = Math.sqrt(qx * qx + qy * qy + qz * qz);
  const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (q < 1e-9) return -Math.min(ax, ay, az);
  return r - r / q;
}

/**
 * The fraction of a voxel of width `h` inside a surface at signed distance `sd` from its centre: a linear ramp
 * from 1 (sd ≤ −h/2) to 0 (sd ≥ h/2), the exact fraction for a plane crossing the voxel face-on. This is the
 * partial-volume model: voxels on an edge mix the materials on both sides.
 */
export function insideFraction(sd: number, h: number): number {
  const f = 0.5 - sd / h;
  return f <= 0 ? 0 : f >= 1 ? 1 : f;
}

/** 0 below 0, 1 above 1, smooth between. */
export function smoothstep(t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}
