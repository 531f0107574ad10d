// The bundled default model and its sample, as a new user meets them: the README's main command segments the
// sample with the bundled model and prints the Dice against the sample's label. The Dice is recomputed here from
// the written mask, voxel by voxel, per region, and each must stay within a stated margin of the README's figure.
// Channel files given in another order are matched by name, so they give the same mask.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelCard } from '../src/core/inference';
import { readNiftiFile, writeNiftiFile } from '../src/core/nifti';
import { runCli } from './helpers/cli';
import { repoRoot } from './helpers/paths';

const model = resolve(repoRoot, 'models', 'swinfuse-demo', 'swinfuse-demo.onnx');
const sample = resolve(repoRoot, 'models', 'swinfuse-demo', 'sample');
const out = mkdtempSync(join(tmpdir(), 'swinfuse-shipped-'));
after(() => rmSync(out, { recursive: true, force: true }));

describe('the bundled swinfuse-demo model', () => {
  it('is a 4-channel BraTS SwinFUSE within 40 MB, its card saying how it was made', () => {
    assert.ok(statSync(model).size <= 40 * 2 ** 20, `${statSync(model).size} bytes`);
    const card = readModelCard(model);
    assert.equal(card.arch, 'swinfuse');
    assert.deepEqual(card.channels, ['flair', 't1ce', 't1', 't2']);
    assert.equal(card.labels.scheme, 'brats');
    const recipe = card.lineage[0] as { pretrain?: { modalities?: string[] }; caveat?: string };
    assert.deepEqual(recipe.pretrain?.modalities, ['t1', 't1ce', 't2', 'flair', 'ct']);
    assert.match(recipe.caveat ?? '', /not a clinical model/);
  });

  // The README's figures for the sample (Quick start, The default model): a drift past the margin fails, in either
  // direction, so a regression in one region cannot hide behind another. Measured run to run: identical at 2 threads.
  const README_DICE = { WT: 0.989, TC: 0.986, ET: 0.972 };
  const MARGIN = 0.01;
  let readmeMask: Uint8Array | undefined;

  it('segments the sample with the README main command: WT, TC and ET within 0.01 of the README, the printed Dice matching the mask', { timeout: 300_000 }, async () => {
    const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
    const command = 'node dist/cli.js segment models/swinfuse-demo/sample/sample_flair.nii.gz -o out/sample-mask.nii.gz ' +
      '--label models/swinfuse-demo/sample/sample_seg.nii.gz';
    assert.ok(readme.includes(command), 'the README shows this command');
    for (const [region, value] of Object.entries(README_DICE)) {
      assert.ok(readme.includes(`${region} ${value.toFixed(3)}`), `the README states the sample's ${region} as ${value}`);
    }
    const mask = join(out, 'sample-mask.nii.gz');
    const r = runCli(['segment', join(sample, 'sample_flair.nii.gz'), '-o', mask, '--label', join(sample, 'sample_seg.nii.gz')], 280_000);
    assert.equal(r.status, 0, r.stderr);
    const predicted = (await readNiftiFile(mask)).data as Uint8Array;
    const reference = (await readNiftiFile(join(sample, 'sample_seg.nii.gz'))).data;
    readmeMask = predicted;
    for (const [region, labels] of Object.entries(REGIONS)) {
      const printed = new RegExp(`${region} (\\d\\.\\d+) \\(pred (\\d+), ref (\\d+) voxels\\)`).exec(r.stdout);
      assert.ok(printed, `${region} in: ${r.stdout}`);
      const { dice, p, ref } = regionDice(predicted, reference, labels);
      assert.equal(Number(printed[2]), p, `${region} predicted voxels`);
      assert.equal(Number(printed[3]), ref, `${region} reference voxels`);
      assert.ok(Math.abs(Number(printed[1]) - dice) < 1e-3, `${region}: printed ${printed[1]}, computed ${dice}`);
      const want = README_DICE[region as keyof typeof README_DICE];
      assert.ok(Math.abs(dice - want) <= MARGIN, `${region} Dice ${dice.toFixed(3)} on the sample, the README says ${want}`);
    }
  });

  it('gives the same mask, voxel for voxel, from the four channel files named in a shuffled order', { timeout: 300_000 }, async () => {
    assert.ok(readmeMask, 'the README command ran first');
    const mask = join(out, 'shuffled-mask.nii.gz');
    const shuffled = ['t1', 't2', 'flair', 't1ce'].map((c) => join(sample, `sample_${c}.nii.gz`));
    const r = runCli(['segment', ...shuffled, '-o', mask], 280_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /channels: flair ← .*sample_flair\.nii\.gz \(by name\), t1ce ← .*sample_t1ce\.nii\.gz \(by name\), t1 ← .*sample_t1\.nii\.gz \(by name\), t2 ← .*sample_t2\.nii\.gz \(by name\)/);
    const data = (await readNiftiFile(mask)).data as Uint8Array;
    let differing = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== readmeMask[i]) differing++;
    assert.equal(differing, 0, `${differing} voxels differ from the mask of the files in the card's order`);
  });

  it('--brats-labels 2023 writes enhancing tumour as 3, and a BraTS 2023 reference is read as such: the same mask and Dice', { timeout: 300_000 }, async () => {
    assert.ok(readmeMask, 'the README command ran first');
    // The sample's label renumbered to BraTS 2023 (4 → 3), on the sample's grid.
    const seg = await readNiftiFile(join(sample, 'sample_seg.nii.gz'));
    const ref2023 = join(out, 'sample_seg_2023.nii.gz');
    await writeNiftiFile(ref2023, { shape: seg.shape, data: Uint8Array.from(seg.data as Uint8Array, (v) => (v === 4 ? 3 : v)), geometry: seg.header, intentCode: 1002 });
    const mask = join(out, 'mask-2023.nii.gz');
    const r = runCli(['segment', join(sample, 'sample_flair.nii.gz'), '-o', mask, '--brats-labels', '2023', '--label', ref2023], 280_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /enhancing tumor \(3\)/);
    const data = (await readNiftiFile(mask)).data as Uint8Array;
    let differing = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== (readmeMask[i] === 4 ? 3 : readmeMask[i])) differing++;
    assert.equal(differing, 0, 'the 2021 mask with 4 written as 3');
    for (const [region, value] of Object.entries(README_DICE)) assert.match(r.stdout, new RegExp(`${region} ${value.toFixed(3)}`), `${region} as in the README`);
    // And the 2021 mask against the 2023 reference: read in its own convention, not counted as missed.
    const cross = runCli(['segment', join(sample, 'sample_flair.nii.gz'), '-o', join(out, 'mask-2021.nii.gz'), '--label', ref2023], 280_000);
    assert.match(cross.stderr, /read as BraTS 2023 labels \(enhancing tumour 3\); the mask is written in BraTS 2021 labels \(4\)/);
    assert.match(cross.stdout, new RegExp(`ET ${README_DICE.ET.toFixed(3)}`));
  });

  it('refuses two files of one contrast rather than guess', () => {
    const files = ['flair', 't1', 't1', 't2'].map((c) => join(sample, `sample_${c}.nii.gz`));
    const r = runCli(['segment', ...files, '-o', join(out, 'never.nii.gz')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*sample_t1\.nii\.gz and .*sample_t1\.nii\.gz both name t1/m);
  });
});

/** BraTS evaluation regions as label sets: WT every tumour label, TC without edema, ET enhancing (4). */
const REGIONS: Record<string, readonly number[]> = { WT: [1, 2, 4], TC: [1, 4], ET: [4] };

function regionDice(predicted: ArrayLike<number>, reference: ArrayLike<number | bigint>, labels: readonly number[]) {
  let p = 0, ref = 0, both = 0;
  for (let i = 0; i < predicted.length; i++) {
    const a = labels.includes(Number(predicted[i])) ? 1 : 0;
    const b = labels.includes(Number(reference[i])) ? 1 : 0;
    p += a;
    ref += b;
    both += a & b;
  }
  return { dice: p + ref === 0 ? 1 : (2 * both) / (p + ref), p, ref };
}
