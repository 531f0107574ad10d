// Linear resampling between voxel spacings, for running a model at the spacing it was trained at (its card's
// `spacing`) and bringing its probabilities back, as MONAI's Spacingd does going in and Invertd coming out.
//
// The grid: output voxel j along an axis sits at input index j·t/s (t the output spacing, s the input's), so the
// first voxel centres coincide and the output has round((n − 1)·s/t + 1) voxels (half to even): MONAI's Spacing with
// its default scale_extent=False. Values are interpolated linearly along each axis in turn (trilinear overall), clamping at the
// edges (MONAI's "border" padding; scipy's mode="nearest"). Where an axis is made coarser (t > s) it is first
// smoothed with a Gaussian of σ = (t/s − 1)/2 input voxels, truncated at 4σ, as skimage's anti-aliasing does:
// without it a 1 mm → 2 mm step would keep every other voxel and alias noise and thin edges. A finer output axis is
// interpolated only. Checked against scipy's gaussian_filter and map_coordinates (test/inference-resample.test.ts).
import { assertViewInBounds, cOrderView, niftiView, type Vec3, type VolumeView } from './volume-view';

/**
 * How many voxels an axis of `n` voxels at spacing `from` has at spacing `to`: (n − 1)·from/to + 1 rounded half to
 * even, as numpy's round in MONAI's compute_shape_offset (24 voxels at 1 mm → 12 at 2 mm, not 13).
 */
export function resampledLength(n: number, from: number, to: number): number {
  const exact = ((n - 1) * from) / to + 1;
  const floor = Math.floor(exact);
  const fraction = exact - floor;
  const rounded = Math.abs(fraction - 0.5) < 1e-9 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(exact);
  return Math.max(1, rounded);
}

export function resampledShape(shape: Vec3, from: Vec3, to: Vec3): Vec3 {
  return [0, 1, 2].map((k) => resampledLength(shape[k]!, from[k]!, to[k]!)) as unknown as Vec3;
}

/** Whether two spacings are the same to 0.1 %: then no resampling is done at all. */
export function sameSpacing(a: Vec3, b: Vec3): boolean {
  return [0, 1, 2].every((k) => Math.abs(a[k]! - b[k]!) <= 1e-3 * Math.max(a[k]!, b[k]!));
}

/**
 * Resamples the (C, n0, n1, n2) view `src` at spacing `from` to spacing `to`, into `dst`, a view of shape
 * (C, m0, m1, m2) (any layout; with `dstShape` the output length of each axis, by default resampledShape). Returns
 * nothing: `dst` is written.
 */
export function resampleLinear(src: VolumeView, from: Vec3, to: Vec3, dst: VolumeView): void {
  assertViewInBounds(src, 'resample input');
  assertViewInBounds(dst, 'resample output');
  const channels = src.shape[0];
  if (dst.shape[0] !== channels) throw new Error(`resample: ${channels} channels in, ${dst.shape[0]} out`);
  let shape: [number, number, number] = [src.shape[1], src.shape[2], src.shape[3]];
  let data = copyToCOrder(src);
  for (let axis = 0; axis < 3; axis++) {
    const ratio = to[axis]! / from[axis]!;
    if (ratio > 1) gaussianAlongAxis(data, channels, shape, axis, (ratio - 1) / 2);
    const length = dst.shape[axis + 1]!;
    if (length === shape[axis] && ratio === 1) continue;
    const next = interpolateAlongAxis(data, channels, shape, axis, length, ratio);
    shape = [...shape] as [number, number, number];
    shape[axis] = length;
    data = next;
  }
  writeView(cOrderView(data, [channels, ...shape]), dst);
}

/** A (C, n0, n1, n2) view copied into a fresh C-order array. */
function copyToCOrder(view: VolumeView): Float32Array {
  const [c, n0, n1, n2] = view.shape;
  const [s0, s1, s2, s3] = view.strides;
  const out = new Float32Array(c * n0 * n1 * n2);
  let o = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < n0; i++) {
      for (let j = 0; j < n1; j++) {
        let at = view.offset + ch * s0 + i * s1 + j * s2;
        for (let k = 0; k < n2; k++, at += s3) out[o++] = view.data[at]!;
      }
    }
  }
  return out;
}

function writeView(src: VolumeView, dst: VolumeView): void {
  const [c, n0, n1, n2] = dst.shape;
  if (src.shape.some((n, i) => n !== dst.shape[i])) throw new Error(`resample: ${src.shape.join('×')} does not fill ${dst.shape.join('×')}`);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < n0; i++) {
      for (let j = 0; j < n1; j++) {
        let from = src.offset + ch * src.strides[0] + i * src.strides[1] + j * src.strides[2];
        let to = dst.offset + ch * dst.strides[0] + i * dst.strides[1] + j * dst.strides[2];
        for (let k = 0; k < n2; k++, from += src.strides[3], to += dst.strides[3]) dst.data[to] = src.data[from]!;
      }
    }
  }
}

/** Strides of a C-order (C, n0, n1, n2) array: [channel, axis 0, axis 1, axis 2]. */
function cStrides(shape: readonly number[]): [number, number, number, number] {
  return [shape[0]! * shape[1]! * shape[2]!, shape[1]! * shape[2]!, shape[2]!, 1];
}

/** The lines along `axis` of a C-order array: each line's start and the step between its voxels. */
function forEachLine(channels: number, shape: readonly number[], axis: number, visit: (start: number, step: number) => void): void {
  const strides = cStrides(shape);
  const step = strides[axis + 1]!;
  const others = [0, 1, 2].filter((a) => a !== axis);
  const [a, b] = others as [number, number];
  for (let ch = 0; ch < channels; ch++) {
    for (let i = 0; i < shape[a]!; i++) {
      for (let j = 0; j < shape[b]!; j++) visit(ch * strides[0] + i * strides[a + 1]! + j * strides[b + 1]!, step);
    }
  }
}

/** scipy.ndimage.gaussian_filter1d(mode="nearest", truncate=4.0) along one axis, in place. */
function gaussianAlongAxis(data: Float32Array, channels: number, shape: readonly number[], axis: number, sigma: number): void {
  const radius = Math.floor(4 * sigma + 0.5);
  if (radius < 1) return;
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) sum += weights[x + radius] = Math.exp(-0.5 * (x / sigma) ** 2);
  for (let i = 0; i < weights.length; i++) weights[i]! /= sum;
  const n = shape[axis]!;
  const line = new Float64Array(n);
  forEachLine(channels, shape, axis, (start, step) => {
    for (let i = 0; i < n; i++) line[i] = data[start + i * step]!;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let x = -radius; x <= radius; x++) acc += weights[x + radius]! * line[Math.min(n - 1, Math.max(0, i + x))]!;
      data[start + i * step] = acc;
    }
  });
}

/** Output voxel j along `axis` takes the linear interpolation at input index j·ratio, clamped to the edges. */
function interpolateAlongAxis(data: Float32Array, channels: number, shape: readonly number[], axis: number, length: number, ratio: number): Float32Array {
  const outShape = [...shape];
  outShape[axis] = length;
  const out = new Float32Array(channels * outShape[0]! * outShape[1]! * outShape[2]!);
  const n = shape[axis]!;
  const lower = new Int32Array(length);
  const weight = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    const p = Math.min(n - 1, j * ratio);
    lower[j] = Math.min(n - 1, Math.floor(p));
    weight[j] = p - lower[j]!;
  }
  const inStrides = cStrides(shape);
  const outStrides = cStrides(outShape);
  const others = [0, 1, 2].filter((a) => a !== axis) as [number, number];
  const inStep = inStrides[axis + 1]!;
  const outStep = outStrides[axis + 1]!;
  for (let ch = 0; ch < channels; ch++) {
    for (let i = 0; i < shape[others[0]]!; i++) {
      for (let k = 0; k < shape[others[1]]!; k++) {
        const inStart = ch * inStrides[0] + i * inStrides[others[0] + 1]! + k * inStrides[others[1] + 1]!;
        const outStart = ch * outStrides[0] + i * outStrides[others[0] + 1]! + k * outStrides[others[1] + 1]!;
        for (let j = 0; j < length; j++) {
          const lo = lower[j]!;
          const w = weight[j]!;
          const a = data[inStart + lo * inStep]!;
          out[outStart + j * outStep] = w === 0 ? a : a + w * (data[inStart + Math.min(n - 1, lo + 1) * inStep]! - a);
        }
      }
    }
  }
  return out;
}

/**
 * A scan's channels (a (C, n0, n1, n2) view) at another spacing, stored NIfTI-style (first axis fastest) as a fresh
 * array of shape resampledShape. Which voxels are inside the scan is resampled with them (any channel non-zero, as a
 * fraction; inside where ≥ 0.5), and every channel is set to exactly 0 outside again: the blur of resampling would
 * otherwise spread a halo of small values around a skull-stripped brain, which the non-zero z-score would count.
 */
export function resampleScan(scan: VolumeView, from: Vec3, to: Vec3): { data: Float32Array; shape: Vec3 } {
  const [channels, ...size] = scan.shape;
  const shape = resampledShape(size as unknown as Vec3, from, to);
  const perChannel = shape[0] * shape[1] * shape[2];
  const staged = new Float32Array((channels + 1) * size[0]! * size[1]! * size[2]!);
  const stagedView = cOrderView(staged, [channels + 1, size[0]!, size[1]!, size[2]!]);
  copyChannels(scan, stagedView);
  const inputPerChannel = size[0]! * size[1]! * size[2]!;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < inputPerChannel; i++) if (staged[c * inputPerChannel + i] !== 0) staged[channels * inputPerChannel + i] = 1;
  }
  const resampled = new Float32Array((channels + 1) * perChannel);
  resampleLinear(stagedView, from, to, niftiView(resampled, shape, channels + 1));
  const data = resampled.slice(0, channels * perChannel);
  const inside = resampled.subarray(channels * perChannel);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < perChannel; i++) if (inside[i]! < 0.5) data[c * perChannel + i] = 0;
  }
  return { data, shape };
}

/**
 * A label map (a (1, n0, n1, n2) view of uint8 labels) at another spacing, NIfTI-style, with no label invented and
 * none lost: each label present is resampled as a fraction (its one-hot channel, linear and anti-aliased like the
 * image) and every output voxel takes the label with the largest fraction, so only labels found around a voxel can
 * land on it (interpolating the label numbers would invent 3 between 2 and 4); a label whose every voxel lost that
 * vote (a structure thinner than the new voxel) keeps the one voxel where its fraction is highest.
 */
export function resampleLabels(labels: VolumeView<Uint8Array>, from: Vec3, to: Vec3): { data: Uint8Array; shape: Vec3 } {
  const size = labels.shape.slice(1) as unknown as Vec3;
  const shape = resampledShape(size, from, to);
  const perChannel = shape[0] * shape[1] * shape[2];
  const present = new Set<number>();
  const flat = new Uint8Array(size[0] * size[1] * size[2]);
  copyChannels(labels, cOrderView(flat, [1, size[0], size[1], size[2]]));
  for (const v of flat) present.add(v);
  const values = [...present].sort((a, b) => a - b);
  const out = new Uint8Array(perChannel);
  const best = new Float32Array(perChannel).fill(-1);
  const fraction = new Float32Array(perChannel);
  const oneHot = new Float32Array(flat.length);
  const peaks = new Map<number, { at: number; value: number }>();
  for (const value of values) {
    for (let i = 0; i < flat.length; i++) oneHot[i] = flat[i] === value ? 1 : 0;
    resampleLinear(cOrderView(oneHot, [1, size[0], size[1], size[2]]), from, to, niftiView(fraction, shape, 1));
    let peak = { at: 0, value: -1 };
    for (let i = 0; i < perChannel; i++) {
      const f = fraction[i]!;
      if (f > best[i]!) {
        best[i] = f;
        out[i] = value;
      }
      if (f > peak.value) peak = { at: i, value: f };
    }
    peaks.set(value, peak);
  }
  const kept = new Set(out);
  for (const value of values) if (!kept.has(value)) out[peaks.get(value)!.at] = value;
  return { data: out, shape };
}

function copyChannels(from: VolumeView<Float32Array | Uint8Array>, to: VolumeView<Float32Array | Uint8Array>): void {
  const [c, d, h, w] = from.shape;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < h; j++) {
        let a = from.offset + ch * from.strides[0] + i * from.strides[1] + j * from.strides[2];
        let b = to.offset + ch * to.strides[0] + i * to.strides[1] + j * to.strides[2];
        for (let k = 0; k < w; k++, a += from.strides[3], b += to.strides[3]) to.data[b] = from.data[a]!;
      }
    }
  }
}
