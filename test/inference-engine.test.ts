// The worker-thread engine as the extension host uses it: progress, cancellation, and a worker that is gone after.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InferenceCancelledError, runInference, type InferenceProgress } from '../src/core/inference';
import { readNpyFile } from '../src/core/npy';
import { importFixtureModel, modelFixtures } from './helpers/fixture-models';
import { repoRoot } from './helpers/paths';

const workerScript = join(repoRoot, 'dist', 'inference-worker.js');
const work = mkdtempSync(join(tmpdir(), 'swinfuse-engine-'));
after(() => rmSync(work, { recursive: true, force: true }));
let model = '';
before(() => { model = importFixtureModel('swinunetr_f12', work); });

async function rawJob(overlap: number) {
  const x = await readNpyFile(join(modelFixtures, 'swinunetr_f12.sw.x.npy'));
  const [, c, d, h, w] = x.shape as [number, number, number, number, number];
  return {
    kind: 'raw' as const, session: { model, device: 'cpu' as const, threads: 1 },
    input: x.data as Float32Array, shape: [c, d, h, w] as const, overlap, sigmaScale: 0.125,
  };
}

describe('inference engine (worker thread)', () => {
  it('reports the device, then progress with an ETA once a window has finished', async () => {
    const events: InferenceProgress[] = [];
    let note = '';
    const result = await runInference(await rawJob(0.5), {
      workerScript, onDevice: (_, n) => { note = n; }, onProgress: (p) => events.push(p),
    });
    assert.equal(note, 'CPU, as requested');
    assert.equal(result.device, 'cpu');
    assert.equal(result.windows, 6);
    assert.deepEqual(events.map((e) => e.done), [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(events.every((e) => e.total === 6));
    assert.equal(events[0]!.etaMs, undefined);
    assert.ok(events.slice(1).every((e) => e.etaMs !== undefined && e.etaMs >= 0));
    assert.equal(events.at(-1)!.etaMs, 0);
  });

  it('cancels within one window, and the event loop stays free while windows run', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 20);
    const started = performance.now();
    const run = runInference(await rawJob(0.75), {
      workerScript, signal: controller.signal,
      onProgress: (p) => { seen.push(p.done); if (p.done === 1) controller.abort(); },
    });
    const err = await run.then(() => null, (e: unknown) => e);
    clearInterval(timer);
    assert.ok(err instanceof InferenceCancelledError, `expected InferenceCancelledError, got ${String(err)}`);
    assert.ok(err.windowsDone <= 2, `stopped after ${err.windowsDone} windows`);
    assert.ok(err.windowsDone < err.windowsTotal);
    assert.ok(Math.max(...seen) <= 2, `windows reported after the cancel: ${seen.join(',')}`);
    // A blocked main thread would have let almost no 20 ms ticks through while onnxruntime ran.
    const elapsed = performance.now() - started;
    assert.ok(ticks > elapsed / 20 / 4, `${ticks} timer ticks in ${elapsed.toFixed(0)} ms`);
  });

  it('an already aborted signal never starts a worker', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runInference(await rawJob(0.5), { workerScript, signal: controller.signal }), InferenceCancelledError);
  });
});
