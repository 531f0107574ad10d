// Clean-up tools: drop small disconnected specks (typical after thresholded painting or a model's output) and clear
// a label. Both return an edit made through setValues, so they undo like any stroke.
import { growRegion, VisitedMap } from './flood-fill';
import type { LabelEdit } from './label-edit';
import { setValues } from './set-values';
import { checkLabel, checkVolume, IndexList, LabelToolError, type Shape } from './volume';

/**
 * Erases (sets to 0) every 6-connected component smaller than `minVoxels`. Components are per label: touching
 * voxels of different labels are separate components. With `label`, only that label's components are examined.
 */
export function removeIslands(mask: Uint8Array, shape: Shape, minVoxels: number, label?: number): LabelEdit {
  const size = checkVolume(mask, shape, 'removeIslands');
  if (!Number.isInteger(minVoxels) || minVoxels < 0) {
    throw new LabelToolError(`removeIslands: minimum size ${minVoxels} is not a non-negative integer`);
  }
  if (label !== undefined) {
    checkLabel(label, 'removeIslands label');
    if (label === 0) throw new LabelToolError('removeIslands: label 0 is background, it has no islands to remove');
  }
  const visited = new VisitedMap(size);
  const component = new IndexList();
  const doomed = new IndexList();
  for (let i = 0; i < size; i++) {
    const l = mask[i]!;
    if (l === 0 || visited.has(i) || (label !== undefined && l !== label)) continue;
    component.length = 0; // reuse the backing store across components
    const n = growRegion(i, shape, (j) => mask[j] === l, visited, component);
    if (n < minVoxels) for (let k = 0; k < n; k++) doomed.push(component.get(k));
  }
  return setValues(mask, doomed.toArray(), 0);
}

/** Sets every voxel of `label` to 0. */
export function clearLabel(mask: Uint8Array, label: number): LabelEdit {
  checkLabel(label, 'clearLabel label');
  const hits = new IndexList();
  for (let i = 0; i < mask.length; i++) if (mask[i] === label) hits.push(i);
  return setValues(mask, hits.toArray(), 0);
}
