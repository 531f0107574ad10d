// Entry point of the fine-tune worker thread (bundled as dist/finetune-worker.js): onnxruntime's run blocks its
// thread for seconds per step, so the extension host and the CLI stay responsive while this one trains.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { ortBinDir } from '../inference/ort-location';
import { readStoredModel } from '../onnx';
import { finetune } from './finetune';
import { FinetuneCancelledError, type FinetuneEvent, type FinetuneStart } from './finetune-protocol';
import { writeFinetunedModel } from './finetuned-model';

const port = parentPort;
if (!port) throw new Error('finetune-worker.js must run as a worker thread');
const post = (event: FinetuneEvent): void => port.postMessage(event);

port.once('message', (request: FinetuneStart) => {
  run(request).then(
    () => port.close(),
    (err: unknown) => {
      const e = err as Error;
      const counts = err instanceof FinetuneCancelledError ? { stepsDone: err.stepsDone, steps: err.steps } : {};
      post({ type: 'failed', error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), ...counts } });
      port.close();
    },
  );
});

async function run({ job, cancelFlag }: FinetuneStart): Promise<void> {
  const flag = new Int32Array(cancelFlag);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(job.model);
  } catch (err) {
    throw new Error(`${job.model}: cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { weights } = readStoredModel(bytes, job.model);
  const outcome = await finetune(ort, { binDir: ortBinDir() }, {
    card: job.card, weights, channels: job.channels, labels: job.labels, corrected: job.corrected,
    spatialShape: job.spatialShape, plan: job.plan, spacing: job.spacing,
  }, job.settings, {
    onDevice: (device, note) => post({ type: 'device', device, note }),
    onStep: (report) => post({ type: 'step', report }),
    isCancelled: () => Atomics.load(flag, 0) !== 0,
  });
  if (outcome.cancelled) throw new FinetuneCancelledError(outcome.losses.length, job.settings.steps);
  const written = await writeFinetunedModel(job.card, job.model, outcome.weights, job.output, {
    kind: 'finetune', base: { name: job.card.name, file: job.model.replace(/^.*[\\/]/, '') }, case: job.caseNames,
    scope: job.settings.scope, steps: job.settings.steps, stepsDone: outcome.losses.length, lr: job.settings.lr,
    seed: job.settings.seed, device: outcome.device, losses: outcome.losses, created: new Date().toISOString(),
  });
  post({ type: 'done', result: { modelPath: written.modelPath, cardPath: written.cardPath, card: written.card, losses: outcome.losses, device: outcome.device } });
}
