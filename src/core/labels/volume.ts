// Shared vocabulary of the label tools: a volume is a flat Uint8Array (or Float32Array for the image) in RAS
// layout, x fastest: index = x + X * (y + Y * z). Kept separate so every tool validates its inputs the same way.

/** Voxel counts along x, y, z. */
export type Shape = readonly [number, number, number];
/** Voxel size in mm along x, y, z. */
export type Spacing = readonly [number, number, number];
/** Voxel coordinates [x, y, z]; may be fractional where a tool says so (shape centres). */
export type Voxel = readonly [number, number, number];

/** Slice planes: axial fixes z, coronal fixes y, sagittal fixes x. */
export type Plane = 'axial' | 'coronal' | 'sagittal';

export class LabelToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelToolError';
  }
}

/** The axis a plane fixes, and the two in-plane axes (ascending). */
export function planeAxes(plane: Plane): { normal: 0 | 1 | 2; u: 0 | 1 | 2; v: 0 | 1 | 2 } {
  switch (plane) {
    case 'axial':
      return { normal: 2, u: 0, v: 1 };
    case 'coronal':
      return { normal: 1, u: 0, v: 2 };
    case 'sagittal':
      return { normal: 0, u: 1, v: 2 };
    default:
      throw new LabelToolError(`unknown plane ${JSON.stringify(plane)}: expected axial, coronal or sagittal`);
  }
}

export function voxelCount(shape: Shape, where: string): number {
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new LabelToolError(`${where}: shape must be three positive integers, got [${shape.join(', ')}]`);
  }
  const n = shape[0] * shape[1] * shape[2];
  // Flat indices travel as Uint32; a bigger volume could not be addressed by an edit.
  if (n > 0xffffffff) throw new LabelToolError(`${where}: ${n} voxels exceed the 2^32 - 1 addressable by an edit`);
  return n;
}

export function checkVolume(data: ArrayLike<number>, shape: Shape, where: string): number {
  const n = voxelCount(shape, where);
  if (data.length !== n) {
    throw new LabelToolError(`${where}: volume has ${data.length} voxels but shape [${shape.join(', ')}] needs ${n}`);
  }
  return n;
}

export function checkSpacing(spacing: Spacing, where: string): void {
  if (spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw new LabelToolError(`${where}: spacing must be three positive mm values, got [${spacing.join(', ')}]`);
  }
}

export function checkLabel(value: number, where: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new LabelToolError(`${where}: label ${value} is not an integer in 0..255`);
  }
}

export function flatIndex(x: number, y: number, z: number, shape: Shape): number {
  return x + shape[0] * (y + shape[1] * z);
}

/** A Uint32Array that doubles when full: tools collect voxel lists of unknown size without number[] boxing. */
export class IndexList {
  private data: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }

  push(i: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = i;
  }

  get(k: number): number {
    return this.data[k]!;
  }

  /** A trimmed copy, so the (possibly much larger) backing store can be collected. */
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}
