// Window geometry of MONAI 1.3's sliding_window_inference (monai/inferers/utils.py, monai/data/utils.py), kept
// exact so a model gives the same blend here as in the paper's pipeline.
import type { Vec3 } from './volume-view';

export interface WindowPlan {
  /** Zeros added before and after the image on each axis where it is smaller than the roi. */
  readonly padBefore: Vec3;
  readonly padAfter: Vec3;
  readonly paddedShape: Vec3;
  /** Distance between window starts on each axis before the last one is pulled back to the border. */
  readonly interval: Vec3;
  /** Window starts (d, h, w) in padded coordinates, d slowest, in the order MONAI runs them. */
  readonly starts: [number, number, number][];
}

function checkRoiAndShape(shape: Vec3, roi: Vec3): void {
  for (let k = 0; k < 3; k++) {
    if (!Number.isSafeInteger(roi[k]) || roi[k]! < 1) throw new Error(`sliding window: roi axis ${k} is ${roi[k]}; it must be a positive integer`);
    if (!Number.isSafeInteger(shape[k]) || shape[k]! < 1) throw new Error(`sliding window: image axis ${k} is ${shape[k]}; it must be a positive integer`);
  }
}

/** MONAI's _get_scan_interval: a window that exactly fits its axis steps by itself, so there is only one. */
function scanInterval(size: number, roi: number, overlap: number): number {
  if (roi === size) return roi;
  return Math.max(Math.trunc(roi * (1 - overlap)), 1);
}

/** MONAI's dense_patch_slices on one axis: regular steps, the last window moved back to end at the border. */
function axisStarts(size: number, roi: number, interval: number): number[] {
  const num = Math.ceil(size / interval);
  let scanNum = 1;
  for (let d = 0; d < num; d++) {
    if (d * interval + roi >= size) {
      scanNum = d + 1;
      break;
    }
  }
  const starts: number[] = [];
  for (let idx = 0; idx < scanNum; idx++) {
    const start = idx * interval;
    starts.push(start - Math.max(start + roi - size, 0));
  }
  return starts;
}

export function planSlidingWindow(shape: Vec3, roi: Vec3, overlap: number): WindowPlan {
  checkRoiAndShape(shape, roi);
  if (!Number.isFinite(overlap) || overlap < 0 || overlap >= 1) {
    throw new Error(`sliding window: overlap is ${overlap}; it must be at least 0 and below 1`);
  }
  const padBefore = [0, 0, 0] as [number, number, number];
  const padAfter = [0, 0, 0] as [number, number, number];
  const paddedShape = [0, 0, 0] as [number, number, number];
  const interval = [0, 0, 0] as [number, number, number];
  const perAxis: number[][] = [];
  for (let k = 0; k < 3; k++) {
    const diff = Math.max(roi[k]! - shape[k]!, 0);
    padBefore[k] = Math.floor(diff / 2);
    padAfter[k] = diff - padBefore[k]!;
    paddedShape[k] = shape[k]! + diff;
    interval[k] = scanInterval(paddedShape[k]!, roi[k]!, overlap);
    perAxis.push(axisStarts(paddedShape[k]!, roi[k]!, interval[k]!));
  }
  const [ds, hs, ws] = perAxis as [number[], number[], number[]];
  const starts: [number, number, number][] = [];
  for (const d of ds) for (const h of hs) for (const w of ws) starts.push([d, h, w]);
  return { padBefore, padAfter, paddedShape, interval, starts };
}

/**
 * MONAI's gaussian importance map, C order: per axis exp(x² / (-2σ²)) with σ = sigmaScale·L and x from -(L-1)/2 to
 * (L-1)/2, multiplied over axes, then floored at max(min, 1e-3). Every step is rounded to float32 as torch does,
 * so the weights (and hence the blend) match MONAI's to the last bit or so.
 */
export function gaussianImportanceMap(roi: Vec3, sigmaScale = 0.125): Float32Array {
  checkRoiAndShape(roi, roi);
  if (!Number.isFinite(sigmaScale) || sigmaScale <= 0) {
    throw new Error(`gaussian importance map: sigma scale is ${sigmaScale}; it must be a positive number`);
  }
  const axes = roi.map((n) => {
    const sigma = sigmaScale * n;
    // torch divides a float32 tensor by the python float -2σ², which it first rounds to float32.
    const divisor = Math.fround(-2 * sigma ** 2);
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = -(n - 1) / 2 + i;
      g[i] = Math.exp(Math.fround(Math.fround(x * x) / divisor));
    }
    return g;
  }) as [Float32Array, Float32Array, Float32Array];
  const [gd, gh, gw] = axes;
  const map = new Float32Array(roi[0] * roi[1] * roi[2]);
  let min = Infinity;
  let i = 0;
  for (let d = 0; d < roi[0]; d++) {
    for (let h = 0; h < roi[1]; h++) {
      const dh = Math.fround(gd[d]! * gh[h]!);
      for (let w = 0; w < roi[2]; w++, i++) {
        const v = Math.fround(dh * gw[w]!);
        map[i] = v;
        if (v < min) min = v;
      }
    }
  }
  const floor = Math.fround(Math.max(min, 1e-3));
  for (let j = 0; j < map.length; j++) if (map[j]! < floor) map[j] = floor;
  return map;
}
