// THE set-value path: brush, erase (value 0), fill, island removal and interpolation all write through here, so
// constraints, deduplication and edit recording behave identically for every tool (as in cornerstone3D).
import { editFromChanges, EMPTY_EDIT, type LabelEdit } from './label-edit';
import { checkLabel, IndexList, LabelToolError } from './volume';

/** Limits on which voxels a write may touch; all given limits must hold (they compose by AND). */
export interface SetConstraint {
  /** Threshold-constrained painting: only voxels whose (scaled) image value lies in [lo, hi]. */
  readonly image?: { readonly data: Float32Array; readonly lo: number; readonly hi: number };
  /** Only voxels currently holding this label (erase only label 2; overwrite only background with 0). */
  readonly onlyLabel?: number;
}

function sortedUnique(indices: Iterable<number> | Uint32Array, size: number): Uint32Array {
  let list: Uint32Array;
  if (indices instanceof Uint32Array) list = indices.slice();
  else {
    const grow = new IndexList();
    for (const i of indices) {
      // Checked here because Uint32 storage would silently wrap negatives and fractions.
      if (!Number.isInteger(i) || i < 0) throw new LabelToolError(`setValues: index ${i} is not a voxel index`);
      grow.push(i);
    }
    list = grow.toArray();
  }
  list.sort();
  let n = 0;
  for (let k = 0; k < list.length; k++) {
    if (k > 0 && list[k] === list[k - 1]) continue;
    list[n++] = list[k]!;
  }
  if (n > 0 && list[n - 1]! >= size) {
    throw new LabelToolError(`setValues: index ${list[n - 1]} is outside the mask of ${size} voxels`);
  }
  return list.subarray(0, n);
}

/**
 * Writes `value` at `indices` (any order, duplicates allowed) where `constraint` allows, and returns the edit of the
 * voxels that actually changed; unchanged voxels are not recorded.
 */
export function setValues(
  mask: Uint8Array,
  indices: Iterable<number> | Uint32Array,
  value: number,
  constraint: SetConstraint = {},
): LabelEdit {
  checkLabel(value, 'setValues value');
  const { image, onlyLabel } = constraint;
  if (onlyLabel !== undefined) checkLabel(onlyLabel, 'setValues onlyLabel');
  if (image && image.data.length !== mask.length) {
    throw new LabelToolError(`setValues: image has ${image.data.length} voxels but the mask has ${mask.length}`);
  }
  if (image && !(image.lo <= image.hi)) {
    throw new LabelToolError(`setValues: threshold range [${image.lo}, ${image.hi}] is empty`);
  }
  const list = sortedUnique(indices, mask.length);
  // Compact the accepted changes in place: list is our own copy, and accepted <= visited at every step.
  const before = new Uint8Array(list.length);
  let n = 0;
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    const old = mask[i]!;
    if (old === value) continue;
    if (onlyLabel !== undefined && old !== onlyLabel) continue;
    if (image) {
      const v = image.data[i]!;
      if (!(v >= image.lo && v <= image.hi)) continue; // NaN never passes
    }
    list[n] = i;
    before[n] = old;
    n++;
  }
  if (n === 0) return EMPTY_EDIT;
  const changed = list.subarray(0, n);
  for (let k = 0; k < n; k++) mask[changed[k]!] = value;
  return editFromChanges(changed, before.subarray(0, n), new Uint8Array(n).fill(value));
}

/** Erase is not a separate tool: it is value 0 through the same path. */
export function eraseValues(
  mask: Uint8Array,
  indices: Iterable<number> | Uint32Array,
  constraint: SetConstraint = {},
): LabelEdit {
  return setValues(mask, indices, 0, constraint);
}
