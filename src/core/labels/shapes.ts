// Brush footprints as voxel sets. Radii are in mm and spacing may differ per axis, so a round brush on screen is an
// ellipse in voxel units. A voxel belongs to the shape when its centre lies within radiusMm of `center`.
import {
  checkSpacing,
  flatIndex,
  IndexList,
  LabelToolError,
  planeAxes,
  voxelCount,
  type Plane,
  type Shape,
  type Spacing,
  type Voxel,
} from './volume';

function checkShapeArgs(center: Voxel, radiusMm: number, shape: Shape, spacing: Spacing, where: string): void {
  voxelCount(shape, where);
  checkSpacing(spacing, where);
  if (!Number.isFinite(radiusMm) || radiusMm < 0) throw new LabelToolError(`${where}: radius ${radiusMm} mm is invalid`);
  if (center.length !== 3 || !center.every(Number.isFinite)) {
    throw new LabelToolError(`${where}: centre [${center.join(', ')}] is not three finite voxel coordinates`);
  }
}

/** Voxels whose centres lie in the axis-aligned ellipsoid (per-axis mm distances) within the volume, ascending. */
function ellipsoid(center: Voxel, radiusMm: number, shape: Shape, spacing: Spacing, use: readonly boolean[]): Uint32Array {
  const lo = [0, 0, 0], hi = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const c = center[a]!;
    const reach = use[a] ? radiusMm / spacing[a]! : 0;
    // Only the fixed axis of a disk is rounded: that picks the slice through the centre. The box is one voxel
    // wider than the reach because (x - c) * s can round down to exactly r where x - c just exceeds r / s; the
    // distance test below is the only judge.
    lo[a] = Math.max(0, use[a] ? Math.ceil(c - reach) - 1 : Math.round(c));
    hi[a] = Math.min(shape[a]! - 1, use[a] ? Math.floor(c + reach) + 1 : Math.round(c));
  }
  const out = new IndexList();
  const r2 = radiusMm * radiusMm;
  for (let z = lo[2]!; z <= hi[2]!; z++) {
    const dz = use[2] ? (z - center[2]) * spacing[2] : 0;
    for (let y = lo[1]!; y <= hi[1]!; y++) {
      const dy = use[1] ? (y - center[1]) * spacing[1] : 0;
      for (let x = lo[0]!; x <= hi[0]!; x++) {
        const dx = use[0] ? (x - center[0]) * spacing[0] : 0;
        if (dx * dx + dy * dy + dz * dz <= r2) out.push(flatIndex(x, y, z, shape));
      }
    }
  }
  return out.toArray();
}

/** 2D disk in the slice of `plane` through the (rounded) centre; empty if that slice is outside the volume. */
export function disk(center: Voxel, radiusMm: number, plane: Plane, shape: Shape, spacing: Spacing): Uint32Array {
  checkShapeArgs(center, radiusMm, shape, spacing, 'disk');
  const { normal } = planeAxes(plane);
  const use = [true, true, true];
  use[normal] = false;
  return ellipsoid(center, radiusMm, shape, spacing, use);
}

/** 3D ball of radiusMm around `center`, clipped to the volume. */
export function sphere(center: Voxel, radiusMm: number, shape: Shape, spacing: Spacing): Uint32Array {
  checkShapeArgs(center, radiusMm, shape, spacing, 'sphere');
  return ellipsoid(center, radiusMm, shape, spacing, [true, true, true]);
}
