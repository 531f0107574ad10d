// Reorientation to RAS against nibabel's as_closest_canonical, and back, bit for bit.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  axcodesFromAffine, fromRas, planReorientation, readNiftiFile, reorientAffine, reorientVoxels, scaledValueAt, toRas,
} from '../src/core/nifti';
import { assertClose, assertMatrixClose } from './helpers/approx';
import { niftiFixtures } from './helpers/paths';
import { nibabelReference } from './helpers/reference';

describe('reorientation to RAS matches nibabel', () => {
  for (const [name, expected] of Object.entries(nibabelReference.canonical)) {
    it(`${name} → RAS`, async () => {
      const volume = await readNiftiFile(join(niftiFixtures, name));
      const ras = toRas(volume);
      assert.deepEqual(ras.shape, expected.shape);
      assert.equal(ras.axcodes, expected.axcodes);
      assert.equal(axcodesFromAffine(ras.affine), 'RAS');
      assertMatrixClose(ras.affine, expected.affine, 1e-5, 'RAS affine');
      for (const probe of expected.probes) {
        assertClose(scaledValueAt(ras, probe.index), probe.value, 1e-6, `RAS value at ${probe.index}`);
      }
    });

    it(`${name} → RAS → back is bit-exact`, async () => {
      const volume = await readNiftiFile(join(niftiFixtures, name));
      const ras = toRas(volume);
      const back = fromRas(ras.data, ras.plan, volume.shape[3] ?? 1);
      assert.deepEqual(back, volume.data);
    });
  }

  it('every orientation of a volume lands on the same RAS voxels', () => {
    // One RAS volume, stored in all 48 permute/flip layouts by hand; each must come back to the same RAS array.
    const shape = [4, 3, 2];
    const ras = Uint16Array.from({ length: 24 }, (_, i) => i * 7 + 1);
    const rasAffine = [[2, 0, 0, -3], [0, 3, 0, 5], [0, 0, 4, 1], [0, 0, 0, 1]];
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let layouts = 0;
    for (const perm of perms) {
      for (let flips = 0; flips < 8; flips++) {
        const flip = [0, 1, 2].map((k) => Boolean(flips & (1 << k)));
        // Stored axis k is RAS axis perm[k], reversed if flip[k].
        const storedShape = perm.map((p) => shape[p]!);
        const stored = new Uint16Array(24);
        const affine = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
        perm.forEach((p, k) => {
          const zoom = rasAffine[p]![p]!;
          affine[p]![k] = flip[k] ? -zoom : zoom;
          affine[p]![3] = rasAffine[p]![3]! + (flip[k] ? zoom * (shape[p]! - 1) : 0);
        });
        for (let a = 0; a < storedShape[0]!; a++) for (let b = 0; b < storedShape[1]!; b++) for (let c = 0; c < storedShape[2]!; c++) {
          const s = [a, b, c];
          const r = [0, 0, 0];
          perm.forEach((p, k) => { r[p] = flip[k] ? shape[p]! - 1 - s[k]! : s[k]!; });
          stored[a + storedShape[0]! * (b + storedShape[1]! * c)] = ras[r[0]! + 4 * (r[1]! + 3 * r[2]!)]!;
        }
        const plan = planReorientation(affine, storedShape);
        assert.deepEqual(reorientVoxels(stored, plan), ras, `perm ${perm} flips ${flip}`);
        assertMatrixClose(reorientAffine(affine, plan), rasAffine, 1e-12, `affine for perm ${perm} flips ${flip}`);
        layouts++;
      }
    }
    assert.equal(layouts, 48);
  });

  it('keeps channels on the 4th axis', async () => {
    const volume = await readNiftiFile(join(niftiFixtures, 'lps_float32_4d.nii.gz'));
    const ras = toRas(volume);
    assert.deepEqual(ras.shape, [16, 14, 10, 4]);
    // LPS → RAS flips x and y: stored [i, j, k, t] lands at [15 - i, 13 - j, k, t].
    for (const [i, j, k, t] of [[3, 5, 9, 0], [15, 6, 9, 1], [4, 11, 1, 2], [0, 0, 0, 3]] as const) {
      assert.equal(scaledValueAt(ras, [15 - i, 13 - j, k, t]), scaledValueAt(volume, [i, j, k, t]));
    }
  });
});
