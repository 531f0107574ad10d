export interface ChannelStats {
  /** Mean of the channel's non-zero voxels (0 when it has none). */
  readonly mean: number;
  /** Their population standard deviation; 0 means the channel was only shifted, not scaled. */
  readonly std: number;
  /** How many voxels were non-zero. */
  readonly count: number;
}

/**
 * MONAI's NormalizeIntensity(nonzero=True, channel_wise=True), in place: each channel's non-zero voxels become
 * (x - mean) / std over those voxels, zeros stay zero (they mark outside the brain in BraTS). Sums run in float64,
 * two passes, so a 10⁷-voxel channel keeps its precision. Channel c occupies [c·V, (c+1)·V).
 */
export function normalizeNonzeroPerChannel(data: Float32Array, channels: number, voxelsPerChannel: number): ChannelStats[] {
  if (!Number.isSafeInteger(channels) || channels < 1 || !Number.isSafeInteger(voxelsPerChannel) || voxelsPerChannel < 1) {
    throw new Error(`normalize: ${channels} channel(s) of ${voxelsPerChannel} voxels is not a volume`);
  }
  if (data.length !== channels * voxelsPerChannel) {
    throw new Error(`normalize: ${data.length} values do not fill ${channels} channel(s) of ${voxelsPerChannel} voxels`);
  }
  const stats: ChannelStats[] = [];
  for (let c = 0; c < channels; c++) {
    const begin = c * voxelsPerChannel;
    const end = begin + voxelsPerChannel;
    let sum = 0;
    let count = 0;
    for (let i = begin; i < end; i++) {
      const v = data[i]!;
      if (v !== 0) {
        sum += v;
        count++;
      }
    }
    if (count === 0) {
      stats.push({ mean: 0, std: 0, count: 0 });
      continue;
    }
    const mean = sum / count;
    let squares = 0;
    for (let i = begin; i < end; i++) {
      const v = data[i]!;
      if (v !== 0) squares += (v - mean) * (v - mean);
    }
    const std = Math.sqrt(squares / count);
    // MONAI divides by 1 where the std is 0, so a constant channel becomes zeros rather than NaN.
    const divisor = std === 0 ? 1 : std;
    for (let i = begin; i < end; i++) {
      const v = data[i]!;
      if (v !== 0) data[i] = (v - mean) / divisor;
    }
    stats.push({ mean, std, count });
  }
  return stats;
}
