// The bundled default model and its sample, as a new user meets them: the README's main command segments the
// sample with the bundled model and prints the Dice against the sample's label. The Dice is recomputed here from
// the written mask, voxel by voxel, and WT must reach 0.8 (the bar on generated cases).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelCard } from '../src/core/inference';
import { readNiftiFile } from '../src/core/nifti';
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

  it('segments the sample with the README main command, WT Dice ≥ 0.8, the printed Dice matching the mask', { timeout: 300_000 }, async () => {
    const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
    const command = 'node dist/cli.js segment models/swinfuse-demo/sample/sample_flair.nii.gz -o out/sample-mask.nii.gz ' +
      '--label models/swinfuse-demo/sample/sample_seg.nii.gz';
    assert.ok(readme.includes(command), 'the README shows this command');
    const mask = join(out, 'sample-mask.nii.gz');
    const r = runCli(['segment', join(sample, 'sample_flair.nii.gz'), '-o', mask, '--label', join(sample, 'sample_seg.nii.gz')], 280_000);
    assert.equal(r.status, 0, r.stderr);
    const printed = /WT (\d\.\d+) \(pred (\d+), ref (\d+) voxels\)/.exec(r.stdout);
    assert.ok(printed, r.stdout);
    const predicted = (await readNiftiFile(mask)).data;
    const reference = (await readNiftiFile(join(sample, 'sample_seg.nii.gz'))).data;
    let p = 0, ref = 0, both = 0;
    for (let i = 0; i < predicted.length; i++) {
      const a = Number(predicted[i]) !== 0 ? 1 : 0;
      const b = Number(reference[i]) !== 0 ? 1 : 0;
      p += a;
      ref += b;
      both += a & b;
    }
    const wt = (2 * both) / (p + ref);
    assert.equal(Number(printed[2]), p);
    assert.equal(Number(printed[3]), ref);
    assert.ok(Math.abs(Number(printed[1]) - wt) < 1e-3, `printed ${printed[1]}, computed ${wt}`);
    assert.ok(wt >= 0.8, `WT Dice ${wt.toFixed(3)} on the sample`);
  });
});
