// CPU slice extraction: one 2D slice of a RAS-layout volume (x fastest) into a flat array, row by row along the
// view's vertical axis. A 370×316 slice is ~0.1 M voxels: a few ms at most, so the GPU never needs a 3D texture.
import type { ViewAxes } from '../geometry/views';
import type { VoxelData } from '../model/voxel-data';

export interface Scaling {
  readonly slope: number;
  readonly inter: number;
}

type SliceOut = Float32Array | Uint8Array;

/**
 * out[a + b·width] = volume[horizontal = a, vertical = b, normal = index], with scl slope/intercept applied when
 * given. `out` must hold width × height values.
 */
export function extractSlice<T extends SliceOut>(
  data: VoxelData, shape: readonly number[], axes: ViewAxes, index: number, out: T, scaling: Scaling | null = null,
): T {
  const stride = [1, shape[0]!, shape[0]! * shape[1]!];
  const width = shape[axes.horizontal]!;
  const height = shape[axes.vertical]!;
  if (out.length !== width * height) throw new Error(`slice buffer holds ${out.length} values, needs ${width}×${height}`);
  if (index < 0 || index >= shape[axes.normal]!) throw new Error(`slice ${index} is outside 0..${shape[axes.normal]! - 1}`);
  const sh = stride[axes.horizontal]!;
  const sv = stride[axes.vertical]!;
  const base = index * stride[axes.normal]!;
  if (sh === 1) {
    // Rows are contiguous in memory (axial and coronal): typed-array copies, converting the type as they go.
    if (sv === width) {
      out.set(data.subarray(base, base + width * height));
    } else {
      for (let b = 0; b < height; b++) out.set(data.subarray(base + b * sv, base + b * sv + width), b * width);
    }
  } else {
    let o = 0;
    for (let b = 0; b < height; b++) {
      let src = base + b * sv;
      for (let a = 0; a < width; a++, src += sh) out[o++] = data[src]!;
    }
  }
  if (scaling && (scaling.slope !== 1 || scaling.inter !== 0)) {
    const { slope, inter } = scaling;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * slope + inter;
  }
  return out;
}
