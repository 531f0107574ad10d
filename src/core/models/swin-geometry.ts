import { SWIN_WINDOW } from './config';

/** Window and shift of one block on a cubic grid of `size`, as MONAI's get_window_size shrinks them. */
export function blockWindow(size: number, shifted: boolean): { window: number; shift: number } {
  if (size <= SWIN_WINDOW) return { window: size, shift: 0 };
  return { window: SWIN_WINDOW, shift: shifted ? Math.floor(SWIN_WINDOW / 2) : 0 };
}

const indexCache = new Map<number, Int32Array>();

/**
 * MONAI's relative_position_index for a 7³ window: 343 × 343 indices into the (2w-1)³-row bias table. Computed once
 * per window size; callers must not modify it.
 */
export function relativePositionIndex(w = SWIN_WINDOW): Readonly<Int32Array> {
  const cached = indexCache.get(w);
  if (cached) return cached;
  const n = w * w * w;
  const coords = (t: number): [number, number, number] => [Math.floor(t / (w * w)), Math.floor(t / w) % w, t % w];
  const out = new Int32Array(n * n);
  for (let a = 0; a < n; a++) {
    const ca = coords(a);
    for (let b = 0; b < n; b++) {
      const cb = coords(b);
      out[a * n + b] = (ca[0] - cb[0] + w - 1) * (2 * w - 1) * (2 * w - 1) + (ca[1] - cb[1] + w - 1) * (2 * w - 1) + (ca[2] - cb[2] + w - 1);
    }
  }
  indexCache.set(w, out);
  return out;
}

/** The top-left n × n block of the 343 × 343 index, flattened: which table row each score's bias comes from. */
export function relativeIndexBlock(n: number, w = SWIN_WINDOW): Int32Array {
  const full = relativePositionIndex(w);
  const size = w ** 3;
  const out = new Int32Array(n * n);
  for (let i = 0; i < n; i++) out.set(full.subarray(i * size, i * size + n), i * n);
  return out;
}

/**
 * MONAI's compute_mask, factored by axis. A token's region is fixed per axis by the slices (-w), (-w, -s), (-s, None);
 * two tokens attend freely only if they share the region on all three axes. Returns, for one axis, [per, w, w]:
 * 1 where positions p and q of window wi lie in the same region, else 0. The graph multiplies the three axes and maps
 * 0 to -100, which is exactly MONAI's [nW, n, n] mask, without storing it.
 */
export function sameRegionOnAxis(padded: number, window: number, shift: number): Float32Array {
  const per = padded / window;
  const ranges = sliceRanges(padded, window, shift);
  const r1Start = ranges[1]![0];
  const r2Start = ranges[2]![0];
  const region = (t: number): number => (t >= r2Start ? 2 : t >= r1Start ? 1 : 0);
  const out = new Float32Array(per * window * window);
  for (let wi = 0; wi < per; wi++) for (let p = 0; p < window; p++) for (let q = 0; q < window; q++) {
    out[(wi * window + p) * window + q] = region(wi * window + p) === region(wi * window + q) ? 1 : 0;
  }
  return out;
}

/** MONAI's compute_mask for a cubic padded grid, in full: [nW, n, n] of 0 and -100. A reference for tests. */
export function shiftMask(padded: number, window: number, shift: number): Float32Array {
  const label = new Int32Array(padded ** 3);
  const ranges = sliceRanges(padded, window, shift);
  let cnt = 0;
  for (const [d0, d1] of ranges) for (const [h0, h1] of ranges) for (const [w0, w1] of ranges) {
    for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let x = w0; x < w1; x++) label[(d * padded + h) * padded + x] = cnt;
    cnt++;
  }
  const per = padded / window;
  const nW = per ** 3;
  const n = window ** 3;
  const windows = new Int32Array(nW * n);
  for (let wd = 0; wd < per; wd++) for (let wh = 0; wh < per; wh++) for (let ww = 0; ww < per; ww++) {
    const wi = (wd * per + wh) * per + ww;
    for (let a = 0; a < window; a++) for (let b = 0; b < window; b++) for (let c = 0; c < window; c++) {
      windows[wi * n + (a * window + b) * window + c] = label[((wd * window + a) * padded + wh * window + b) * padded + ww * window + c]!;
    }
  }
  const mask = new Float32Array(nW * n * n);
  for (let wi = 0; wi < nW; wi++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    mask[(wi * n + i) * n + j] = windows[wi * n + i] === windows[wi * n + j] ? 0 : -100;
  }
  return mask;
}

/** Python's slice(-w), slice(-w, -s), slice(-s, None) on an axis of length `size`, as [start, end) pairs. */
function sliceRanges(size: number, w: number, s: number): [number, number][] {
  const at = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const r: [number, number][] = [[0, at(-w)], [at(-w), s === 0 ? at(0) : at(-s)], [s === 0 ? 0 : at(-s), size]];
  return r;
}
