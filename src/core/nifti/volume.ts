import type { VoxelVolume } from './types';

type Voxels = Pick<VoxelVolume, 'shape' | 'data' | 'scaling'>;

/** Flat index of [i, j, k(, t)] in the stored order, first axis fastest. */
export function flatIndex(shape: readonly number[], index: readonly number[]): number {
  if (index.length !== shape.length) throw new Error(`index ${JSON.stringify(index)} does not match shape ${JSON.stringify(shape)}`);
  let flat = 0;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis]!;
    const i = index[axis]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`index ${JSON.stringify(index)} is outside shape ${JSON.stringify(shape)}`);
    flat = flat * n + i;
  }
  return flat;
}

export function scaledValueAt(volume: Voxels, index: readonly number[]): number {
  const raw = volume.data[flatIndex(volume.shape, index)]!;
  return volume.scaling ? raw * volume.scaling.slope + volume.scaling.inter : raw;
}

/** Sum and mean of the scaled values, accumulated in float64 so large volumes do not drift. */
export function scaledSummary(volume: Voxels): { sum: number; mean: number; min: number; max: number } {
  const data = volume.data;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const n = data.length;
  const s = volume.scaling;
  if (s) {
    sum = sum * s.slope + n * s.inter;
    [min, max] = s.slope >= 0 ? [min * s.slope + s.inter, max * s.slope + s.inter] : [max * s.slope + s.inter, min * s.slope + s.inter];
  }
  return { sum, mean: n > 0 ? sum / n : NaN, min, max };
}

/** Scaled values as float32, the form display and inference want. */
export function scaledFloat32(volume: Voxels): Float32Array {
  const out = new Float32Array(volume.data.length);
  const s = volume.scaling;
  if (!s) {
    out.set(volume.data);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = volume.data[i]! * s.slope + s.inter;
  }
  return out;
}

export function spatialShape(shape: readonly number[]): [number, number, number] {
  return [shape[0] ?? 1, shape[1] ?? 1, shape[2] ?? 1];
}

export function channelCount(shape: readonly number[]): number {
  return shape[3] ?? 1;
}
