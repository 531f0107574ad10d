// Connected-region growing shared by the fill tool and island removal. Iterative (no recursion: a 35 M voxel region
// would overflow any call stack) with a bit-packed visited map (N/8 bytes) and a growable Uint32Array queue that
// holds only the region found, so memory stays near the region size plus 1 bit per voxel.
import {
  checkVolume,
  flatIndex,
  IndexList,
  LabelToolError,
  planeAxes,
  voxelCount,
  type Plane,
  type Shape,
  type Voxel,
} from './volume';

/** One bit per voxel. */
export class VisitedMap {
  readonly bits: Uint8Array;
  constructor(size: number) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
  }
  has(i: number): boolean {
    return (this.bits[i >>> 3]! & (1 << (i & 7))) !== 0;
  }
  add(i: number): void {
    this.bits[i >>> 3]! |= 1 << (i & 7);
  }
}

/**
 * Grows the region of voxels accepted by `accept` that is connected to `seed` (which must be accepted), appending
 * it to `out`. Neighbours: along every axis for 3D (6-connected), or only the two in-plane axes when `plane` is
 * given (4-connected, staying in the seed's slice). Visited voxels are marked in `visited`, which callers may share
 * across calls (island removal labels all components with one map).
 */
export function growRegion(
  seed: number,
  shape: Shape,
  accept: (i: number) => boolean,
  visited: VisitedMap,
  out: IndexList,
  plane?: Plane,
): number {
  const [X, Y, Z] = shape;
  const XY = X * Y;
  const axes = plane ? planeAxes(plane) : undefined;
  const walkX = !axes || axes.normal !== 0;
  const walkY = !axes || axes.normal !== 1;
  const walkZ = !axes || axes.normal !== 2;
  const first = out.length;
  visited.add(seed);
  out.push(seed);
  const visit = (j: number): void => {
    if (!visited.has(j) && accept(j)) {
      visited.add(j); // marked on push, so each voxel enters the queue at most once
      out.push(j);
    }
  };
  // `out` is the FIFO queue: everything pushed belongs to the region, the head only advances.
  for (let head = first; head < out.length; head++) {
    const i = out.get(head);
    const x = i % X;
    const y = Math.floor(i / X) % Y;
    const z = Math.floor(i / XY);
    if (walkX) {
      if (x > 0) visit(i - 1);
      if (x < X - 1) visit(i + 1);
    }
    if (walkY) {
      if (y > 0) visit(i - X);
      if (y < Y - 1) visit(i + X);
    }
    if (walkZ) {
      if (z > 0) visit(i - XY);
      if (z < Z - 1) visit(i + XY);
    }
  }
  return out.length - first;
}

/** What the fill spreads through. */
export type FillCriterion =
  /** Voxels whose image value lies in [lo, hi] (the seed must, too). */
  | { readonly kind: 'range'; readonly image: Float32Array; readonly lo: number; readonly hi: number }
  /** Voxels holding the same label as the seed. */
  | { readonly kind: 'label'; readonly mask: Uint8Array };

export interface FillOptions {
  /** Fill within the seed's slice of this plane (4-connected); 3D (6-connected) when absent. */
  readonly plane?: Plane;
}

/** Flat indices (ascending) of the region connected to `seed`; empty when the seed itself does not qualify. */
export function floodFill(seed: Voxel, shape: Shape, criterion: FillCriterion, options: FillOptions = {}): Uint32Array {
  const size = voxelCount(shape, 'floodFill');
  if (!seed.every((c, a) => Number.isInteger(c) && c >= 0 && c < shape[a]!)) {
    throw new LabelToolError(`floodFill: seed [${seed.join(', ')}] is not a voxel of shape [${shape.join(', ')}]`);
  }
  let accept: (i: number) => boolean;
  if (criterion.kind === 'range') {
    checkVolume(criterion.image, shape, 'floodFill image');
    const { image, lo, hi } = criterion;
    accept = (i) => {
      const v = image[i]!;
      return v >= lo && v <= hi;
    };
  } else if (criterion.kind === 'label') {
    checkVolume(criterion.mask, shape, 'floodFill mask');
    const { mask } = criterion;
    const label = mask[flatIndex(seed[0], seed[1], seed[2], shape)]!;
    accept = (i) => mask[i] === label;
  } else {
    throw new LabelToolError(`floodFill: unknown criterion ${JSON.stringify((criterion as { kind: unknown }).kind)}`);
  }
  const s = flatIndex(seed[0], seed[1], seed[2], shape);
  if (!accept(s)) return new Uint32Array(0);
  const visited = new VisitedMap(size);
  const queue = new IndexList();
  const n = growRegion(s, shape, accept, visited, queue, options.plane);
  // The visited bits are exactly the region: scanning them yields it ascending in O(N / 8) instead of sorting.
  const out = new Uint32Array(n);
  let o = 0;
  const bits = visited.bits;
  for (let byte = 0; byte < bits.length; byte++) {
    const b = bits[byte]!;
    if (b === 0) continue;
    for (let k = 0; k < 8; k++) if (b & (1 << k)) out[o++] = byte * 8 + k;
  }
  return out;
}
