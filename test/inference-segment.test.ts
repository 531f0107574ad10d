// swinfuse segment end to end on multi-channel NIfTI inputs stored in different orientations (made by nibabel in
// test/fixtures/segment/make_segment_fixtures.py): the mask must overlay its image exactly and follow the anatomy.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readNiftiFile, type NiftiVolume } from '../src/core/nifti';
import { runCli } from './helpers/cli';
import { copyWithoutEmbeddedCard, importFixtureModel } from './helpers/fixture-models';

const fixtures = join(import.meta.dirname, 'fixtures', 'segment');
const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as {
  shape: [number, number, number];
  files: Record<string, { perm: [number, number, number]; flip: [boolean, boolean, boolean]; axcodes: string }>;
};
const INFERENCE_TIMEOUT = 180_000;
const work = mkdtempSync(join(tmpdir(), 'swinfuse-segment-'));
after(() => rmSync(work, { recursive: true, force: true }));
let model = '';
before(() => { model = importFixtureModel('swinunetr_f12', work); });

const fixture = (name: string): string => join(fixtures, name);
function segment(inputs: string[], output: string, ...extra: string[]) {
  return runCli(['segment', ...inputs.map(fixture), '--model', model, '-o', output, '--device', 'cpu', '--threads', '1', ...extra], INFERENCE_TIMEOUT);
}

function geometryOf(v: NiftiVolume) {
  const h = v.header;
  return { qformCode: h.qformCode, sformCode: h.sformCode, quatern: h.quatern, qoffset: h.qoffset, srow: h.srow,
    pixdim: h.pixdim.slice(0, 4), units: h.xyztUnits, affine: v.affine, axcodes: v.axcodes };
}

/** The base (RAS) index of a stored voxel, from how the fixture script built the file: no code of ours involved. */
function baseIndex(entry: { perm: number[]; flip: boolean[] }, stored: number[]): number[] {
  const base = [0, 0, 0];
  entry.perm.forEach((p, k) => { base[p] = entry.flip[k] ? manifest.shape[p]! - 1 - stored[k]! : stored[k]!; });
  return base;
}

describe('swinfuse segment', () => {
  const masks: Record<string, NiftiVolume> = {};

  for (const name of Object.keys(manifest.files)) {
    it(`${name} (${manifest.files[name]!.axcodes}): a uint8 mask with the image's exact geometry`, async () => {
      const out = join(work, name.replace('_4d', '_mask'));
      const r = segment([name], out);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^wrote .*mask\.nii\.gz: .* windows on cpu/);
      assert.match(r.stderr, new RegExp(`${manifest.files[name]!.axcodes} → RAS`));
      const image = await readNiftiFile(fixture(name));
      const mask = await readNiftiFile(out);
      assert.deepEqual(mask.shape, image.shape.slice(0, 3));
      assert.equal(mask.datatype, 'uint8');
      assert.equal(mask.header.intentCode, 1002);
      assert.deepEqual(geometryOf(mask), geometryOf(image));
      masks[name] = mask;
    });
  }

  it('every orientation labels the same anatomy, voxel for voxel', () => {
    const ras = masks['ras_4d.nii.gz'];
    assert.ok(ras, 'the RAS mask was written');
    const [X, Y] = manifest.shape;
    const at = (v: NiftiVolume, i: number[]): number => v.data[i[0]! + v.shape[0]! * (i[1]! + v.shape[1]! * i[2]!)]!;
    const labels = new Set(ras.data);
    assert.ok(labels.size >= 2, `the RAS mask should hold several labels to make this comparison mean something, has ${[...labels]}`);
    for (const [name, entry] of Object.entries(manifest.files)) {
      const mask = masks[name];
      assert.ok(mask, `${name} was segmented`);
      let mismatches = 0;
      const [sx, sy, sz] = mask.shape as [number, number, number];
      for (let k = 0; k < sz; k++) for (let j = 0; j < sy; j++) for (let i = 0; i < sx; i++) {
        const b = baseIndex(entry, [i, j, k]);
        if (at(mask, [i, j, k]) !== ras.data[b[0]! + X * (b[1]! + Y * b[2]!)]) mismatches++;
      }
      assert.equal(mismatches, 0, `${name}: ${mismatches} voxels differ from the RAS mask at the same anatomy`);
    }
  });

  it('one 3D file per channel gives the same mask as the 4D file', async () => {
    const out = join(work, 'channels_mask.nii.gz');
    const r = segment(['ras_flair.nii.gz', 'ras_t1ce.nii.gz', 'ras_t1.nii.gz', 'ras_t2.nii.gz'], out);
    assert.equal(r.status, 0, r.stderr);
    const mask = await readNiftiFile(out);
    assert.ok(masks['ras_4d.nii.gz']);
    assert.deepEqual(mask.data, masks['ras_4d.nii.gz'].data);
  });

  it('--probabilities writes per-class float32 volumes that the labels follow (TC, WT, ET at 0.5)', async () => {
    const out = join(work, 'p_mask.nii'); const prob = join(work, 'p_prob.nii.gz');
    const r = segment(['lps_4d.nii.gz'], out, '--probabilities', prob);
    assert.equal(r.status, 0, r.stderr);
    const mask = await readNiftiFile(out);
    const p = await readNiftiFile(prob);
    assert.deepEqual(p.shape, [...mask.shape, 3]);
    assert.equal(p.datatype, 'float32');
    assert.deepEqual(geometryOf(p), geometryOf(mask));
    const n = mask.data.length;
    for (let v = 0; v < n; v++) {
      const [tc, wt, et] = [p.data[v]!, p.data[n + v]!, p.data[2 * n + v]!];
      assert.ok(tc >= 0 && tc <= 1 && wt >= 0 && wt <= 1 && et >= 0 && et <= 1);
      const want = et >= 0.5 ? 4 : tc >= 0.5 ? 1 : wt >= 0.5 ? 2 : 0;
      if (mask.data[v] !== want) assert.fail(`voxel ${v}: label ${mask.data[v]}, probabilities TC ${tc} WT ${wt} ET ${et}`);
    }
  });

  it('--no-crop runs windows over the whole volume; cropping changes little inside the head', async () => {
    const out = join(work, 'nocrop_mask.nii.gz');
    const r = segment(['ras_4d.nii.gz'], out, '--no-crop');
    assert.equal(r.status, 0, r.stderr);
    const full = await readNiftiFile(out);
    const cropped = masks['ras_4d.nii.gz'];
    assert.ok(cropped);
    let same = 0;
    for (let v = 0; v < full.data.length; v++) if (full.data[v] === cropped.data[v]) same++;
    assert.ok(same / full.data.length > 0.9, `only ${(100 * same / full.data.length).toFixed(1)}% of voxels agree`);
  });
});

describe('swinfuse segment refuses bad input clearly', () => {
  const out = (): string => join(work, 'never.nii.gz');

  it('a wrong channel count', () => {
    const r = segment(['ras_flair.nii.gz', 'ras_t1ce.nii.gz'], out());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: the model takes 4 channels \(flair, t1ce, t1, t2\); got 2 files: .*ras_flair\.nii\.gz, .*ras_t1ce\.nii\.gz/);
  });

  it('one 3D file, not BraTS-named (so no siblings are looked for), for a 4-channel model', () => {
    // ras_t2.nii.gz itself would now be segmented: its BraTS siblings ras_flair/_t1ce/_t1 lie beside it.
    const plain = join(work, 'plain.nii.gz');
    copyFileSync(fixture('ras_t2.nii.gz'), plain);
    const r = runCli(['segment', plain, '--model', model, '-o', out()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: the model takes 4 channels \(flair, t1ce, t1, t2\); .*plain\.nii\.gz has 1 \(shape 80×48×40\)/);
  });

  it('channels on different grids: shifted, or another shape', () => {
    let r = segment(['ras_flair.nii.gz', 'ras_t1ce.nii.gz', 'ras_t1.nii.gz', 'shifted_t2.nii.gz'], out());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /shifted_t2\.nii\.gz is not on .*ras_flair\.nii\.gz's voxel grid: its origin is offset by \(2, 0, 0\) mm/);
    r = segment(['ras_flair.nii.gz', 'ras_t1ce.nii.gz', 'ras_t1.nii.gz', 'small_t2.nii.gz'], out());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /small_t2\.nii\.gz is not on .*ras_flair\.nii\.gz's voxel grid: its shape is 76×48×40, not 80×48×40/);
  });

  it('a missing model, and a model without its card (one that does not embed it either)', () => {
    let r = runCli(['segment', fixture('ras_4d.nii.gz'), '--model', join(work, 'missing.onnx'), '-o', out()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.onnx: no such model file/);
    const bare = join(work, 'cardless.onnx');
    copyWithoutEmbeddedCard(model, bare);
    r = runCli(['segment', fixture('ras_4d.nii.gz'), '--model', bare, '-o', out()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cardless\.json: the model card is missing/);
  });

  it('never writes over an input image', () => {
    const r = runCli(['segment', fixture('ras_4d.nii.gz'), '--model', model, '-o', fixture('ras_4d.nii.gz')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is an input image; segment never writes over its inputs/);
  });
});
