// Starts one fine-tuning in a fresh worker thread and follows it: device, a report per step, the written model.
import { Worker } from 'node:worker_threads';
import type { Device } from '../inference/ort-session';
import type { StepReport } from './finetune';
import {
  FinetuneCancelledError, finetuneTransferList, type FinetuneEvent, type FinetuneJob, type FinetuneResult, type FinetuneStart,
} from './finetune-protocol';

export interface FinetuneRunOptions {
  /** dist/finetune-worker.js of the front end that starts it. */
  readonly workerScript: string;
  readonly signal?: AbortSignal;
  readonly onDevice?: (device: Device, note: string) => void;
  readonly onStep?: (report: StepReport) => void;
}

/** The job's buffers are transferred: the caller must not use them afterwards. */
export function runFinetune(job: FinetuneJob, options: FinetuneRunOptions): Promise<FinetuneResult> {
  if (options.signal?.aborted) return Promise.reject(new FinetuneCancelledError(0, job.settings.steps));
  const cancelFlag = new SharedArrayBuffer(4);
  const worker = new Worker(options.workerScript);
  let stepsDone = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate().finally(outcome);
    };
    // The worker stops at the next step boundary; a step is seconds, so no grace timer is needed beyond that.
    const onAbort = (): void => { Atomics.store(new Int32Array(cancelFlag), 0, 1); };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (event: FinetuneEvent) => {
      switch (event.type) {
        case 'device': options.onDevice?.(event.device, event.note); break;
        case 'step':
          stepsDone = event.report.step;
          options.onStep?.(event.report);
          break;
        case 'done': finish(() => resolve(event.result)); break;
        case 'failed': {
          const e = event.error;
          const error = e.name === 'FinetuneCancelledError' ? new FinetuneCancelledError(e.stepsDone ?? stepsDone, e.steps ?? job.settings.steps) : new Error(e.message);
          if (!(error instanceof FinetuneCancelledError)) error.name = e.name;
          finish(() => reject(error));
          break;
        }
      }
    });
    worker.on('error', (err) => finish(() => reject(new Error(`the fine-tune worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`the fine-tune worker stopped (exit code ${code}) before it finished`))));
    const request: FinetuneStart = { type: 'start', job, cancelFlag };
    worker.postMessage(request, finetuneTransferList(job));
  });
}
