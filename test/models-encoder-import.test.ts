// `swinfuse import --encoder-only` on the two layouts pre-trained encoders come in (made with torch from the MONAI
// fixture weights: test/fixtures/checkpoint/training_checkpoints.py): the paper's SSLHead output and MONAI's
// model_swinvit.pt. The encoder arrives exactly as saved (a single-channel patch embedding spread over the model's
// channels), the decoder starts fresh and seeded, the card says it is untrained, Segment refuses it, and fine-tuning
// the decoder makes it a model that segments.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCheckpointFile, toFloat32 } from '../src/core/checkpoint';
import { readStoredModel } from '../src/core/onnx';
import { runCli } from './helpers/cli';
import { importArgs, modelFixtures } from './helpers/fixture-models';
import { caseLabels, readCaseImage, segmentFixtures, writeCaseMask } from './helpers/finetune-case';
import { python, pythonSkip } from './helpers/python-reference';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-encoder-'));
after(() => rmSync(work, { recursive: true, force: true }));
const SCRIPT = join(import.meta.dirname, 'fixtures', 'checkpoint', 'training_checkpoints.py');
const base = ['--in-channels', '4', '--out-channels', '3', '--feature-size', '12', '--roi', '64'];
const FUSE = ['--arch', 'swinfuse', ...base, '--dim-heads', '4'];
const UNETR = ['--arch', 'swinunetr', ...base];
const stored = (path: string) => readStoredModel(readFileSync(path), path).weights;
const card = (path: string) => JSON.parse(readFileSync(path.replace(/\.onnx$/, '.json'), 'utf8'));

describe('importing a pre-trained encoder only', { skip: pythonSkip('torch') }, () => {
  before(async () => {
    const image = await readCaseImage();
    await writeCaseMask(join(work, 'label.nii.gz'), image, caseLabels(image.shape));
    const r = spawnSync(python, [SCRIPT, work], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['swinfuse_f12', 'swinunetr_f12']) {
      const imported = runCli(importArgs(name, join(work, `${name}.onnx`)), 120_000);
      assert.equal(imported.status, 0, imported.stderr);
    }
  });

  it('the paper\'s SSLHead output: the encoder (DIM included) exactly, the heads and optimizer left out, a fresh seeded decoder', () => {
    const model = join(work, 'from-ssl.onnx');
    const r = runCli(['import', join(work, 'ssl_head.pt'), '--encoder-only', ...FUSE, '-o', model], 120_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /left out epoch, optimizer: not model weights/);
    assert.match(r.stderr, /took the encoder only, left out rotation_head, contrastive_head, conv/);
    assert.match(r.stdout, /its decoder is untrained/);
    const c = card(model);
    assert.equal(c.decoderTrained, false);
    assert.equal(c.lineage[0].kind, 'encoder-import');
    assert.equal(c.lineage[0].layout, 'ssl-head');
    const ours = stored(model);
    const reference = stored(join(work, 'swinfuse_f12.onnx'));
    let encoder = 0;
    let decoderSame = 0;
    for (const [name, w] of reference) {
      const mine = ours.get(name)!;
      assert.ok(mine, name);
      if (name.startsWith('swinViT.')) {
        assert.deepEqual(mine.data, w.data, `${name} is the pre-trained weight`);
        encoder++;
      } else if (/^(encoder|decoder|out)/.test(name) && mine.data.every((v, i) => v === w.data[i])) decoderSame++;
    }
    assert.ok(encoder > 50, `${encoder} encoder weights compared`);
    assert.equal(decoderSame, 0, 'no decoder weight is the fixture\'s: the decoder is fresh');
    // Seeded: the same seed gives the same decoder, another seed another.
    const again = join(work, 'from-ssl-again.onnx');
    const other = join(work, 'from-ssl-seed1.onnx');
    assert.equal(runCli(['import', join(work, 'ssl_head.pt'), '--encoder-only', ...FUSE, '-o', again], 120_000).status, 0);
    assert.equal(runCli(['import', join(work, 'ssl_head.pt'), '--encoder-only', ...FUSE, '--seed', '1', '-o', other], 120_000).status, 0);
    assert.deepEqual(stored(again).get('out.conv.conv.weight')!.data, ours.get('out.conv.conv.weight')!.data);
    assert.notDeepEqual(stored(other).get('out.conv.conv.weight')!.data, ours.get('out.conv.conv.weight')!.data);
  });

  it('MONAI\'s model_swinvit.pt: fc1/fc2 names read, its one-channel patch embedding spread over four channels', async () => {
    const model = join(work, 'from-swinvit.onnx');
    const r = runCli(['import', join(work, 'model_swinvit.pt'), '--encoder-only', ...UNETR, '-o', model], 120_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /patch embedding takes 1 channel; spread over 4 \(each w\/4\)/);
    assert.equal(card(model).lineage[0].layout, 'monai-swinvit');
    const ours = stored(model);
    const reference = stored(join(work, 'swinunetr_f12.onnx'));
    for (const [name, w] of reference) {
      if (!name.startsWith('swinViT.') || name === 'swinViT.patch_embed.proj.weight') continue;
      assert.deepEqual(ours.get(name)!.data, w.data, name);
    }
    // Each of the four input channels gets channel 0's filter of the fixture, divided by 4.
    const original = toFloat32((await loadCheckpointFile(join(modelFixtures, 'swinunetr_f12.pt'))).get('swinViT.patch_embed.proj.weight')!);
    const embed = ours.get('swinViT.patch_embed.proj.weight')!;
    assert.deepEqual(embed.shape, [12, 4, 2, 2, 2]);
    for (let o = 0; o < 12; o++) for (let c = 0; c < 4; c++) for (let i = 0; i < 8; i++) {
      assert.equal(embed.data[(o * 4 + c) * 8 + i], Math.fround(original[(o * 4 + 0) * 8 + i]! / 4));
    }
  });

  it('Segment refuses the untrained model; fine-tuning its decoder makes one that segments', () => {
    const model = join(work, 'from-ssl.onnx');
    const scan = join(segmentFixtures, 'ras_4d.nii.gz');
    const mask = join(work, 'never.nii.gz');
    let r = runCli(['segment', scan, '--model', model, '-o', mask]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*decoder and output head are untrained \(imported with --encoder-only\)/);
    // The fixture case's lesion as the label (drawn from the fixture script's own formulas: helpers/finetune-case.ts).
    const tuned = join(work, 'tuned.onnx');
    r = runCli(['finetune', scan, '--mask', join(work, 'label.nii.gz'), '--model', model, '-o', tuned, '--steps', '1', '--train', 'decoder'], 240_000);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(card(tuned).decoderTrained, undefined, 'trained now');
    r = runCli(['segment', scan, '--model', tuned, '-o', join(work, 'mask.nii.gz')], 240_000);
    assert.equal(r.status, 0, r.stderr);
  });
});
