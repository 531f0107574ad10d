// swinfuse segment's additions for the bundled demo model: --label REF prints Dice against a reference (checked here
// against Dice counted voxel by voxel from the written mask, not with src/core/training/dice.ts), one 3D BraTS image
// finds its siblings (2021 `_flair`… and 2023 `-t2f`… names), and without --model the bundled model is used, or a
// clear error says it is missing. The models are the small MONAI fixtures imported as stand-ins for the demo model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledModelPath } from '../src/cli/bundled-model';
import { readNiftiFile, writeNiftiFile, type NiftiVolume } from '../src/core/nifti';
import { runCli, type CliResult } from './helpers/cli';
import { importArgs, importFixtureModel } from './helpers/fixture-models';
import { cliPath, repoRoot } from './helpers/paths';

const INFERENCE_TIMEOUT = 300_000;
const fixtures = join(import.meta.dirname, 'fixtures', 'segment');
const work = mkdtempSync(join(tmpdir(), 'swinfuse-cli-dice-'));
after(() => rmSync(work, { recursive: true, force: true }));

const cpu = ['--device', 'cpu', '--threads', '1'];
const caseDir = join(work, 'case');
const case23Dir = join(work, 'case23');
const bundledDir = join(work, 'bundled');
let brats = '';
let softmax = '';

before(() => {
  brats = importFixtureModel('swinunetr_f12', work);
  softmax = join(work, 'softmax.onnx');
  const r = runCli([...importArgs('swinunetr_f12', softmax), '--labels', 'softmax', '--channels', 'flair,t1ce,t1,t2']);
  assert.equal(r.status, 0, r.stderr);
  // One case under BraTS 2021 names and the same case under BraTS 2023 names, each alone in its folder.
  mkdirSync(caseDir);
  mkdirSync(case23Dir);
  const names21 = { flair: 'case_flair', t1ce: 'case_t1ce', t1: 'case_t1', t2: 'case_t2' };
  const names23 = { flair: 'B-t2f', t1ce: 'B-t1c', t1: 'B-t1n', t2: 'B-t2w' };
  for (const m of ['flair', 't1ce', 't1', 't2'] as const) {
    copyFileSync(join(fixtures, `ras_${m}.nii.gz`), join(caseDir, `${names21[m]}.nii.gz`));
    copyFileSync(join(fixtures, `ras_${m}.nii.gz`), join(case23Dir, `${names23[m]}.nii.gz`));
  }
  // The bundled layout the extension ships, models/swinfuse-demo/swinfuse-demo.onnx, with a stand-in model.
  mkdirSync(join(bundledDir, 'swinfuse-demo'), { recursive: true });
  linkSync(brats, join(bundledDir, 'swinfuse-demo', 'swinfuse-demo.onnx'));
  copyFileSync(brats.replace(/onnx$/, 'json'), join(bundledDir, 'swinfuse-demo', 'swinfuse-demo.json'));
});

/** The built CLI with SWINFUSE_BUNDLED_MODELS set (the bundled models folder) or removed. */
function cli(args: string[], bundled: string | undefined, timeout = INFERENCE_TIMEOUT): CliResult {
  const env = { ...process.env };
  delete env.SWINFUSE_BUNDLED_MODELS;
  if (bundled !== undefined) env.SWINFUSE_BUNDLED_MODELS = bundled;
  const start = performance.now();
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start };
}

/** Dice counted directly: voxels in the region in both maps, in each. */
function expectedDice(pred: ArrayLike<number>, ref: ArrayLike<number>, members: readonly number[]): { dice: number; p: number; r: number } {
  let p = 0;
  let r = 0;
  let both = 0;
  for (let v = 0; v < pred.length; v++) {
    const a = members.includes(pred[v]!);
    const b = members.includes(ref[v]!);
    if (a) p++;
    if (b) r++;
    if (a && b) both++;
  }
  return { dice: p + r === 0 ? 1 : (2 * both) / (p + r), p, r };
}

/** The score the CLI printed for `name`: "NAME 0.912 (pred 10234, ref 10011 voxels)". */
function printed(line: string, name: string): { dice: string; p: number; r: number } {
  const m = new RegExp(`${name.replace(/[()]/g, '\\$&')} (\\d\\.\\d{3}) \\(pred (\\d+), ref (\\d+) voxels\\)`).exec(line);
  assert.ok(m, `no score for ${name} in: ${line}`);
  return { dice: m[1]!, p: Number(m[2]), r: Number(m[3]) };
}

function assertScore(line: string, name: string, pred: ArrayLike<number>, ref: ArrayLike<number>, members: readonly number[]): void {
  const want = expectedDice(pred, ref, members);
  assert.deepEqual(printed(line, name), { dice: want.dice.toFixed(3), p: want.p, r: want.r }, name);
}

const diceLineOf = (r: CliResult): string => r.stdout.split('\n').find((l) => l.startsWith('Dice vs '))!;

describe('swinfuse segment --label and BraTS siblings', { timeout: 900_000 }, () => {
  let explicit: NiftiVolume;
  let reference: Uint8Array;
  const refPath = join(work, 'case_seg.nii.gz');

  it('four files given in the card\'s order: the mask the sibling runs must reproduce', async () => {
    const out = join(work, 'explicit.nii.gz');
    const files = ['flair', 't1ce', 't1', 't2'].map((m) => join(caseDir, `case_${m}.nii.gz`));
    const r = cli(['segment', ...files, '--model', brats, '-o', out, ...cpu], undefined);
    assert.equal(r.status, 0, r.stderr);
    explicit = await readNiftiFile(out);
    const labels = new Set(explicit.data);
    assert.ok(labels.size >= 2, `the mask should hold several labels for the Dice to mean something, has ${[...labels]}`);

    // A reference that agrees with the mask on one half and disagrees in other ways on the other, stored as
    // float32 so that the CLI's conversion to labels is exercised too.
    const [X, Y] = explicit.shape as [number, number, number];
    const swap: Record<number, number> = { 0: 0, 1: 4, 2: 1, 4: 2 };
    reference = new Uint8Array(explicit.data.length);
    for (let v = 0; v < reference.length; v++) {
      const x = v % X;
      const y = Math.floor(v / X) % Y;
      const label = explicit.data[v]!;
      reference[v] = x < X / 2 ? label : y < Y / 3 ? 2 : swap[label]!;
    }
    const image = await readNiftiFile(files[0]!);
    await writeNiftiFile(refPath, { shape: explicit.shape, data: Float32Array.from(reference), geometry: image.header, version: image.header.version });
  });

  it('one 2021 `_t1ce` file: its siblings are found, and --label prints BraTS region Dice that match a voxel count', async () => {
    const out = join(work, 'from_t1ce.nii.gz');
    const r = cli(['segment', join(caseDir, 'case_t1ce.nii.gz'), '--model', brats, '-o', out, '--label', refPath, ...cpu], undefined);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^channels: flair ← case_flair\.nii\.gz, t1ce ← case_t1ce\.nii\.gz, t1 ← case_t1\.nii\.gz, t2 ← case_t2\.nii\.gz$/m);
    const mask = await readNiftiFile(out);
    assert.deepEqual(mask.data, explicit.data, 'the same channels in the same order give the same mask');

    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0]!, /^wrote /);
    const line = lines[1]!;
    assert.match(line, /^Dice vs case_seg\.nii\.gz: WT \S+ \(.*\), TC \S+ \(.*\), ET \S+ \(.*\)$/);
    assertScore(line, 'WT', mask.data, reference, [1, 2, 4]);
    assertScore(line, 'TC', mask.data, reference, [1, 4]);
    assertScore(line, 'ET', mask.data, reference, [4]);
    const wt = expectedDice(mask.data, reference, [1, 2, 4]).dice;
    assert.ok(wt > 0 && wt < 1, `the reference was built to score between 0 and 1, WT is ${wt}`);
    assert.doesNotMatch(r.stderr, /^note:/m, 'a BraTS reference holds only labels the model writes');
  });

  it('one 2023 `-t2f` file without --model: the bundled model and the siblings, the same mask', async () => {
    const out = join(work, 'from_t2f.nii.gz');
    const r = cli(['segment', join(case23Dir, 'B-t2f.nii.gz'), '-o', out, ...cpu], bundledDir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^channels: flair ← B-t2f\.nii\.gz, t1ce ← B-t1c\.nii\.gz, t1 ← B-t1n\.nii\.gz, t2 ← B-t2w\.nii\.gz$/m);
    assert.match(r.stderr, /^swinunetr_f12 \(bundled\): 80×48×40 × 4 channels/m);
    assert.deepEqual((await readNiftiFile(out)).data, explicit.data);
    assert.doesNotMatch(r.stdout, /Dice/, 'no --label, no Dice');
  });

  it('a softmax model scores each label, naming labels the model never writes', async () => {
    const out = join(work, 'softmax_mask.nii.gz');
    const r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', softmax, '-o', out, '--label', refPath, ...cpu], undefined);
    assert.equal(r.status, 0, r.stderr);
    const mask = await readNiftiFile(out);
    const line = diceLineOf(r);
    assert.match(line, /^Dice vs case_seg\.nii\.gz: class 1 \(1\) \S+ \(pred \d+, ref \d+ voxels\), class 2 \(2\) \S+ \(pred \d+, ref \d+ voxels\), label 4 \S+ \(pred 0, ref \d+ voxels\)$/);
    for (const [name, label] of [['class 1 (1)', 1], ['class 2 (2)', 2], ['label 4', 4]] as const) assertScore(line, name, mask.data, reference, [label]);
    const fours = reference.filter((v) => v === 4).length;
    assert.match(r.stderr, new RegExp(`^note: .*case_seg\\.nii\\.gz: the reference holds label 4 \\(${fours} voxels\\) that the model never writes$`, 'm'));
  });
});

describe('swinfuse segment refuses clearly', () => {
  const out = (): string => join(work, 'never.nii.gz');

  it('a reference on another grid names the file and what differs, before any inference', () => {
    let r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', brats, '-o', out(), '--label', join(fixtures, 'shifted_t2.nii.gz')], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*shifted_t2\.nii\.gz: the reference label mask is not on .*case_flair\.nii\.gz's voxel grid: its origin is offset by \(2, 0, 0\) mm/m);
    r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', brats, '-o', out(), '--label', join(fixtures, 'small_t2.nii.gz')], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*small_t2\.nii\.gz: the reference label mask is not on .*voxel grid: its shape is 76×48×40, not 80×48×40/m);
    assert.doesNotMatch(r.stderr, /windows/, 'refused before running');
  });

  it('a reference that holds values that are not labels, and one that is the output', () => {
    let r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', brats, '-o', out(), '--label', join(caseDir, 'case_t2.nii.gz')], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*case_t2\.nii\.gz: the reference label mask holds -?\d+ \(\d+ voxels\), which is not a label/m);
    r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', brats, '-o', out(), '--label', out()], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /never\.nii\.gz is the --label reference; segment never writes over its inputs/);
  });

  it('one BraTS file whose siblings are not all there says which channels are missing', () => {
    const lonely = join(work, 'lonely');
    mkdirSync(lonely);
    copyFileSync(join(caseDir, 'case_flair.nii.gz'), join(lonely, 'x_flair.nii.gz'));
    copyFileSync(join(caseDir, 'case_t1.nii.gz'), join(lonely, 'x_t1.nii.gz'));
    const r = cli(['segment', join(lonely, 'x_flair.nii.gz'), '--model', brats, '-o', out()], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: the model takes 4 channels \(flair, t1ce, t1, t2\); .*x_flair\.nii\.gz has 1, and no sibling beside it holds t1ce, t2 \(looked for x_t1ce\.nii\.gz or x_t1c\.nii\.gz; x_t2\.nii\.gz or x_t2w\.nii\.gz, in any letter case and spelling\)/);
  });

  it('an output that is a sibling found beside the image is refused', () => {
    const target = join(caseDir, 'case_t2.nii.gz');
    const r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '--model', brats, '-o', target], undefined);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${basename(target).replace(/\./g, '\\.')} is an input image; segment never writes over its inputs`));
  });

  it('the bundled model is looked for at <package root>/models/swinfuse-demo/swinfuse-demo.onnx', () => {
    // From the sources (this process, under tsx) and from the built dist/cli.js alike: both walk up to package.json.
    const want = join(repoRoot, 'models', 'swinfuse-demo', 'swinfuse-demo.onnx');
    const saved = process.env.SWINFUSE_BUNDLED_MODELS;
    delete process.env.SWINFUSE_BUNDLED_MODELS;
    try {
      assert.equal(bundledModelPath(), want);
    } finally {
      if (saved !== undefined) process.env.SWINFUSE_BUNDLED_MODELS = saved;
    }
    if (existsSync(want)) return; // the real model is there: the CLI would run it, nothing to refuse
    const r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '-o', out()], undefined);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`the bundled model models/swinfuse-demo/swinfuse-demo.onnx is missing (looked for ${want})`), r.stderr);
  });

  it('no --model and no bundled model: the error names the bundled path', () => {
    const empty = join(work, 'no-models');
    mkdirSync(empty);
    const r = cli(['segment', join(caseDir, 'case_flair.nii.gz'), '-o', out()], empty);
    assert.equal(r.status, 2);
    const looked = join(empty, 'swinfuse-demo', 'swinfuse-demo.onnx');
    assert.equal(r.stderr.trim(), `error: no --model given and the bundled model models/swinfuse-demo/swinfuse-demo.onnx is missing ` +
      `(looked for ${looked}); give --model MODEL.onnx, a model written by swinfuse import (see swinfuse --help)`);
  });
});
