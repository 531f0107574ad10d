import { Worker } from 'node:worker_threads';
import { InferenceCancelledError } from './errors';
import { DeviceUnavailableError, InferenceInputError, ModelFileError } from './execution-errors';
import type { Device } from './ort-session';
import { EtaEstimator, type InferenceProgress } from './progress';
import {
  jobTransferList, type InferenceJob, type RawInferenceJob, type RawInferenceResult, type SegmentationJob,
  type SegmentationResult, type StartRequest, type WorkerError, type WorkerEvent,
} from './worker-protocol';

export interface RunOptions {
  /** Path of the bundled worker (dist/inference-worker.js); each front end knows where its bundle lies. */
  readonly workerScript: string;
  readonly signal?: AbortSignal;
  readonly onDevice?: (device: Device, note: string) => void;
  readonly onProgress?: (progress: InferenceProgress) => void;
  /**
   * After a cancel, how long to wait for the worker to stop at a window boundary before terminating it. One window
   * of a large model on a slow CPU takes seconds, and terminating mid-run cannot interrupt native code anyway.
   */
  readonly cancelGraceMs?: number;
}

export type Ran<R> = R & { readonly device: Device; readonly deviceNote: string };

/**
 * Runs one job in a fresh worker thread. The job's buffers are transferred, not copied: the caller must not use
 * them afterwards. The worker and everything it allocated (session, accumulators) are gone when this settles.
 */
export function runInference(job: RawInferenceJob, options: RunOptions): Promise<Ran<RawInferenceResult>>;
export function runInference(job: SegmentationJob, options: RunOptions): Promise<Ran<SegmentationResult>>;
export function runInference(job: InferenceJob, options: RunOptions): Promise<Ran<RawInferenceResult | SegmentationResult>> {
  if (options.signal?.aborted) return Promise.reject(new InferenceCancelledError(0, 0));
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  const eta = new EtaEstimator();
  const worker = new Worker(options.workerScript);
  let device: Device = 'cpu';
  let deviceNote = '';
  let last = { done: 0, total: 0 };

  return new Promise((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate().finally(outcome);
    };
    const onAbort = (): void => {
      Atomics.store(flag, 0, 1);
      grace = setTimeout(() => finish(() => reject(new InferenceCancelledError(last.done, last.total))), options.cancelGraceMs ?? 120_000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (event: WorkerEvent) => {
      switch (event.type) {
        case 'device':
          device = event.device;
          deviceNote = event.note;
          options.onDevice?.(event.device, event.note);
          break;
        case 'progress':
          last = { done: event.done, total: event.total };
          options.onProgress?.(eta.update(event.done, event.total));
          break;
        case 'done':
          finish(() => resolve({ ...event.result, device, deviceNote }));
          break;
        case 'failed':
          finish(() => reject(reviveError(event.error)));
          break;
      }
    });
    worker.on('error', (err) => finish(() => reject(new Error(`the inference worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`the inference worker stopped (exit code ${code}) before it finished`))));
    const request: StartRequest = { type: 'start', job, cancelFlag };
    worker.postMessage(request, jobTransferList(job));
  });
}

/** Errors cross the thread boundary as name and message; give callers back the classes they can test for. */
function reviveError(error: WorkerError): Error {
  switch (error.name) {
    case 'InferenceCancelledError': return new InferenceCancelledError(error.windowsDone ?? 0, error.windowsTotal ?? 0);
    case 'ModelFileError': return new ModelFileError(error.file ?? '', error.problem ?? error.message);
    case 'DeviceUnavailableError': return new DeviceUnavailableError(error.message);
    case 'InferenceInputError': return new InferenceInputError(error.message);
    default: {
      const e = new Error(error.message);
      e.name = error.name;
      return e;
    }
  }
}
