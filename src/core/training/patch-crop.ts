// Cutting one training patch out of an image and its label mask, and the light augmentations applied to it.
import { assertViewInBounds, type Vec3, type VolumeView } from '../inference/volume-view';

/** A patch in C order: image [C, d, h, w], labels and valid [d, h, w], w fastest. */
export interface PatchData {
  readonly image: Float32Array;
  readonly labels: Uint8Array;
  /** 1 where the patch lies inside the volume, 0 where it was padded (a loss weight that drops padding). */
  readonly valid: Uint8Array;
  readonly channels: number;
  readonly size: Vec3;
}

/**
 * Copies the block of `size` voxels at `start` (d, h, w; may reach outside the volume) from every image channel
 * and the label map. Voxels outside the volume are padded with 0 in the image and labels and marked invalid, as
 * MONAI's SpatialPad(constant 0) before a crop would give.
 */
export function cropPatch(image: VolumeView<Float32Array>, labels: VolumeView<Uint8Array>, start: Vec3, size: Vec3): PatchData {
  checkSameGrid(image, labels, 'cropPatch');
  size.forEach((n, k) => {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`cropPatch: patch size ${n} on axis ${k} is not a positive integer`);
    if (!Number.isSafeInteger(start[k])) throw new Error(`cropPatch: patch start ${start[k]} on axis ${k} is not an integer`);
  });
  const [pd, ph, pw] = size;
  const perChannel = pd * ph * pw;
  const channels = image.shape[0];
  const out: PatchData = {
    image: new Float32Array(channels * perChannel), labels: new Uint8Array(perChannel), valid: new Uint8Array(perChannel),
    channels, size,
  };
  const [, nd, nh, nw] = image.shape;
  // The sub-block that overlaps the volume, in patch coordinates.
  const lo = start.map((s) => Math.max(0, -s));
  const hi = [nd, nh, nw].map((n, k) => Math.min(size[k]!, n - start[k]!));
  for (let d = lo[0]!; d < hi[0]!; d++) {
    for (let h = lo[1]!; h < hi[1]!; h++) {
      const z = start[0] + d;
      const y = start[1] + h;
      let labelIndex = labels.offset + z * labels.strides[1] + y * labels.strides[2] + (start[2] + lo[2]!) * labels.strides[3];
      let row = (d * ph + h) * pw;
      for (let w = lo[2]!; w < hi[2]!; w++, labelIndex += labels.strides[3]) {
        out.labels[row + w] = labels.data[labelIndex]!;
        out.valid[row + w] = 1;
      }
      for (let c = 0; c < channels; c++, row += perChannel) {
        let i = image.offset + c * image.strides[0] + z * image.strides[1] + y * image.strides[2] + (start[2] + lo[2]!) * image.strides[3];
        for (let w = lo[2]!; w < hi[2]!; w++, i += image.strides[3]) out.image[row + w] = image.data[i]!;
      }
    }
  }
  return out;
}

/**
 * The patch mirrored along each axis whose flag is set (d, h, w), image channels, labels and valid alike, so image
 * and labels stay aligned. Flipping twice with the same flags gives the patch back.
 */
export function flipPatch(patch: PatchData, flips: readonly [boolean, boolean, boolean]): PatchData {
  if (!flips.some(Boolean)) return patch;
  return {
    ...patch,
    image: flipBlocks(patch.image, patch.channels, patch.size, flips),
    labels: flipBlocks(patch.labels, 1, patch.size, flips),
    valid: flipBlocks(patch.valid, 1, patch.size, flips),
  };
}

function flipBlocks<T extends Float32Array | Uint8Array>(data: T, channels: number, size: Vec3, flips: readonly boolean[]): T {
  const [nd, nh, nw] = size;
  const out = new (data.constructor as { new (n: number): T })(data.length);
  const perChannel = nd * nh * nw;
  for (let c = 0; c < channels; c++) {
    for (let d = 0; d < nd; d++) {
      const sd = flips[0] ? nd - 1 - d : d;
      for (let h = 0; h < nh; h++) {
        const sh = flips[1] ? nh - 1 - h : h;
        const dst = c * perChannel + (d * nh + h) * nw;
        const src = c * perChannel + (sd * nh + sh) * nw;
        if (flips[2]) for (let w = 0; w < nw; w++) out[dst + w] = data[src + nw - 1 - w]!;
        else out.set(data.subarray(src, src + nw), dst);
      }
    }
  }
  return out;
}

/** Per channel x·scale + shift, in place (MONAI RandScaleIntensity then RandShiftIntensity, channel-wise). */
export function scaleShiftChannels(patch: PatchData, scales: readonly number[], shifts: readonly number[]): void {
  const perChannel = patch.size[0] * patch.size[1] * patch.size[2];
  if (scales.length !== patch.channels || shifts.length !== patch.channels) {
    throw new Error(`scaleShiftChannels: ${scales.length} scales and ${shifts.length} shifts for ${patch.channels} channels`);
  }
  for (let c = 0; c < patch.channels; c++) {
    const scale = scales[c]!;
    const shift = shifts[c]!;
    const end = (c + 1) * perChannel;
    for (let i = c * perChannel; i < end; i++) patch.image[i] = patch.image[i]! * scale + shift;
  }
}

/** The image, its label mask (and any other per-voxel map) must share one voxel grid. */
export function checkSameGrid(image: VolumeView<Float32Array>, other: VolumeView<Uint8Array>, where: string, what = 'label mask'): void {
  const a = image.shape.slice(1).join('×');
  const b = other.shape.slice(1).join('×');
  if (a !== b) throw new Error(`${where}: the image has ${a} voxels, the ${what} ${b}`);
  if (other.shape[0] !== 1) throw new Error(`${where}: the ${what} has ${other.shape[0]} channels; it must have 1`);
  assertViewInBounds(image, `${where}: the image`);
  assertViewInBounds(other, `${where}: the ${what}`);
}
