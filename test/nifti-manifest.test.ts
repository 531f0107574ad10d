// Every good fixture, read by our reader and by the CLI, against what nibabel found (manifest.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNiftiFile, scaledSummary, scaledValueAt } from '../src/core/nifti';
import { assertClose, assertMatrixClose } from './helpers/approx';
import { runCli } from './helpers/cli';
import { niftiFixtures } from './helpers/paths';

interface ManifestEntry {
  shape: number[];
  datatype: string;
  pixdim: number[];
  affine: number[][];
  axcodes: string;
  sform_code: number;
  qform_code: number;
  probes: { index: number[]; value: number }[];
  sum: number;
  mean: number;
}

const manifest = JSON.parse(readFileSync(join(niftiFixtures, 'manifest.json'), 'utf8')) as {
  files: Record<string, ManifestEntry>;
};

describe('NIfTI fixtures match nibabel (manifest.json)', () => {
  for (const [name, expected] of Object.entries(manifest.files)) {
    it(`reads ${name}`, async () => {
      const volume = await readNiftiFile(join(niftiFixtures, name));
      assert.deepEqual(volume.shape, expected.shape);
      assert.equal(volume.datatype, expected.datatype);
      assert.equal(volume.axcodes, expected.axcodes);
      assert.equal(volume.header.sformCode, expected.sform_code);
      assert.equal(volume.header.qformCode, expected.qform_code);
      expected.pixdim.forEach((p, i) => assertClose(volume.header.pixdim[i + 1]!, p, 1e-7, `pixdim[${i + 1}]`));
      assertMatrixClose(volume.affine, expected.affine, 1e-5, 'affine');
      for (const probe of expected.probes) {
        assertClose(scaledValueAt(volume, probe.index), probe.value, 1e-6, `value at ${probe.index}`);
      }
      const { sum, mean } = scaledSummary(volume);
      assertClose(sum, expected.sum, 1e-9, 'sum');
      assertClose(mean, expected.mean, 1e-9, 'mean');
    });

    it(`swinfuse info --json ${name}`, () => {
      const r = runCli(['info', join(niftiFixtures, name), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1, 'one JSON object on one line');
      const info = JSON.parse(lines[0]!);
      assert.deepEqual(Object.keys(info).sort(),
        ['affine', 'axcodes', 'datatype', 'mean', 'pixdim', 'qformCode', 'sformCode', 'shape', 'sum']);
      assert.deepEqual(info.shape, expected.shape);
      assert.equal(info.datatype, expected.datatype);
      assert.equal(info.axcodes, expected.axcodes);
      assert.equal(info.sformCode, expected.sform_code);
      assert.equal(info.qformCode, expected.qform_code);
      assert.equal(info.pixdim.length, expected.pixdim.length);
      expected.pixdim.forEach((p, i) => assertClose(info.pixdim[i], p, 1e-7, `pixdim[${i}]`));
      assertMatrixClose(info.affine, expected.affine, 1e-5, 'affine');
      assertClose(info.sum, expected.sum, 1e-9, 'sum');
      assertClose(info.mean, expected.mean, 1e-9, 'mean');
    });
  }
});
