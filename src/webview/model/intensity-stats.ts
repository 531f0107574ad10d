// Intensity range and robust window of a volume: the full range, and the 0.5–99.5 percentiles of the non-zero voxels
// (nearest rank, on the scaled values). One histogram pass; exact for every datatype.
import type { Scaling } from '../slicing/extract-slice';
import type { VoxelData } from './voxel-data';

export interface IntensityStats {
  /** Scaled minimum and maximum over all voxels (NaN skipped). */
  readonly min: number;
  readonly max: number;
  /** Scaled percentiles of the non-zero voxels; the full range when there are none. */
  readonly low: number;
  readonly high: number;
  readonly nonZero: number;
}

export function effectiveScaling(scaling: Scaling | null | undefined): Scaling | null {
  if (!scaling || !Number.isFinite(scaling.slope) || scaling.slope === 0 || !Number.isFinite(scaling.inter)) return null;
  return scaling.slope === 1 && scaling.inter === 0 ? null : scaling;
}

/** 1-based nearest rank of percentile p among n values. */
export function nearestRank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
}

const BINS = 65536;

export function intensityStats(data: VoxelData, scaling: Scaling | null, lowPct = 0.5, highPct = 99.5): IntensityStats {
  const s = effectiveScaling(scaling);
  // The raw value whose scaled value is 0: those voxels are background.
  const zeroRaw = s ? -s.inter / s.slope : 0;
  const raw = smallIntegerStats(data, zeroRaw, lowPct, highPct) ?? generalStats(data, zeroRaw, lowPct, highPct);
  const scale = (v: number): number => (s ? v * s.slope + s.inter : v);
  const [a, b] = [scale(raw.min), scale(raw.max)];
  const [c, d] = [scale(raw.low), scale(raw.high)];
  // A negative slope reverses the order.
  return { min: Math.min(a, b), max: Math.max(a, b), low: Math.min(c, d), high: Math.max(c, d), nonZero: raw.nonZero };
}

/** 8- and 16-bit integers: one pass into a histogram with a bin per possible value, everything else from it. */
function smallIntegerStats(data: VoxelData, zeroRaw: number, lowPct: number, highPct: number): IntensityStats | null {
  const offset = data instanceof Int8Array ? -128 : data instanceof Int16Array ? -32768 : 0;
  const size = data instanceof Uint8Array || data instanceof Int8Array ? 256 : data instanceof Uint16Array || data instanceof Int16Array ? 65536 : 0;
  if (size === 0) return null;
  const counts = new Float64Array(size);
  if (offset === 0) for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
  else for (let i = 0; i < data.length; i++) counts[data[i]! - offset]!++;
  let first = -1;
  let last = -1;
  for (let b = 0; b < size; b++) {
    if (counts[b]! > 0) {
      if (first < 0) first = b;
      last = b;
    }
  }
  if (first < 0) return { min: 0, max: 0, low: 0, high: 0, nonZero: 0 };
  const zeroBin = Number.isInteger(zeroRaw) && zeroRaw - offset >= 0 && zeroRaw - offset < size ? zeroRaw - offset : -1;
  const nonZero = data.length - (zeroBin >= 0 ? counts[zeroBin]! : 0);
  const min = first + offset;
  const max = last + offset;
  if (nonZero === 0) return { min, max, low: min, high: max, nonZero };
  if (zeroBin >= 0) counts[zeroBin] = 0;
  return {
    min, max, nonZero,
    low: binOfRank(counts, nearestRank(lowPct, nonZero))[0] + offset,
    high: binOfRank(counts, nearestRank(highPct, nonZero))[0] + offset,
  };
}

function generalStats(data: VoxelData, zeroRaw: number, lowPct: number, highPct: number): IntensityStats {
  let min = Infinity;
  let max = -Infinity;
  let nzMin = Infinity;
  let nzMax = -Infinity;
  let nonZero = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== zeroRaw && v === v) {
      nonZero++;
      if (v < nzMin) nzMin = v;
      if (v > nzMax) nzMax = v;
    }
  }
  if (min > max) { min = 0; max = 0; }
  if (nonZero === 0) return { min, max, low: min, high: max, nonZero };
  const [low, high] = rawRanks(data, zeroRaw, nzMin, nzMax, nearestRank(lowPct, nonZero), nearestRank(highPct, nonZero));
  return { min, max, low, high, nonZero };
}

/** The rankLow-th and rankHigh-th smallest non-zero raw values in [lo, hi] (1-based): a 65536-bin histogram, then
 * the two target bins' values. */
function rawRanks(data: VoxelData, zeroRaw: number, lo: number, hi: number, rankLow: number, rankHigh: number): [number, number] {
  const scale = hi > lo ? BINS / (hi - lo) : 0;
  const last = BINS - 1;
  const counts = new Float64Array(BINS);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== zeroRaw && v === v) {
      const b = Math.floor((v - lo) * scale);
      counts[b > last ? last : b]!++;
    }
  }
  const [binLow, beforeLow] = binOfRank(counts, rankLow);
  const [binHigh, beforeHigh] = binOfRank(counts, rankHigh);
  const small = (b: number) => counts[b]! <= COLLECT_LIMIT;
  if (!small(binLow) || !small(binHigh)) {
    // A bin holding millions of values (a constant background, say): rank within it by a finer histogram of it.
    return [
      rankInBin(data, zeroRaw, lo, scale, binLow, rankLow - beforeLow),
      rankInBin(data, zeroRaw, lo, scale, binHigh, rankHigh - beforeHigh),
    ];
  }
  // One pass gathers the values of both target bins; sorting them gives the exact ranks.
  const inLow = new Float64Array(counts[binLow]!);
  const inHigh = binHigh === binLow ? inLow : new Float64Array(counts[binHigh]!);
  let nLow = 0;
  let nHigh = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== zeroRaw && v === v) {
      let b = Math.floor((v - lo) * scale);
      if (b > last) b = last;
      if (b === binLow) inLow[nLow++] = v;
      else if (b === binHigh) inHigh[nHigh++] = v;
    }
  }
  inLow.sort();
  if (inHigh !== inLow) inHigh.sort();
  return [inLow[rankLow - beforeLow - 1]!, inHigh[rankHigh - beforeHigh - 1]!];
}

const COLLECT_LIMIT = 1 << 22;

/** The rank-th smallest (1-based) value in one bin, found without collecting them: min/max, or recursion on a sub-range. */
function rankInBin(data: VoxelData, zeroRaw: number, lo: number, scale: number, bin: number, rank: number): number {
  const last = BINS - 1;
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== zeroRaw && v === v) {
      let b = Math.floor((v - lo) * scale);
      if (b > last) b = last;
      if (b === bin) {
        count++;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  if (min === max || count === 0) return min;
  // Distinct values: the sub-range's own percentile (rank within it).
  const inBin = data.filter((v) => v !== zeroRaw && v === v && Math.min(last, Math.floor((v - lo) * scale)) === bin);
  return rawRanks(inBin as VoxelData, zeroRaw, min, max, rank, rank)[0];
}

/** The bin holding the rank-th value, and how many values come before that bin. */
function binOfRank(counts: Float64Array, rank: number): [number, number] {
  let before = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    if (before + c >= rank) return [b, before];
    before += c;
  }
  return [counts.length - 1, before];
}
