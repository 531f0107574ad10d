// guessModelConfig against the MONAI fixtures: the config MONAI built each checkpoint with (NAME.json) is the
// reference; and state dicts that are not laid out like a Swin UNETR are refused with the file and what is missing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CheckpointError, checkStateDict, loadCheckpointFile } from '../src/core/checkpoint';
import { expectedStateDict, guessModelConfig, type ShapeDict } from '../src/core/models';
import { modelFixtures } from './helpers/fixture-models';
import { EMPTY_DICT, PickleWriter, SETITEM, torchZip } from './helpers/pickle-builder';

interface FixtureConfig { arch: string; in_channels: number; out_channels: number; feature_size: number; roi: number; dim_heads?: number }
const fixtureConfig = (name: string): FixtureConfig => JSON.parse(readFileSync(join(modelFixtures, `${name}.json`), 'utf8'));

const work = mkdtempSync(join(tmpdir(), 'swinfuse-guess-'));
after(() => rmSync(work, { recursive: true, force: true }));

function refuses(run: () => unknown, file: string, problem: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof CheckpointError, `a CheckpointError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.ok(err.message.startsWith(`${file}: `), err.message);
    assert.match(err.problem, problem);
    return true;
  });
}

/** Bare shapes, the minimum guessModelConfig reads. */
const shapes = (entries: Record<string, number[]>): ShapeDict => new Map(Object.entries(entries).map(([k, shape]) => [k, { shape }]));

describe('guessModelConfig on the MONAI fixtures', () => {
  for (const name of ['swinfuse_f12', 'swinunetr_f12']) {
    it(`${name}.pt: arch, channels and feature size are those MONAI built it with`, async () => {
      const file = join(modelFixtures, `${name}.pt`);
      const dict = await loadCheckpointFile(file);
      const guess = guessModelConfig(dict, file);
      const c = fixtureConfig(name);
      assert.equal(guess.arch, c.arch);
      assert.equal(guess.inChannels, c.in_channels);
      assert.equal(guess.outChannels, c.out_channels);
      assert.equal(guess.featureSize, c.feature_size);
      // SwinFUSE's DIM gives its roi away; SwinUNETR's weights do not depend on it.
      assert.equal(guess.roi, c.arch === 'swinfuse' ? c.roi : undefined);
      // The guess plus what the weights cannot tell (roi, DIM heads) is a config the whole state dict fits.
      const config = { arch: guess.arch, inChannels: guess.inChannels, outChannels: guess.outChannels,
        featureSize: guess.featureSize, roi: c.roi, ...(c.dim_heads ? { dimHeads: c.dim_heads } : {}) };
      checkStateDict(dict, expectedStateDict(config), file);
    });
  }

  it('reads the same numbers for other configs (C=1, K=2, F=24, SwinFUSE roi 96)', () => {
    const expected = expectedStateDict({ arch: 'swinfuse', inChannels: 1, outChannels: 2, featureSize: 24, roi: 96, dimHeads: 3 });
    const dict = new Map([...expected].map(([k, shape]) => [k, { shape }]));
    assert.deepEqual(guessModelConfig(dict, 'x.pt'), { arch: 'swinfuse', inChannels: 1, outChannels: 2, featureSize: 24, roi: 96 });
    const unetr = expectedStateDict({ arch: 'swinunetr', inChannels: 2, outChannels: 5, featureSize: 48, roi: 128 });
    assert.deepEqual(guessModelConfig(new Map([...unetr].map(([k, shape]) => [k, { shape }])), 'y.pt'),
      { arch: 'swinunetr', inChannels: 2, outChannels: 5, featureSize: 48 });
  });
});

describe('guessModelConfig refuses what is not a Swin UNETR', () => {
  it('a real torch.save archive of some other network names the file and the missing keys', async () => {
    const file = join(work, 'resnet.pt');
    const pickle = new PickleWriter().op(EMPTY_DICT)
      .str('conv1.weight').tensor('0', 8 * 3 * 3 * 3, 0, [8, 3, 3, 3], [27, 9, 3, 1]).op(SETITEM)
      .done();
    writeFileSync(file, torchZip(pickle, { 0: new Float32Array(8 * 27) }));
    const dict = await loadCheckpointFile(file);
    refuses(() => guessModelConfig(dict, file), file,
      /not a MONAI SwinUNETR\/SwinFUSE state dict: it has no swinViT\.patch_embed\.proj\.weight \(the patch embedding\) and no out\.conv\.conv\.weight \(the output head\); it holds 1 tensor, e\.g\. conv1\.weight/);
  });

  it('an empty state dict', () => {
    refuses(() => guessModelConfig(new Map(), 'empty.pt'), 'empty.pt', /it holds 0 tensors$/);
  });

  it('only the output head missing', () => {
    refuses(() => guessModelConfig(shapes({ 'swinViT.patch_embed.proj.weight': [12, 4, 2, 2, 2] }), 'a.pt'), 'a.pt',
      /it has no out\.conv\.conv\.weight \(the output head\);/);
  });

  it('a patch embedding that is not 2×2×2, or an output head that is not 1×1×1', () => {
    refuses(() => guessModelConfig(shapes({ 'swinViT.patch_embed.proj.weight': [12, 4, 4, 4, 4], 'out.conv.conv.weight': [3, 12, 1, 1, 1] }), 'b.pt'), 'b.pt',
      /swinViT\.patch_embed\.proj\.weight is \[12, 4, 4, 4, 4\]; a Swin UNETR patch embedding is \[F, C, 2, 2, 2\]/);
    refuses(() => guessModelConfig(shapes({ 'swinViT.patch_embed.proj.weight': [12, 4, 2, 2, 2], 'out.conv.conv.weight': [3, 12, 3, 3] }), 'c.pt'), 'c.pt',
      /out\.conv\.conv\.weight is \[3, 12, 3, 3\]; a Swin UNETR output head is \[K, F, 1, 1, 1\]/);
  });

  it('a patch embedding and an output head of different feature sizes', () => {
    refuses(() => guessModelConfig(shapes({ 'swinViT.patch_embed.proj.weight': [12, 4, 2, 2, 2], 'out.conv.conv.weight': [3, 24, 1, 1, 1] }), 'd.pt'), 'd.pt',
      /feature size 12 but the output head takes 24 features/);
  });

  it('a DIM whose embedding is not a square gives SwinFUSE without a roi', () => {
    const guess = guessModelConfig(shapes({
      'swinViT.patch_embed.proj.weight': [12, 4, 2, 2, 2], 'out.conv.conv.weight': [3, 12, 1, 1, 1],
      'swinViT.mh1.in_proj_weight': [30, 10],
    }), 'e.pt');
    assert.deepEqual(guess, { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 12 });
  });
});
