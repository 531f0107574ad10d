import { assertViewInBounds, type Vec3, type VolumeView } from './volume-view';

export interface VoxelBox {
  readonly start: Vec3;
  readonly size: Vec3;
}

/**
 * The smallest box (d, h, w) holding every voxel that is non-zero in any channel, grown by `margin` voxels on each
 * side and clipped to the volume; null when every voxel is zero.
 */
export function foregroundBox(view: VolumeView<Float32Array | Uint8Array>, margin: number): VoxelBox | null {
  assertViewInBounds(view, 'foreground box');
  if (!Number.isSafeInteger(margin) || margin < 0) throw new Error(`foreground box: margin ${margin} must be a non-negative integer`);
  const [nc, nd, nh, nw] = view.shape;
  const [sc, sd, sh, sw] = view.strides;
  const src = view.data;
  const low = [Infinity, Infinity, Infinity];
  const high = [-1, -1, -1];
  for (let c = 0; c < nc; c++) {
    for (let d = 0; d < nd; d++) {
      for (let h = 0; h < nh; h++) {
        const row = view.offset + c * sc + d * sd + h * sh;
        // The first and last non-zero voxel of the row are all the box needs from it.
        let first = -1;
        for (let w = 0, i = row; w < nw; w++, i += sw) {
          if (src[i] !== 0) {
            first = w;
            break;
          }
        }
        if (first < 0) continue;
        let last = first;
        for (let w = nw - 1, i = row + w * sw; w > first; w--, i -= sw) {
          if (src[i] !== 0) {
            last = w;
            break;
          }
        }
        if (d < low[0]!) low[0] = d;
        if (d > high[0]!) high[0] = d;
        if (h < low[1]!) low[1] = h;
        if (h > high[1]!) high[1] = h;
        if (first < low[2]!) low[2] = first;
        if (last > high[2]!) high[2] = last;
      }
    }
  }
  if (high[0]! < 0) return null;
  const sizes = [nd, nh, nw];
  const start = [0, 1, 2].map((k) => Math.max(0, low[k]! - margin)) as [number, number, number];
  const size = [0, 1, 2].map((k) => Math.min(sizes[k]! - 1, high[k]! + margin) - start[k]! + 1) as [number, number, number];
  return { start, size };
}
