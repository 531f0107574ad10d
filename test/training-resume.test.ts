// Resumable training: the checkpoint file round-trips bit for bit, damaged or foreign files are refused by name,
// and a run stopped and resumed from its checkpoint ends with exactly the weights of a run that never stopped.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { makeModelCard, type ModelConfig } from '../src/core/models';
import { generateCase } from '../src/core/synth';
import { initialStoredWeights } from '../src/core/training/initial-weights';
import { trainSegmentation, type SupervisedSettings } from '../src/core/training/train-segmentation';
import { loadTrainState, runDifferences, saveTrainState } from '../src/core/training/train-state';
import { labelledCase } from '../scripts/demo/cases';

const dir = mkdtempSync(join(tmpdir(), 'swinfuse-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('training checkpoints', () => {
  it('round-trip step, run, log and tensors exactly', () => {
    const path = join(dir, 'a.state');
    const tensors = new Map([['w', { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 1e-30, Math.PI, -0) }], ['b', { shape: [1], data: Float32Array.of(7) }]]);
    saveTrainState(path, { step: 12, run: { kind: 'x', lr: 0.001 }, tensors, log: [1.5, 1.25] });
    const back = loadTrainState(path)!;
    assert.equal(back.step, 12);
    assert.deepEqual(back.run, { kind: 'x', lr: 0.001 });
    assert.deepEqual(back.log, [1.5, 1.25]);
    assert.deepEqual([...back.tensors.keys()], ['w', 'b']);
    assert.deepEqual([...back.tensors.get('w')!.data], [...tensors.get('w')!.data]);
    assert.deepEqual(back.tensors.get('w')!.shape, [2, 3]);
    assert.equal(loadTrainState(join(dir, 'missing.state')), null);
  });

  it('refuse a truncated file and a file that is not a checkpoint, naming the file', () => {
    const path = join(dir, 'b.state');
    saveTrainState(path, { step: 1, run: {}, tensors: new Map([['w', { shape: [100], data: new Float32Array(100) }]]) });
    writeFileSync(path, readFileSync(path).subarray(0, 200));
    assert.throws(() => loadTrainState(path), (e: Error) => e.message.startsWith(path) && /truncated/.test(e.message));
    writeFileSync(path, 'hello');
    assert.throws(() => loadTrainState(path), /not a SwinFUSE training checkpoint/);
  });

  it('say what differs between two runs', () => {
    assert.deepEqual(runDifferences({ lr: 1, steps: 5 }, { lr: 1, steps: 5 }), []);
    assert.deepEqual(runDifferences({ lr: 1, steps: 5 }, { lr: 2, steps: 5 }), ['lr: 1 → 2']);
  });
});

describe('a resumed run', () => {
  it('ends with the weights of an uninterrupted one, and another run\'s checkpoint is refused', { timeout: 180_000 }, async () => {
    const config: ModelConfig = { arch: 'swinfuse', inChannels: 1, outChannels: 3, featureSize: 12, roi: 32, dimHeads: 4 };
    const card = makeModelCard(config, { name: 'resume', channels: ['flair'], labels: 'brats', source: { checkpoint: '', sha256: '' } });
    const cases = [1, 2].map((seed) => labelledCase(generateCase({ seed, size: [48, 48, 40], spacing: 4, tumourCount: 1 }), ['flair'], 'RAS'));
    const weights = initialStoredWeights(config, 3);
    const settings: SupervisedSettings = { steps: 4, batch: 1, scope: 'all', lr: 1e-3, warmup: 2, weightDecay: 1e-5, seed: 5, threads: 1, positiveRatio: 0.5 };
    const straight = await trainSegmentation(ort, card, weights, cases, settings, null);
    const path = join(dir, 'resume.state');
    let stopAfter = 2;
    const first = await trainSegmentation(ort, card, weights, cases, settings, { path, every: 1 }, { isCancelled: () => stopAfter-- <= 0 });
    assert.equal(first.cancelled, true);
    assert.equal(loadTrainState(path)!.step, 2);
    const resumed = await trainSegmentation(ort, card, weights, cases, settings, { path, every: 1 });
    assert.equal(resumed.cancelled, false);
    assert.deepEqual(resumed.losses, straight.losses);
    for (const [name, w] of straight.weights) assert.deepEqual([...resumed.weights.get(name)!.data], [...w.data], name);
    assert.ok(straight.losses.length === 4 && straight.weights.get('out.conv.conv.bias')!.data[0] !== weights.get('out.conv.conv.bias')!.data[0]);
    await assert.rejects(trainSegmentation(ort, card, weights, cases, { ...settings, lr: 2e-3 }, { path, every: 1 }),
      (e: Error) => e.message.includes(path) && /another training run \(lr: 0\.001 → 0\.002\)/.test(e.message));
  });
});
