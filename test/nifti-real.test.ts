// The real T1 MRI volumes load, and agree with nibabel on shape, geometry and values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNiftiFile, scaledSummary, scaledValueAt } from '../src/core/nifti';
import { assertClose, assertMatrixClose } from './helpers/approx';
import { realFixtures } from './helpers/paths';

interface RealEntry {
  shape: number[];
  sum: number;
  max: number;
  affine: number[][];
  axcodes: string;
  probes: { index: number[]; value: number }[];
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'nibabel-reference.json'), 'utf8')) as {
  real: Record<string, RealEntry>;
};

describe('real MRI volumes', () => {
  for (const [name, expected] of Object.entries(reference.real)) {
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
