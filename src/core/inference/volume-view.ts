import type { Reorientation } from '../nifti/reorient';

export type Vec3 = readonly [number, number, number];

/** (channel, d, h, w) in the model's axis order, over a flat array of any layout. */
export interface VolumeView<T extends Float32Array | Uint8Array = Float32Array> {
  readonly data: T;
  readonly shape: readonly [number, number, number, number];
  /** Elements to step in `data` for one step along each axis; negative where an axis runs backwards. */
  readonly strides: readonly [number, number, number, number];
  /** Index in `data` of element (0, 0, 0, 0). */
  readonly offset: number;
}

function checkExtent(shape: readonly number[], where: string): void {
  shape.forEach((n, k) => {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${where}: axis ${k} has size ${n}; sizes must be positive integers`);
  });
}

/**
 * Throws unless every element the view can address lies inside its data, so the unchecked index arithmetic of the
 * loops that read and write through views cannot run off the array.
 */
export function assertViewInBounds(view: VolumeView<Float32Array | Uint8Array>, where: string): void {
  checkExtent(view.shape, where);
  let low = view.offset;
  let high = view.offset;
  view.shape.forEach((n, k) => {
    const reach = (n - 1) * view.strides[k]!;
    if (reach < 0) low += reach;
    else high += reach;
  });
  if (!Number.isSafeInteger(low) || low < 0 || high >= view.data.length) {
    throw new Error(`${where}: a view of shape (${view.shape.join(', ')}) with strides (${view.strides.join(', ')}) and ` +
      `offset ${view.offset} reaches elements ${low}..${high} of an array of ${view.data.length}`);
  }
}

/** A numpy C-order array, w fastest: an npy (1, C, D, H, W) tensor without its batch axis. */
export function cOrderView<T extends Float32Array | Uint8Array>(data: T, shape: readonly [number, number, number, number]): VolumeView<T> {
  checkExtent(shape, 'cOrderView');
  const [c, d, h, w] = shape;
  if (data.length !== c * d * h * w) {
    throw new Error(`cOrderView: ${data.length} values do not fill a (${shape.join(', ')}) array of ${c * d * h * w}`);
  }
  return { data, shape: [c, d, h, w], strides: [d * h * w, h * w, w, 1], offset: 0 };
}

/**
 * NIfTI voxels (x fastest, channels on the 4th axis slowest) as the model sees them. MONAI hands nibabel's (X, Y, Z)
 * array to the model as is, so model axes d, h, w are NIfTI x, y, z. With a plan, the view shows the volume as
 * reorientVoxels(data, plan) would store it, by permuting strides and negating flipped ones, so no voxel is copied.
 */
export function niftiView<T extends Float32Array | Uint8Array>(
  data: T, spatialShape: Vec3, channels: number, plan?: Reorientation,
): VolumeView<T> {
  checkExtent([channels, ...spatialShape], 'niftiView');
  const [nx, ny, nz] = spatialShape;
  const perChannel = nx * ny * nz;
  if (data.length !== perChannel * channels) {
    throw new Error(`niftiView: ${data.length} values do not fill ${channels} channel(s) of ${nx}×${ny}×${nz}`);
  }
  const sourceStride = [1, nx, nx * ny];
  if (!plan) return { data, shape: [channels, nx, ny, nz], strides: [perChannel, 1, nx, nx * ny], offset: 0 };
  if (plan.sourceShape.some((n, k) => n !== spatialShape[k])) {
    throw new Error(`niftiView: the reorientation plan is for ${plan.sourceShape.join('×')} voxels, ` +
      `the data has ${spatialShape.join('×')}`);
  }
  const shape = [channels, 0, 0, 0] as [number, number, number, number];
  const strides = [perChannel, 0, 0, 0] as [number, number, number, number];
  let offset = 0;
  plan.sourceAxisOf.forEach((s, k) => {
    const n = spatialShape[s]!;
    const stride = sourceStride[s]!;
    shape[k + 1] = n;
    // A flipped axis starts at the source's last index and steps back.
    strides[k + 1] = plan.flipped[k] ? -stride : stride;
    if (plan.flipped[k]) offset += (n - 1) * stride;
  });
  return { data, shape, strides, offset };
}

/** The block of `size` voxels at `start` (d, h, w), all channels; shares the data. */
export function subView<T extends Float32Array | Uint8Array>(view: VolumeView<T>, start: Vec3, size: Vec3): VolumeView<T> {
  let offset = view.offset;
  for (let k = 0; k < 3; k++) {
    const s = start[k]!;
    const n = size[k]!;
    const limit = view.shape[k + 1]!;
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(n) || s < 0 || n < 1 || s + n > limit) {
      throw new Error(`subView: axis ${k} block ${s}..${s + n - 1} (size ${n}) lies outside 0..${limit - 1}`);
    }
    offset += s * view.strides[k + 1]!;
  }
  return { data: view.data, shape: [view.shape[0], size[0], size[1], size[2]], strides: view.strides, offset };
}

/** Voxels per channel. */
export function spatialSize(view: VolumeView<Float32Array | Uint8Array>): number {
  return view.shape[1] * view.shape[2] * view.shape[3];
}

/** Copies the view into a new C-order (C, D, H, W) array of the same type. */
export function viewToCOrder<T extends Float32Array | Uint8Array>(view: VolumeView<T>): T {
  const [nc, nd, nh, nw] = view.shape;
  const [sc, sd, sh, sw] = view.strides;
  const out = new (view.data.constructor as { new (n: number): T })(nc * nd * nh * nw);
  const src = view.data;
  let dst = 0;
  for (let c = 0; c < nc; c++) {
    for (let d = 0; d < nd; d++) {
      for (let h = 0; h < nh; h++) {
        let i = view.offset + c * sc + d * sd + h * sh;
        for (let w = 0; w < nw; w++, i += sw) out[dst++] = src[i]!;
      }
    }
  }
  return out;
}
