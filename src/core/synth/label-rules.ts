import { BRATS_LABEL } from './types';

/**
 * Makes the BraTS nesting hold voxel for voxel, whatever the sampling did at thin places:
 * 1. in a tumour with an enhancing rim, a core voxel (1) that touches anything but core or rim (6-neighbourhood,
 *    or the volume's border) becomes rim (4), so the rim encloses the core;
 * 2. a background voxel (0) that touches core or rim becomes edema (2), so edema encloses the tumour core.
 * Step 1 only turns 1 into 4 (allowed next to 1 and 4) and step 2 only turns 0 into 2, so neither undoes the other.
 * `owner` holds each labelled voxel's tumour (1-based) and is kept in step.
 */
export function enforceNesting(labels: Uint8Array, owner: Uint8Array, shape: readonly [number, number, number], hasRim: readonly boolean[]): void {
  const [X, Y, Z] = shape;
  const sy = X, sz = X * Y;
  const { necrotic, enhancing, edema } = BRATS_LABEL;
  const isCore = (v: number): boolean => v === necrotic || v === enhancing;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const i = x + sy * y + sz * z;
    if (labels[i] !== necrotic || !hasRim[owner[i]! - 1]) continue;
    const border = x === 0 || y === 0 || z === 0 || x === X - 1 || y === Y - 1 || z === Z - 1;
    if (border || !isCore(labels[i - 1]!) || !isCore(labels[i + 1]!) || !isCore(labels[i - sy]!)
      || !isCore(labels[i + sy]!) || !isCore(labels[i - sz]!) || !isCore(labels[i + sz]!)) labels[i] = enhancing;
  }
  // Step 2 walks the (few) core voxels and grows edema into their background neighbours.
  const grow = (i: number, j: number): void => {
    if (labels[j] === 0) {
      labels[j] = edema;
      owner[j] = owner[i]!;
    }
  };
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const i = x + sy * y + sz * z;
    if (!isCore(labels[i]!)) continue;
    if (x > 0) grow(i, i - 1);
    if (x < X - 1) grow(i, i + 1);
    if (y > 0) grow(i, i - sy);
    if (y < Y - 1) grow(i, i + sy);
    if (z > 0) grow(i, i - sz);
    if (z < Z - 1) grow(i, i + sz);
  }
}
