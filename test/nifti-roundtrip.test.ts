// Write → read keeps voxels and geometry; files we write are read by nibabel (an independent reader) the same way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  encodeNifti, readNifti, readNiftiFile, scaledFloat32, writeNiftiFile, type NiftiVolume,
} from '../src/core/nifti';
import { writeFileAtomic } from '../src/core/io/atomic-write';
import { niftiFixtures } from './helpers/paths';
import { python, pythonSkip } from './helpers/python-reference';

const fixtures = readdirSync(niftiFixtures).filter((f) => /\.nii(\.gz)?$/.test(f));
const work = mkdtempSync(join(tmpdir(), 'swinfuse-roundtrip-'));
after(() => rmSync(work, { recursive: true, force: true }));

function assertSameGeometry(actual: NiftiVolume, source: NiftiVolume): void {
  const a = actual.header;
  const s = source.header;
  assert.equal(a.qformCode, s.qformCode);
  assert.equal(a.sformCode, s.sformCode);
  assert.deepEqual(a.quatern, s.quatern);
  assert.deepEqual(a.qoffset, s.qoffset);
  assert.deepEqual(a.pixdim, s.pixdim);
  assert.deepEqual(a.srow, s.srow);
  assert.equal(a.xyztUnits, s.xyztUnits);
  assert.deepEqual(actual.affine, source.affine);
  assert.equal(actual.axcodes, source.axcodes);
}

describe('write → read round trips', () => {
  for (const name of fixtures) {
    for (const ext of ['.nii', '.nii.gz']) {
      it(`float volume from ${name} as ${ext}`, async () => {
        const source = await readNiftiFile(join(niftiFixtures, name));
        const values = scaledFloat32(source);
        const out = join(work, `float-${name}${ext}`);
        await writeNiftiFile(out, { shape: source.shape, data: values, geometry: source.header, version: source.header.version });
        const back = await readNiftiFile(out);
        assert.equal(back.datatype, 'float32');
        assert.equal(back.header.version, source.header.version);
        assert.deepEqual(back.shape, source.shape);
        assert.deepEqual(back.data, values);
        assertSameGeometry(back, source);
      });
    }

    it(`uint8 label mask for ${name}`, async () => {
      const source = await readNiftiFile(join(niftiFixtures, name));
      const spatial = source.shape.slice(0, 3);
      const labels = new Uint8Array(spatial.reduce((a, b) => a * b, 1)).map((_, i) => [0, 1, 2, 4][i % 4]!);
      const out = join(work, `mask-${name}`);
      await writeNiftiFile(out, { shape: spatial, data: labels, geometry: source.header, intentCode: 1002 });
      const back = await readNiftiFile(out);
      assert.equal(back.datatype, 'uint8');
      assert.equal(back.header.intentCode, 1002);
      assert.deepEqual(back.shape, spatial);
      assert.deepEqual(back.data, labels);
      assertSameGeometry(back, source);
    });
  }

  it('keeps the stored values and scaling of integer data', async () => {
    const source = await readNiftiFile(join(niftiFixtures, 'las_int16_scaled.nii.gz'));
    const bytes = await encodeNifti({ shape: source.shape, data: source.data, geometry: source.header, scaling: source.scaling }, false);
    const back = await readNifti(bytes, 'memory.nii');
    assert.equal(back.datatype, 'int16');
    assert.deepEqual(back.data, source.data);
    assert.deepEqual(back.scaling, source.scaling);
  });

  it('refuses data that does not fill the shape', async () => {
    const source = await readNiftiFile(join(niftiFixtures, 'uint16.nii'));
    await assert.rejects(encodeNifti({ shape: [2, 2, 2], data: new Uint8Array(7), geometry: source.header }, false), /7 values/);
  });
});

describe('atomic writes', () => {
  it('replaces the target whole and leaves no temporary file', async () => {
    const target = join(work, 'atomic', 'x.bin');
    spawnSync('mkdir', ['-p', join(work, 'atomic')]);
    writeFileSync(target, 'old contents');
    await writeFileAtomic(target, new TextEncoder().encode('new contents'));
    assert.equal(readFileSync(target, 'utf8'), 'new contents');
    assert.deepEqual(readdirSync(join(work, 'atomic')), ['x.bin']);
  });

  it('leaves the old file in place when the write fails', async () => {
    const dir = join(work, 'atomic-fail');
    spawnSync('mkdir', ['-p', dir]);
    const target = join(dir, 'mask.nii.gz');
    writeFileSync(target, 'precious');
    // A Uint8Array view over a detached buffer cannot be written: the failure happens mid-write.
    const doomed = new Uint8Array(8);
    structuredClone(doomed.buffer, { transfer: [doomed.buffer] });
    await assert.rejects(writeFileAtomic(target, doomed));
    assert.equal(readFileSync(target, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir), ['mask.nii.gz']);
  });
});

// nibabel is the reference the fixtures came from; .ci/run installs it (Debian's python3-nibabel).

describe('files we write, read by nibabel', { skip: pythonSkip('nibabel') }, () => {
  for (const name of ['las_int16_scaled.nii.gz', 'oblique_float32.nii.gz', 'nifti2_int32.nii', 'lps_float32_4d.nii.gz']) {
    it(`matches for a copy of ${name}`, async () => {
      const source = await readNiftiFile(join(niftiFixtures, name));
      const values = scaledFloat32(source);
      const out = join(work, `nib-${name}`);
      await writeNiftiFile(out, { shape: source.shape, data: values, geometry: source.header, version: source.header.version });
      const script = [
        'import json, sys, nibabel as nib, numpy as np',
        'a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])',
        'x, y = np.asanyarray(a.dataobj), np.asanyarray(b.dataobj)',
        'print(json.dumps({"shape_equal": a.shape == b.shape, "max_abs": float(np.max(np.abs(x - y))),',
        '  "affine_diff": float(np.max(np.abs(a.affine - b.affine))), "qform_diff": float(np.max(np.abs(a.get_qform() - b.get_qform()))),',
        '  "codes": [int(b.header["sform_code"]), int(b.header["qform_code"])], "src_codes": [int(a.header["sform_code"]), int(a.header["qform_code"])],',
        '  "zooms_equal": a.header.get_zooms() == b.header.get_zooms()}))',
      ].join('\n');
      const r = spawnSync(python, ['-c', script, join(niftiFixtures, name), out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const verdict = JSON.parse(r.stdout);
      assert.equal(verdict.shape_equal, true);
      assert.ok(verdict.max_abs <= 1e-4 * Math.max(1, Math.abs(source.scaling?.slope ?? 1)), `values differ by ${verdict.max_abs}`);
      assert.equal(verdict.affine_diff, 0);
      assert.equal(verdict.qform_diff, 0);
      assert.deepEqual(verdict.codes, verdict.src_codes);
      assert.equal(verdict.zooms_equal, true);
    });
  }
});
