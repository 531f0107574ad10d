// The real T1 MRI volumes load, and agree with nibabel on shape, geometry and values.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNiftiFile, scaledSummary, scaledValueAt } from '../src/core/nifti';
import { assertMatrixClose } from './helpers/approx';
import { realFixtures } from './helpers/paths';
import { nibabelReference } from './helpers/reference';

describe('real MRI volumes', () => {
  for (const [name, expected] of Object.entries(nibabelReference.real)) {
    it(`loads ${name}`, async () => {
      const volume = await readNiftiFile(join(realFixtures, name));
      assert.deepEqual(volume.shape, expected.shape);
      assert.equal(volume.datatype, 'uint8');
      assert.equal(volume.axcodes, expected.axcodes);
      assertMatrixClose(volume.affine, expected.affine, 1e-6, 'affine');
      const summary = scaledSummary(volume);
      assert.equal(summary.sum, expected.sum);
      assert.equal(summary.max, expected.max);
      for (const p of expected.probes) assert.equal(scaledValueAt(volume, p.index), p.value, `value at ${p.index}`);
    });
  }
});
