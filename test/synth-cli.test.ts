// swinfuse synth: six BraTS-named files on one grid, exactly the generator's case, readable by us and by nibabel;
// bad arguments are one-line usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNiftiFile, scaledFloat32 } from '../src/core/nifti';
import { generateCase } from '../src/core/synth';
import { runCli } from './helpers/cli';
import { python, pythonSkip } from './helpers/python-reference';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-synth-'));
after(() => rmSync(work, { recursive: true, force: true }));
const IMAGES = ['t1', 't1ce', 't2', 'flair', 'ct'] as const;
const SUFFIXES = [...IMAGES, 'seg'] as const;

function assertUsageError(args: string[], pattern: RegExp): void {
  const r = runCli(['synth', ...args]);
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.match(lines[0]!, /see swinfuse --help/);
}

describe('swinfuse synth', () => {
  const dir = join(work, 'case');
  const size = [48, 40, 44] as const;
  let stdout = '';

  it('writes the six files and says what it wrote and how many voxels each label has', () => {
    const r = runCli(['synth', '--seed', '5', '--out', dir, '--size', size.join(',')]);
    assert.equal(r.status, 0, r.stderr);
    stdout = r.stdout;
    for (const s of SUFFIXES) {
      assert.ok(existsSync(join(dir, `case_${s}.nii.gz`)), `case_${s}.nii.gz`);
      assert.match(r.stdout, new RegExp(`case_${s}\\.nii\\.gz`));
    }
    assert.match(r.stdout, /labels: 0 background \d+, 1 necrotic core \d+ .*2 edema \d+ .*4 enhancing \d+/);
  });

  it('holds exactly the generated case, on one grid, as int16 images and uint8 labels', async () => {
    const expected = generateCase({ seed: 5, size: [...size] });
    const seg = await readNiftiFile(join(dir, 'case_seg.nii.gz'));
    assert.equal(seg.datatype, 'uint8');
    assert.equal(seg.header.intentCode, 1002);
    assert.equal(seg.axcodes, 'RAS');
    assert.deepEqual(seg.shape, [...size]);
    assert.deepEqual(seg.affine, expected.affine);
    assert.deepEqual(seg.data, expected.labels);
    for (const s of IMAGES) {
      const image = await readNiftiFile(join(dir, `case_${s}.nii.gz`));
      assert.equal(image.datatype, 'int16', s);
      assert.deepEqual(image.shape, seg.shape, s);
      assert.deepEqual(image.affine, seg.affine, s);
      assert.deepEqual(scaledFloat32(image), expected.channels[s], s);
    }
    const counts = [0, 1, 2, 4].map((l) => expected.labels.reduce((n, v) => n + (v === l ? 1 : 0), 0));
    assert.match(stdout, new RegExp(`0 background ${counts[0]}, 1 necrotic core ${counts[1]} .*2 edema ${counts[2]} .*4 enhancing ${counts[3]} `));
  });

  it('nibabel reads every file on the same grid, the labels as BraTS labels', { skip: pythonSkip('nibabel') }, () => {
    const script = [
      'import json, sys, nibabel as nib, numpy as np',
      'imgs = [nib.load(p) for p in sys.argv[1:]]',
      'seg = imgs[-1]',
      'print(json.dumps({"shapes": [list(i.shape) for i in imgs], "affines": [i.affine.tolist() for i in imgs],',
      '  "axcodes": "".join(nib.aff2axcodes(seg.affine)), "labels": sorted(int(v) for v in np.unique(np.asanyarray(seg.dataobj))),',
      '  "dtypes": [str(i.get_data_dtype()) for i in imgs], "intent": seg.header.get_intent()[0]}))',
    ].join('\n');
    const r = spawnSync(python, ['-c', script, ...SUFFIXES.map((s) => join(dir, `case_${s}.nii.gz`))], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    for (const shape of v.shapes) assert.deepEqual(shape, [...size]);
    for (const affine of v.affines) assert.deepEqual(affine, v.affines[0]);
    assert.deepEqual(v.affines[0], generateCase({ seed: 5, size: [...size] }).affine);
    assert.equal(v.axcodes, 'RAS');
    assert.ok(v.labels.every((l: number) => [0, 1, 2, 4].includes(l)), `labels ${v.labels}`);
    assert.deepEqual(v.dtypes, ['int16', 'int16', 'int16', 'int16', 'int16', 'uint8']);
    assert.equal(v.intent, 'label');
  });

  it('--json prints one object; --name, --tumours and --no-skull-strip are honoured', async () => {
    const out = join(work, 'json');
    const r = runCli(['synth', '--seed', '9', '--out', out, '--size', '32,32,32', '--spacing', '6', '--tumours', '0', '--no-skull-strip', '--name', 'c9', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.deepEqual(v.files, SUFFIXES.map((s) => join(out, `c9_${s}.nii.gz`)));
    assert.deepEqual(v.shape, [32, 32, 32]);
    assert.equal(v.spacing, 6);
    assert.equal(v.skullStripped, false);
    assert.deepEqual(v.tumours, []);
    assert.deepEqual(v.labelVoxels, { 0: 32 ** 3, 1: 0, 2: 0, 4: 0 });
    const t1 = await readNiftiFile(join(out, 'c9_t1.nii.gz'));
    assert.deepEqual(scaledFloat32(t1), generateCase({ seed: 9, size: [32, 32, 32], spacing: 6, tumourCount: 0, skullStrip: false }).channels.t1);
  });

  it('--help describes the options', () => {
    const r = runCli(['synth', '--help']);
    assert.equal(r.status, 0);
    for (const option of ['--seed', '--out', '--size', '--spacing', '--tumours', '--no-skull-strip', '--name', '--json']) assert.match(r.stdout, new RegExp(option));
    assert.match(runCli(['--help']).stdout, /^\s+synth\s+/m);
  });

  it('refuses bad arguments with one-line usage errors', () => {
    const out = join(work, 'never');
    assertUsageError(['--out', out], /--seed N is required/);
    assertUsageError(['--seed', '1'], /--out DIR is required/);
    assertUsageError(['--seed=-1', '--out', out], /--seed must be a whole number/);
    assertUsageError(['--seed', 'x', '--out', out], /--seed must be a whole number 0 … 4294967295, got "x"/);
    assertUsageError(['--seed', '4294967296', '--out', out], /--seed must be/);
    assertUsageError(['--seed', '1', '--out', out, '--size', '96,96'], /--size must be three whole numbers D,H,W .* got "96,96"/);
    assertUsageError(['--seed', '1', '--out', out, '--size', '8,96,96'], /--size must be .*16 … 256/);
    assertUsageError(['--seed', '1', '--out', out, '--spacing', '0'], /--spacing must be/);
    assertUsageError(['--seed', '1', '--out', out, '--tumours', '4'], /--tumours must be 0, 1, 2 or 3, got "4"/);
    assertUsageError(['--seed', '1', '--out', out, '--name', '../x'], /--name must be a plain file name prefix/);
    assertUsageError(['extra', '--seed', '1', '--out', out], /no positional arguments/);
    assertUsageError(['--seed', '1', '--out', out, '--bogus'], /--bogus/);
    assert.ok(!existsSync(out), 'nothing is written after a usage error');
  });
});
