// Entry point of the inference worker thread (bundled as dist/inference-worker.js). onnxruntime's run blocks the
// thread it is called on, so it runs here and the extension host or CLI stays responsive.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { InferenceCancelledError } from './errors';
import { ModelFileError } from './execution-errors';
import { modelGeometry } from './model-geometry';
import { ortBinDir } from './ort-location';
import { openSession, type OpenedSession } from './ort-session';
import { inferRaw } from './raw-inference';
import type { PipelineHooks } from './run-hooks';
import { segmentChannels } from './segment-pipeline';
import type { WindowRunner } from './sliding-window';
import { resultTransferList, type StartRequest, type WorkerEvent } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('inference-worker.js must run as a worker thread');
const post = (event: WorkerEvent, transfer: ArrayBuffer[] = []): void => port.postMessage(event, transfer);

port.once('message', (request: StartRequest) => {
  run(request).then(
    () => port.close(),
    (err: unknown) => {
      const e = err as Error;
      const parts = err instanceof ModelFileError ? { file: err.file, problem: err.problem }
        : err instanceof InferenceCancelledError ? { windowsDone: err.windowsDone, windowsTotal: err.windowsTotal } : {};
      post({ type: 'failed', error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), ...parts } });
      port.close();
    },
  );
});

async function run({ job, cancelFlag }: StartRequest): Promise<void> {
  const flag = new Int32Array(cancelFlag);
  const isCancelled = (): boolean => Atomics.load(flag, 0) !== 0;
  const opened = await openSession(ort, { binDir: ortBinDir() }, job.session);
  try {
    post({ type: 'device', device: opened.device, note: opened.note });
    const model = modelGeometry(opened, job.session.model);
    const hooks: PipelineHooks = {
      run: windowRunner(opened, model.inChannels, model.roi),
      isCancelled,
      onWindow: (done, total) => post({ type: 'progress', done, total }),
    };
    const result = job.kind === 'raw' ? await inferRaw(job, model, hooks) : await segmentChannels(job, model, hooks);
    post({ type: 'done', result }, resultTransferList(result));
  } finally {
    await opened.session.release();
  }
}

function windowRunner(opened: OpenedSession, channels: number, roi: readonly number[]): WindowRunner {
  const dims = [1, channels, ...roi];
  return async (patch) => {
    const outputs = await opened.session.run({ [opened.inputName]: new ort.Tensor('float32', patch, dims) });
    const out = outputs[opened.outputName];
    if (!out || out.type !== 'float32') throw new Error(`the model's output ${opened.outputName} is not a float32 tensor`);
    return out.data as Float32Array;
  };
}
