import { InferenceCancelledError } from './errors';
import { assertViewInBounds, type VolumeView } from './volume-view';
import { gaussianImportanceMap, planSlidingWindow } from './window-plan';

/** in: (1, C, rd, rh, rw) C order; out: (1, outC, rd, rh, rw) C order. */
export type WindowRunner = (patch: Float32Array) => Promise<Float32Array>;

export interface SlidingWindowOptions {
  roi: [number, number, number];
  overlap: number;
  sigmaScale?: number;
  /** Polled before each window; true stops the run with InferenceCancelledError. */
  isCancelled?: () => boolean;
  /** Called with (0, total) before the first window and after each one. */
  onWindow?: (done: number, total: number) => void;
}

type Triple = [number, number, number];

/** Where a window meets the image on each axis: window positions [lo, hi) lie at image positions + shift. */
interface Overlap { lo: Triple; hi: Triple; shift: Triple }

function overlapOf(start: readonly number[], padBefore: readonly number[], roi: readonly number[], size: readonly number[]): Overlap {
  const o: Overlap = { lo: [0, 0, 0], hi: [0, 0, 0], shift: [0, 0, 0] };
  for (let k = 0; k < 3; k++) {
    const shift = start[k]! - padBefore[k]!;
    o.shift[k] = shift;
    o.lo[k] = Math.max(0, -shift);
    o.hi[k] = Math.min(roi[k]!, size[k]! - shift);
  }
  return o;
}

/** The spatial axes from the one with the largest |stride| to the one with the smallest. */
function memoryOrder(strides: readonly number[]): Triple {
  return [0, 1, 2].sort((a, b) => Math.abs(strides[b]!) - Math.abs(strides[a]!)) as Triple;
}

/**
 * How to walk a window against a volume: loop axes (outer, middle, inner), the inner one in tiles of `tile`.
 * The window is C order, w fastest. Where the volume is too (numpy input), plain row loops stream both. Where its
 * fastest axis is another (NIfTI: x, the model's d), a row of w would jump a whole x-y plane of the volume per
 * voxel; instead the middle loop steps the volume's fastest axis and the inner one a 16-voxel run of w, so 16
 * volume cache lines serve 16 middle steps while each window line is written (or read) whole.
 */
const TILE = 16;
function windowWalk(volumeStrides: readonly number[]): { order: Triple; tile: number } {
  const fastest = memoryOrder(volumeStrides)[2];
  if (fastest === 2) return { order: [0, 1, 2], tile: Infinity };
  return { order: [3 - fastest - 2, fastest, 2], tile: TILE };
}

/** Compact strides for the weight sums in the output's memory order, so both are walked the same way. */
function weightStrides(output: VolumeView): Triple {
  const order = memoryOrder(output.strides.slice(1));
  const strides: Triple = [0, 0, 0];
  let step = 1;
  for (let j = 2; j >= 0; j--) {
    strides[order[j]!] = step;
    step *= output.shape[order[j]! + 1]!;
  }
  return strides;
}

/**
 * MONAI's gaussian-blended sliding window inference, writing sum(w · pred) / sum(w) into `output` (any layout).
 * MONAI pads a small image with zeros and crops the result back; reading zeros for padding voxels and never
 * writing them gives the same numbers without a padded copy. Memory beyond the output: one window in, one
 * importance map and one weight sum over the image.
 */
export async function slidingWindowInference(
  input: VolumeView, outChannels: number, run: WindowRunner, output: VolumeView, options: SlidingWindowOptions,
): Promise<{ windows: number }> {
  assertViewInBounds(input, 'sliding window input');
  assertViewInBounds(output, 'sliding window output');
  const [channels, nd, nh, nw] = input.shape;
  if (output.shape[0] !== outChannels || output.shape[1] !== nd || output.shape[2] !== nh || output.shape[3] !== nw) {
    throw new Error(`sliding window: the output view is (${output.shape.join(', ')}), ` +
      `it must be (${outChannels}, ${nd}, ${nh}, ${nw}) for ${outChannels} output channels over the input's grid`);
  }
  if (output.data === input.data) throw new Error('sliding window: input and output share one array');
  const plan = planSlidingWindow([nd, nh, nw], options.roi, options.overlap);
  const [rd, rh, rw] = options.roi;
  const roiVoxels = rd * rh * rw;
  const importance = gaussianImportanceMap(options.roi, options.sigmaScale);
  const patch = new Float32Array(channels * roiVoxels);
  const weightSum = new Float32Array(nd * nh * nw);
  const sums = weightStrides(output);
  const total = plan.starts.length;
  options.onWindow?.(0, total);

  for (let n = 0; n < total; n++) {
    if (options.isCancelled?.()) throw new InferenceCancelledError(n, total);
    // Zeroed only once the first window is sure to run, so a run cancelled at once leaves the output as it was.
    if (n === 0) walkOutput(output, weightSum, sums, false);
    const overlap = overlapOf(plan.starts[n]!, plan.padBefore, options.roi, [nd, nh, nw]);
    gatherWindow(input, patch, options.roi, overlap);
    const pred = await run(patch);
    if (pred.length !== outChannels * roiVoxels) {
      throw new Error(`sliding window: the model returned ${pred.length} values for window ${n + 1} of ${total}, ` +
        `expected ${outChannels * roiVoxels} (${outChannels} channels × ${rd}×${rh}×${rw})`);
    }
    scatterWindow(pred, importance, output, weightSum, sums, options.roi, overlap);
    options.onWindow?.(n + 1, total);
  }
  walkOutput(output, weightSum, sums, true);
  return { windows: total };
}

/** Copies the window's voxels into `patch` (C order), zeros where it hangs over the padding. */
function gatherWindow(input: VolumeView, patch: Float32Array, roi: Triple, { lo, hi, shift }: Overlap): void {
  const [rd, rh, rw] = roi;
  const vs = [input.strides[1], input.strides[2], input.strides[3]];
  const ws = [rh * rw, rw, 1];
  const { order: [a0, a1, a2], tile } = windowWalk(vs);
  const [v0, v1, v2] = [vs[a0]!, vs[a1]!, vs[a2]!];
  const [w0, w1, w2] = [ws[a0]!, ws[a1]!, ws[a2]!];
  const [lo0, lo1, lo2] = [lo[a0]!, lo[a1]!, lo[a2]!];
  const [hi0, hi1, hi2] = [hi[a0]!, hi[a1]!, hi[a2]!];
  const src = input.data;
  if (lo.some((l) => l > 0) || hi.some((h, k) => h < roi[k]!)) patch.fill(0);
  for (let c = 0; c < input.shape[0]; c++) {
    // Volume index of window position (0, 0, 0), which may itself lie in the padding.
    const vBase = input.offset + c * input.strides[0] + shift[0] * vs[0]! + shift[1] * vs[1]! + shift[2] * vs[2]!;
    const wBase = c * rd * rh * rw;
    for (let i0 = lo0; i0 < hi0; i0++) {
      for (let t = lo2; t < hi2; t += tile) {
        const count = Math.min(tile, hi2 - t);
        for (let i1 = lo1; i1 < hi1; i1++) {
          let v = vBase + i0 * v0 + i1 * v1 + t * v2;
          let w = wBase + i0 * w0 + i1 * w1 + t * w2;
          for (let j = 0; j < count; j++, v += v2, w += w2) patch[w] = src[v]!;
        }
      }
    }
  }
}

/** Adds importance · pred into the output and importance into the weight sums, inside the image only. */
function scatterWindow(
  pred: Float32Array, importance: Float32Array, output: VolumeView, weightSum: Float32Array, sums: Triple,
  roi: Triple, { lo, hi, shift }: Overlap,
): void {
  const [rd, rh, rw] = roi;
  const roiVoxels = rd * rh * rw;
  const os = [output.strides[1], output.strides[2], output.strides[3]];
  const ws = [rh * rw, rw, 1];
  const { order: [a0, a1, a2], tile } = windowWalk(os);
  const [w0, w1, w2] = [ws[a0]!, ws[a1]!, ws[a2]!];
  const [lo0, lo1, lo2] = [lo[a0]!, lo[a1]!, lo[a2]!];
  const [hi0, hi1, hi2] = [hi[a0]!, hi[a1]!, hi[a2]!];
  const dst = output.data;
  // Channel -1 is the weight sums' turn: the same walk over their own layout, adding the importance alone.
  for (let k = -1; k < output.shape[0]; k++) {
    const strides = k < 0 ? sums : os;
    const [d0, d1, d2] = [strides[a0]!, strides[a1]!, strides[a2]!];
    const base = (k < 0 ? 0 : output.offset + k * output.strides[0]) +
      shift[0] * strides[0]! + shift[1] * strides[1]! + shift[2] * strides[2]!;
    const into = k < 0 ? weightSum : dst;
    for (let i0 = lo0; i0 < hi0; i0++) {
      for (let t = lo2; t < hi2; t += tile) {
        const count = Math.min(tile, hi2 - t);
        for (let i1 = lo1; i1 < hi1; i1++) {
          let o = base + i0 * d0 + i1 * d1 + t * d2;
          let w = i0 * w0 + i1 * w1 + t * w2;
          if (k < 0) {
            for (let j = 0; j < count; j++, o += d2, w += w2) into[o] = into[o]! + importance[w]!;
            continue;
          }
          let p = k * roiVoxels + w;
          // Rounded like torch's float32 `importance * pred` before it is added.
          for (let j = 0; j < count; j++, o += d2, p += w2, w += w2) into[o] = into[o]! + Math.fround(importance[w]! * pred[p]!);
        }
      }
    }
  }
}

/** Over every output voxel: zero it (before the first window), or divide it by its weight sum (after the last). */
function walkOutput(output: VolumeView, weightSum: Float32Array, sums: Triple, divide: boolean): void {
  const os = [output.strides[1], output.strides[2], output.strides[3]];
  const [a0, a1, a2] = memoryOrder(os);
  const n = [output.shape[1], output.shape[2], output.shape[3]];
  const [n0, n1, n2] = [n[a0]!, n[a1]!, n[a2]!];
  const [o0, o1, o2] = [os[a0]!, os[a1]!, os[a2]!];
  const [s0, s1, s2] = [sums[a0]!, sums[a1]!, sums[a2]!];
  const dst = output.data;
  for (let k = 0; k < output.shape[0]; k++) {
    for (let i0 = 0; i0 < n0; i0++) {
      for (let i1 = 0; i1 < n1; i1++) {
        let o = output.offset + k * output.strides[0] + i0 * o0 + i1 * o1;
        let s = i0 * s0 + i1 * s1;
        if (divide) for (let i2 = 0; i2 < n2; i2++, o += o2, s += s2) dst[o] = dst[o]! / weightSum[s]!;
        else for (let i2 = 0; i2 < n2; i2++, o += o2) dst[o] = 0;
      }
    }
  }
}
