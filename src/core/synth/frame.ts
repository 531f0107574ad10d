import type { Mat4, NiftiGeometry } from '../nifti/types';
import type { Rng } from './random';

type Vec3 = [number, number, number];

/**
 * Where the head sits in the volume. The image grid is axis-aligned RAS with the volume's centre at the world
 * origin; the head is drawn in its own "anatomical" frame (mm, x right, y anterior, z superior, centred on the
 * head) that is tilted a few degrees, shifted a few mm and scaled to fit, as real heads never sit straight.
 * Voxel (i, j, k) is at anatomical point `origin + i · stepX + j · stepY + k · stepZ`.
 */
export interface SynthFrame {
  readonly shape: readonly [number, number, number];
  readonly spacing: number;
  readonly affine: Mat4;
  readonly origin: Vec3;
  readonly stepX: Vec3;
  readonly stepY: Vec3;
  readonly stepZ: Vec3;
  /** World mm per anatomical mm (≤ 1 when the head was shrunk to fit). */
  readonly scale: number;
  /** Voxel size in anatomical mm: the width of partial-volume edges. */
  readonly voxelMm: number;
  /** anatomical → world: world = rotation · (scale · a) + translation. */
  readonly rotation: readonly Vec3[];
  readonly translation: Vec3;
}

/** Axis-aligned RAS, centred: voxel (n − 1) / 2 of each axis is at 0 mm. */
export function centredRasAffine(shape: readonly [number, number, number], spacing: number): Mat4 {
  const o = shape.map((n) => (-(n - 1) / 2) * spacing);
  return [[spacing, 0, 0, o[0]!], [0, spacing, 0, o[1]!], [0, 0, spacing, o[2]!], [0, 0, 0, 1]];
}

/** The header fields for that affine: qform and sform both "scanner" (code 1), units mm and s. */
export function synthGeometry(affine: Mat4): NiftiGeometry {
  const s = [affine[0]![0]!, affine[1]![1]!, affine[2]![2]!];
  const t = [affine[0]![3]!, affine[1]![3]!, affine[2]![3]!] as const;
  return {
    qformCode: 1, sformCode: 1, quatern: [0, 0, 0], qoffset: [t[0], t[1], t[2]],
    pixdim: [1, s[0]!, s[1]!, s[2]!, 1, 0, 0, 0],
    srow: affine.slice(0, 3).map((row) => [...row]), xyztUnits: 10, dimInfo: 0,
  };
}

/**
 * Draws the head's pose and fits it in the field of view. `halfExtent` is the head's largest half-size along its
 * own x, y, z (mm, wobble included).
 */
export function drawFrame(shape: readonly [number, number, number], spacing: number, halfExtent: Vec3, rng: Rng): SynthFrame {
  const deg = Math.PI / 180;
  const rotation = rotationZXY(rng.signed() * 8 * deg, rng.signed() * 10 * deg, rng.signed() * 6 * deg);
  const translation: Vec3 = [rng.signed() * 4, rng.signed() * 4, rng.signed() * 4];
  const sizeJitter = rng.uniform(0.92, 1.0);
  // Half-size of the tilted head's bounding box along each world axis (an ellipsoid's support function).
  const margin = 2 * spacing;
  let fit = Infinity;
  for (let i = 0; i < 3; i++) {
    const row = rotation[i]!;
    const extent = Math.hypot(row[0] * halfExtent[0], row[1] * halfExtent[1], row[2] * halfExtent[2]);
    const room = ((shape[i]! - 1) / 2) * spacing - margin - Math.abs(translation[i]!);
    fit = Math.min(fit, Math.max(room, spacing) / extent);
  }
  const scale = Math.min(1, fit) * sizeJitter;
  const affine = centredRasAffine(shape, spacing);
  // anatomical = rotationᵀ · (world − translation) / scale
  const toAnat = (w: Vec3): Vec3 => {
    const d = [w[0] - translation[0], w[1] - translation[1], w[2] - translation[2]];
    return [0, 1, 2].map((c) => (rotation[0]![c]! * d[0]! + rotation[1]![c]! * d[1]! + rotation[2]![c]! * d[2]!) / scale) as Vec3;
  };
  const origin = toAnat([affine[0]![3]!, affine[1]![3]!, affine[2]![3]!]);
  const step = (axis: number): Vec3 => {
    const v = [0, 1, 2].map((c) => (rotation[axis]![c]! * spacing) / scale);
    return v as Vec3;
  };
  return {
    shape, spacing, affine, origin, stepX: step(0), stepY: step(1), stepZ: step(2), scale,
    voxelMm: spacing / scale, rotation, translation,
  };
}

/** Anatomical point → world (RAS mm). */
export function anatToWorld(frame: SynthFrame, a: readonly number[]): Vec3 {
  const r = frame.rotation;
  return [0, 1, 2].map((i) => frame.scale * (r[i]![0] * a[0]! + r[i]![1] * a[1]! + r[i]![2] * a[2]!) + frame.translation[i]!) as Vec3;
}

/** R = Rz(yaw) · Rx(pitch) · Ry(roll), rows. */
function rotationZXY(yaw: number, pitch: number, roll: number): Vec3[] {
  const [cz, sz, cx, sx, cy, sy] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch), Math.cos(roll), Math.sin(roll)];
  const rz = [[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]];
  const rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]];
  const ry = [[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]];
  return multiply3(multiply3(rz, rx), ry);
}

function multiply3(a: number[][], b: number[][]): Vec3[] {
  return [0, 1, 2].map((r) => [0, 1, 2].map((c) => a[r]![0]! * b[0]![c]! + a[r]![1]! * b[1]![c]! + a[r]![2]! * b[2]![c]!) as Vec3);
}
