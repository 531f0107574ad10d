// Running one prepared case in the fine-tune worker, and the rule of one fine-tuning per document at a time.
// vscode-free.
import { rm } from 'node:fs/promises';
import type { Device } from '../../core/inference';
import type { StepReport } from '../../core/training/finetune';
import { FinetuneCancelledError, type FinetuneResult } from '../../core/training/finetune-protocol';
import { runFinetune } from '../../core/training/run-finetune';
import type { PreparedCase } from './finetune-case';

export interface CaseRunPorts {
  /** dist/finetune-worker.js of this extension. */
  readonly workerScript: string;
  readonly signal: AbortSignal;
  onDevice(device: Device, note: string): void;
  onStep(report: StepReport): void;
}

export interface CaseRunResult {
  readonly result: FinetuneResult;
  readonly seconds: number;
  /** Why this device (e.g. why not CUDA); empty when there is nothing to say. */
  readonly deviceNote: string;
}

/**
 * Trains and writes the adapted model. The worker checks for cancel before each step, so a Cancel pressed during
 * the last step arrives after it has written the model: that model is deleted again, so a cancelled run never
 * leaves one behind (FinetuneCancelledError with every step done).
 */
export async function runCaseFinetune(prepared: PreparedCase, ports: CaseRunPorts): Promise<CaseRunResult> {
  const started = performance.now();
  const steps = prepared.job.settings.steps;
  if (ports.signal.aborted) throw new FinetuneCancelledError(0, steps);
  let deviceNote = '';
  const result = await runFinetune(prepared.job, {
    workerScript: ports.workerScript,
    signal: ports.signal,
    onDevice: (device, note) => {
      deviceNote = note;
      ports.onDevice(device, note);
    },
    onStep: (report) => ports.onStep(report),
  });
  if (ports.signal.aborted) {
    await rm(result.modelPath, { force: true });
    await rm(result.cardPath, { force: true });
    throw new FinetuneCancelledError(result.losses.length, steps);
  }
  return { result, seconds: (performance.now() - started) / 1000, deviceNote };
}

/** The fine-tunings running now, one per document (keyed by the document's URI). */
export class FinetuneRuns {
  private readonly running = new Map<string, AbortController>();

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Starts a run for `key`: the signal that cancels it, or null when one is already running. */
  begin(key: string): AbortSignal | null {
    if (this.running.has(key)) return null;
    const controller = new AbortController();
    this.running.set(key, controller);
    return controller.signal;
  }

  cancel(key: string): boolean {
    const controller = this.running.get(key);
    controller?.abort();
    return controller !== undefined;
  }

  end(key: string): void {
    this.running.delete(key);
  }

  /** Cancels them all (the extension is deactivated). */
  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }
}
