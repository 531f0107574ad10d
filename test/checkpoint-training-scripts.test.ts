// Checkpoints as training scripts save them (made here with torch: test/fixtures/checkpoint/training_checkpoints.py):
// the SwinFUSE paper's brats_fine_tune.py and MONAI's BRATS21 trainer, with numpy scalars, optimizer and scheduler
// state beside the weights. They import, say what they left out, and the models match MONAI's outputs for the weights
// they hold; a global that is not plain data is still refused by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readNpyFile } from '../src/core/npy';
import { runCli } from './helpers/cli';
import { modelFixtures } from './helpers/fixture-models';
import { maxAbsDiff } from './helpers/ort-run';
import { python, pythonSkip } from './helpers/python-reference';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-training-ckpt-'));
after(() => rmSync(work, { recursive: true, force: true }));
const SCRIPT = join(import.meta.dirname, 'fixtures', 'checkpoint', 'training_checkpoints.py');
const SWINUNETR = ['--arch', 'swinunetr', '--in-channels', '4', '--out-channels', '3', '--feature-size', '12', '--roi', '64'];

async function forward(model: string, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
  try {
    return (await session.run({ image: new ort.Tensor('float32', x, [1, 4, 64, 64, 64]) })).logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** training_checkpoints.py's reference_input(): sin(0.3·d + 0.2·(c + 1)·h) · cos(0.25·w − c). */
function referenceInput(): Float32Array {
  const x = new Float32Array(4 * 64 ** 3);
  let i = 0;
  for (let c = 0; c < 4; c++) for (let d = 0; d < 64; d++) for (let h = 0; h < 64; h++) for (let w = 0; w < 64; w++) {
    x[i++] = Math.sin(0.3 * d + 0.2 * (c + 1) * h) * Math.cos(0.25 * w - c);
  }
  return x;
}

describe('checkpoints as training scripts save them', { skip: pythonSkip('torch') }, () => {
  before(() => {
    const r = spawnSync(python, [SCRIPT, work], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the paper\'s brats_fine_tune.py: DataParallel keys, a numpy float32 best_acc, a LayerNorm after the patch embedding', async (t) => {
    const model = join(work, 'paper.onnx');
    const r = runCli(['import', join(work, 'paper_fine_tune.pt'), ...SWINUNETR, '-o', model], 120_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /note: .*paper_fine_tune\.pt: left out epoch, best_acc: not model weights/);
    assert.match(r.stderr, /note: .*has a LayerNorm after its patch embedding/);
    assert.equal(JSON.parse(readFileSync(join(work, 'paper.json'), 'utf8')).patchNorm, true);
    const y = await forward(model, referenceInput());
    const want = (await readNpyFile(join(import.meta.dirname, 'fixtures', 'checkpoint', 'paper_fine_tune.y.npy'))).data as Float32Array;
    let worst = 0;
    let i = 0;
    for (let c = 0; c < 3; c++) for (let d = 0; d < 64; d += 4) for (let h = 0; h < 64; h += 4) for (let w = 0; w < 64; w += 4) {
      worst = Math.max(worst, Math.abs(y[((c * 64 + d) * 64 + h) * 64 + w]! - want[i++]!));
    }
    t.diagnostic(`max |ours − MONAI| ${worst.toExponential(2)}`);
    assert.ok(worst < 7e-5, `max abs error ${worst}`);
  });

  it('MONAI\'s BRATS21 trainer: a numpy float64 best_acc, AdamW optimizer and scheduler state left out', async (t) => {
    const model = join(work, 'trainer.onnx');
    const r = runCli(['import', join(work, 'monai_trainer.pt'), ...SWINUNETR, '-o', model], 120_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /note: .*monai_trainer\.pt: left out epoch, best_acc, optimizer, scheduler: not model weights/);
    const x = await readNpyFile(join(modelFixtures, 'swinunetr_f12.x.npy'));
    const y = await readNpyFile(join(modelFixtures, 'swinunetr_f12.y.npy'));
    const err = maxAbsDiff(await forward(model, x.data as Float32Array), y.data as Float32Array);
    t.diagnostic(`max |ours − MONAI| ${err.toExponential(2)}`);
    assert.ok(err < 7e-5, `max abs error ${err}`);
  });

  it('a numpy array beside the weights is refused, naming the global', () => {
    const r = runCli(['import', join(work, 'with_ndarray.pt'), ...SWINUNETR, '-o', join(work, 'never.onnx')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*with_ndarray\.pt: .*refusing to load global "numpy\.core\.multiarray\._reconstruct"/);
  });
});
