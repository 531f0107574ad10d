// swinfuse infer against MONAI's sliding_window_inference, and the errors and device choices every inference shares.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { cudaProviderMissing } from '../src/core/inference';
import { readNpyFile } from '../src/core/npy';
import { runCli } from './helpers/cli';
import { importFixtureModel, modelFixtures } from './helpers/fixture-models';
import { maxAbsDiff } from './helpers/ort-run';

/** Windows take about a second each here; other test files share the two cores. */
const INFERENCE_TIMEOUT = 180_000;
const work = mkdtempSync(join(tmpdir(), 'swinfuse-infer-'));
after(() => rmSync(work, { recursive: true, force: true }));
const models: Record<string, string> = {};
before(() => {
  for (const name of ['swinunetr_f12', 'swinfuse_f12']) models[name] = importFixtureModel(name, work);
});

const ortRoot = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const cudaMissing = cudaProviderMissing({ binDir: join(ortRoot, 'bin', 'napi-v6', process.platform, process.arch) });

// Bounds about 10× the max abs error measured (Intel Xeon, onnxruntime 1.30, 2 threads): swinunetr_f12 3.2e-5,
// swinfuse_f12 1.05e-5.
const INFER_BOUND: Record<string, number> = { swinunetr_f12: 3.2e-4, swinfuse_f12: 1.1e-4 };

describe('swinfuse infer reproduces MONAI sliding_window_inference', () => {
  for (const name of ['swinunetr_f12', 'swinfuse_f12']) {
    it(`${name}.sw.x.npy → within ${INFER_BOUND[name]} of ${name}.sw.y.npy`, async (t) => {
      const out = join(work, `${name}.sw.out.npy`);
      const r = runCli(['infer', '--model', models[name]!, '--npy-in', join(modelFixtures, `${name}.sw.x.npy`),
        '--npy-out', out, '--overlap', '0.5', '--device', 'cpu', '--threads', '2'], INFERENCE_TIMEOUT);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^wrote .* \(1, 3, \d+, \d+, \d+\) from \d+ windows on cpu/);
      assert.match(r.stderr, /windows (\d+)\/\1/, 'progress reaches the last window');
      const got = await readNpyFile(out);
      const want = await readNpyFile(join(modelFixtures, `${name}.sw.y.npy`));
      assert.deepEqual(got.shape, want.shape);
      const diff = maxAbsDiff(got.data as Float32Array, want.data as Float32Array);
      t.diagnostic(`max |ours - MONAI| = ${diff.toExponential(2)}`);
      assert.ok(diff < INFER_BOUND[name]!, `max |ours - MONAI| = ${diff}`);
    });
  }

  it('a different overlap gives different blending (the option reaches the worker)', async () => {
    const out = join(work, 'overlap.npy');
    // 100×72 voxels: windows start at D 0, 32, 36 with overlap 0.5 (6 windows) but at D 0, 36 with 0.25 (4).
    const r = runCli(['infer', '--model', models.swinunetr_f12!, '--npy-in', join(modelFixtures, 'swinunetr_f12.sw.x.npy'),
      '--npy-out', out, '--overlap', '0.25', '--device', 'cpu'], INFERENCE_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, / from 4 windows /);
    const got = await readNpyFile(out);
    const want = await readNpyFile(join(modelFixtures, 'swinunetr_f12.sw.y.npy'));
    assert.ok(maxAbsDiff(got.data as Float32Array, want.data as Float32Array) > 1e-3);
  });
});

describe('inference errors are clear', () => {
  const x = join(modelFixtures, 'swinunetr_f12.sw.x.npy');

  it('a missing model file', () => {
    const missing = join(work, 'nope.onnx');
    const r = runCli(['infer', '--model', missing, '--npy-in', x, '--npy-out', join(work, 'o.npy')]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `error: ${missing}: no such model file`);
  });

  it('a corrupt ONNX file (truncated)', () => {
    const bad = join(work, 'truncated.onnx');
    writeFileSync(bad, readFileSync(models.swinunetr_f12!).subarray(0, 5000));
    copyFileSync(models.swinunetr_f12!.replace(/onnx$/, 'json'), bad.replace(/onnx$/, 'json'));
    const r = runCli(['infer', '--model', bad, '--npy-in', x, '--npy-out', join(work, 'o.npy'), '--device', 'cpu']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid ONNX model \\(protobuf parsing failed`));
  });

  it('a text file named .onnx', () => {
    const bad = join(work, 'text.onnx');
    writeFileSync(bad, 'this is not a model\n');
    const r = runCli(['infer', '--model', bad, '--npy-in', x, '--npy-out', join(work, 'o.npy'), '--device', 'cpu']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /text\.onnx: not a valid ONNX model/);
  });

  it('an array whose channel count the model does not take', async () => {
    const { encodeNpy } = await import('../src/core/npy');
    const two = join(work, 'two.npy');
    writeFileSync(two, encodeNpy([1, 2, 40, 40, 40], new Float32Array(2 * 40 ** 3)));
    const r = runCli(['infer', '--model', models.swinunetr_f12!, '--npy-in', two, '--npy-out', join(work, 'o.npy'), '--device', 'cpu']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: the model takes 4 input channels, the array has 2$/m);
  });

  it('bad options point at --help', () => {
    for (const [args, message] of [
      [['--overlap', '1'], /--overlap must be at least 0 and below 1/],
      [['--device', 'gpu'], /--device must be auto, cpu or cuda/],
      [['--threads', '0'], /--threads must be a positive whole number/],
    ] as const) {
      const r = runCli(['infer', '--model', models.swinunetr_f12!, '--npy-in', x, '--npy-out', join(work, 'o.npy'), ...args]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /see swinfuse --help/);
    }
  });
});

describe('device choice', { skip: cudaMissing ? false : 'the CUDA provider is installed here' }, () => {
  const x = join(modelFixtures, 'swinfuse_f12.sw.x.npy');

  it('--device cuda without a CUDA provider is a clear error', () => {
    const r = runCli(['infer', '--model', models.swinfuse_f12!, '--npy-in', x, '--npy-out', join(work, 'cuda.npy'), '--device', 'cuda']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: CUDA was requested but the CUDA provider is not installed .*npm run install:cuda/m);
  });

  it('--device auto falls back to CPU and says why', () => {
    const r = runCli(['infer', '--model', models.swinfuse_f12!, '--npy-in', x, '--npy-out', join(work, 'auto.npy'), '--device', 'auto'], INFERENCE_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^device: CPU \(auto: the CUDA provider is not installed/m);
    assert.match(r.stdout, / on cpu /);
  });
});
