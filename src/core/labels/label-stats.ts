// Per-label voxel counts and volumes for the stats panel. The incremental update reads only an edit's run values,
// so a stroke costs O(runs), not a rescan of a 35 M voxel mask.
import type { LabelEdit, RunValues } from './label-edit';
import { checkSpacing, checkLabel, LabelToolError, type Spacing } from './volume';

export interface LabelStats {
  /** counts[label] = voxels holding that label, for labels 0..255. */
  readonly counts: Float64Array;
  /** Volume of one voxel in mL (sx * sy * sz mm^3 / 1000). */
  readonly voxelMl: number;
}

export interface LabelVolume {
  readonly label: number;
  readonly voxels: number;
  readonly ml: number;
}

export function computeLabelStats(mask: Uint8Array, spacing: Spacing): LabelStats {
  checkSpacing(spacing, 'computeLabelStats');
  const counts = new Float64Array(256);
  for (let i = 0; i < mask.length; i++) counts[mask[i]!]!++;
  return { counts, voxelMl: (spacing[0] * spacing[1] * spacing[2]) / 1000 };
}

function add(counts: Float64Array, rv: RunValues, sign: number): void {
  for (let k = 0; k < rv.values.length; k++) counts[rv.values[k]!]! += sign * rv.counts[k]!;
}

/**
 * Stats after applying (`'apply'`) or reverting (`'revert'`) `edit` to the mask these stats describe. Before and
 * after values are aligned voxel by voxel, so subtracting one side's totals and adding the other's is exact.
 */
export function updateLabelStats(stats: LabelStats, edit: LabelEdit, direction: 'apply' | 'revert' = 'apply'): LabelStats {
  const counts = stats.counts.slice();
  const [from, to] = direction === 'apply' ? [edit.before, edit.after] : [edit.after, edit.before];
  add(counts, from, -1);
  add(counts, to, +1);
  for (let l = 0; l < 256; l++) {
    if (counts[l]! < 0) {
      throw new LabelToolError(`updateLabelStats: label ${l} would have ${counts[l]} voxels; the edit is not for this mask`);
    }
  }
  return { counts, voxelMl: stats.voxelMl };
}

export function labelVolume(stats: LabelStats, label: number): LabelVolume {
  checkLabel(label, 'labelVolume');
  const voxels = stats.counts[label]!;
  return { label, voxels, ml: voxels * stats.voxelMl };
}

/** Volumes of the labels present, background excluded, ascending by label. */
export function labelVolumes(stats: LabelStats): LabelVolume[] {
  const out: LabelVolume[] = [];
  for (let l = 1; l < 256; l++) if (stats.counts[l]! > 0) out.push(labelVolume(stats, l));
  return out;
}
