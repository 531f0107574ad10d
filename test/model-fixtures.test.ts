// The tiny MONAI fixtures end to end: `swinfuse import` the real torch.save checkpoints, run the ONNX in
// onnxruntime-node, and land on the outputs MONAI's PyTorch code computed. Each bound is about 10× the max abs error
// measured (Intel Xeon, onnxruntime 1.30, 2 threads), stated beside it, so numeric drift shows long before it matters.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadCheckpointFile, toFloat32 } from '../src/core/checkpoint';
import { buildSegmentationModel } from '../src/core/models';
import { readNpyFile } from '../src/core/npy';
import { serializeModel } from '../src/core/onnx';
import { runCli } from './helpers/cli';
import { maxAbsDiff } from './helpers/ort-run';
import { importArgs, modelFixtures } from './helpers/fixture-models';

const models = modelFixtures;
const work = mkdtempSync(join(tmpdir(), 'swinfuse-models-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function forward(model: string, x: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
  try {
    const out = await session.run({ image: new ort.Tensor('float32', x, dims) });
    return { data: out.logits!.data as Float32Array, dims: out.logits!.dims };
  } finally {
    await session.release();
  }
}

async function npyFloat(path: string): Promise<{ data: Float32Array; shape: number[] }> {
  const a = await readNpyFile(path);
  assert.equal(a.dtype, 'float32');
  return { data: a.data as Float32Array, shape: [...a.shape] };
}

describe('MONAI fixtures through swinfuse import and onnxruntime-node', () => {
  for (const name of ['swinunetr_f12', 'swinfuse_f12']) {
    const model = join(work, `${name}.onnx`);

    it(`imports ${name}.pt and writes its model card`, () => {
      const r = runCli(importArgs(name, model));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^wrote .*\.onnx \(\d+\.\d MiB\) and .*\.json/);
      const card = JSON.parse(readFileSync(join(work, `${name}.json`), 'utf8'));
      const c = JSON.parse(readFileSync(join(models, `${name}.json`), 'utf8')) as { arch: string; roi: number };
      assert.equal(card.arch, c.arch);
      assert.equal(card.roi, c.roi);
      assert.equal(card.activation, 'sigmoid');
      assert.deepEqual(card.channels, ['flair', 't1ce', 't1', 't2']);
      assert.deepEqual(card.labels.labelMap, { ET: 4, TC: 1, WT: 2 });
      assert.equal(card.orientation, 'RAS');
      assert.match(card.source.sha256, /^[0-9a-f]{64}$/);
      assert.ok(statSync(model).size > 1e6);
    });

    // Measured: swinunetr_f12 6.9e-6, swinfuse_f12 6.7e-6 (outputs up to 3.3 in magnitude).
    it(`${name}: every output value within 7e-5 of MONAI's`, async (t) => {
      const x = await npyFloat(join(models, `${name}.x.npy`));
      const y = await npyFloat(join(models, `${name}.y.npy`));
      const out = await forward(model, x.data, x.shape);
      assert.deepEqual([...out.dims], y.shape);
      const err = maxAbsDiff(out.data, y.data);
      t.diagnostic(`max abs error ${err.toExponential(2)}`);
      assert.ok(err < 7e-5, `max abs error ${err}`);
    });
  }

  // Measured: 7.0e-6.
  it("swinfuse_f12: the first item alone matches y1 (the DIM attends across the batch)", async (t) => {
    const x = await npyFloat(join(models, 'swinfuse_f12.x.npy'));
    const y1 = await npyFloat(join(models, 'swinfuse_f12.y1.npy'));
    const first = x.data.slice(0, x.data.length / x.shape[0]!);
    const out = await forward(join(work, 'swinfuse_f12.onnx'), first, [1, ...x.shape.slice(1)]);
    const err = maxAbsDiff(out.data, y1.data);
    t.diagnostic(`max abs error ${err.toExponential(2)}`);
    assert.ok(err < 7e-5, `max abs error ${err}`);
    // And batch composition matters: item 0 of the batch of 2 is not item 0 alone.
    const y = await npyFloat(join(models, 'swinfuse_f12.y.npy'));
    assert.ok(maxAbsDiff(y.data.subarray(0, y1.data.length), y1.data) > 1e-3);
  });

  // Measured: 6.4e-6.
  it('the straightforward ("literal") graph, kept for bench:model, computes the same', async (t) => {
    const dict = await loadCheckpointFile(join(models, 'swinunetr_f12.pt'));
    const graph = buildSegmentationModel({ arch: 'swinunetr', inChannels: 4, outChannels: 3, featureSize: 12, roi: 64 },
      (k) => ({ shape: dict.get(k)!.shape, data: toFloat32(dict.get(k)!) }), { style: 'literal' });
    const file = join(work, 'literal.onnx');
    writeFileSync(file, serializeModel(graph));
    const x = await npyFloat(join(models, 'swinunetr_f12.x.npy'));
    const y = await npyFloat(join(models, 'swinunetr_f12.y.npy'));
    const err = maxAbsDiff((await forward(file, x.data, x.shape)).data, y.data);
    t.diagnostic(`max abs error ${err.toExponential(2)}`);
    assert.ok(err < 7e-5, `max abs error ${err}`);
  });

  // Measured: 1.7e-3 (the weights' float16 rounding, carried through the network); bound 1.7e-2.
  it('float16 weights: half the file, outputs close', async (t) => {
    const model = join(work, 'swinunetr_f16.onnx');
    const r = runCli([...importArgs('swinunetr_f12', model), '--float16']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(statSync(model).size < 0.6 * statSync(join(work, 'swinunetr_f12.onnx')).size);
    const card = JSON.parse(readFileSync(join(work, 'swinunetr_f16.json'), 'utf8'));
    assert.equal(card.weightsDtype, 'float16');
    const x = await npyFloat(join(models, 'swinunetr_f12.x.npy'));
    const y = await npyFloat(join(models, 'swinunetr_f12.y.npy'));
    const err = maxAbsDiff((await forward(model, x.data, x.shape)).data, y.data);
    t.diagnostic(`float16 max abs error ${err.toExponential(2)}`);
    assert.ok(err < 1.7e-2, `float16 max abs error ${err}`);
  });

  it('refuses a checkpoint that does not fit the requested model, listing the keys and hinting the arch', () => {
    const args = importArgs('swinfuse_f12', join(work, 'wrong.onnx')).map((a) => (a === 'swinfuse' ? 'swinunetr' : a));
    const dimAt = args.indexOf('--dim-heads');
    args.splice(dimAt, 2);
    const r = runCli(args);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*swinfuse_f12\.pt: .*8 unexpected keys: swinViT\.mh1\.in_proj_weight.*try --arch swinfuse/);
  });

  it('refuses wrong shapes with expected and actual shapes', () => {
    const args = importArgs('swinunetr_f12', join(work, 'wrong.onnx')).map((a, i, all) => (all[i - 1] === '--feature-size' ? '24' : a));
    const r = runCli(args);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /keys with the wrong shape: swinViT\.patch_embed\.proj\.weight \(expected \[24, 4, 2, 2, 2\], got \[12, 4, 2, 2, 2\]\)/);
  });

  it('clear usage errors', () => {
    assert.match(runCli(['import', 'x.pt', '--arch', 'unet']).stderr, /^error: --arch must be swinunetr or swinfuse/);
    assert.match(runCli(['import', 'x.pt', '--arch', 'swinunetr', '--in-channels', '4', '--out-channels', '3', '--feature-size', '12', '--roi', '60', '-o', 'm.onnx']).stderr, /roi 60 must be divisible by 32/);
    assert.match(runCli(['import', join(work, 'nope.pt'), '--arch', 'swinunetr', '--in-channels', '4', '--out-channels', '3', '--feature-size', '12', '--roi', '64', '-o', join(work, 'm.onnx')]).stderr, /nope\.pt: no such file/);
  });
});
