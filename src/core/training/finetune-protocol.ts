// The messages between the fine-tune worker thread and whoever starts it (the CLI, the extension host).
import type { Device } from '../inference/ort-session';
import type { Vec3 } from '../inference/volume-view';
import type { ModelCard } from '../models';
import type { Reorientation } from '../nifti/reorient';
import type { FinetuneSettings, StepReport } from './finetune';
import type { LineageEntry } from './lineage';

export interface FinetuneJob {
  /** The base model file (read in the worker, never written). */
  readonly model: string;
  readonly card: ModelCard;
  /** Channel-major float32 channels in the image's stored layout, scaled, not normalized. */
  readonly channels: Float32Array;
  readonly labels: Uint8Array;
  readonly corrected: Uint8Array | null;
  readonly spatialShape: Vec3;
  readonly plan: Reorientation;
  /** Voxel size in mm along the stored axes. */
  readonly spacing: Vec3;
  readonly settings: FinetuneSettings;
  /** Where the adapted model goes (its card beside it). */
  readonly output: string;
  /** What the card's lineage records about the case. */
  readonly caseNames: LineageEntry['case'];
}

export interface FinetuneResult {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly losses: readonly number[];
  readonly device: Device;
}

export interface FinetuneStart {
  readonly type: 'start';
  readonly job: FinetuneJob;
  /** Int32 slot 0 becomes 1 to cancel; checked between steps. */
  readonly cancelFlag: SharedArrayBuffer;
}

export type FinetuneEvent =
  | { readonly type: 'device'; readonly device: Device; readonly note: string }
  | { readonly type: 'step'; readonly report: StepReport }
  | { readonly type: 'done'; readonly result: FinetuneResult }
  | { readonly type: 'failed'; readonly error: { readonly name: string; readonly message: string; readonly stepsDone?: number; readonly steps?: number } };

/** Cancelled between steps: nothing was written. */
export class FinetuneCancelledError extends Error {
  override readonly name = 'FinetuneCancelledError';
  constructor(readonly stepsDone: number, readonly steps: number) {
    super(`fine-tuning cancelled after ${stepsDone} of ${steps} steps; no model was written`);
  }
}

export function finetuneTransferList(job: FinetuneJob): ArrayBuffer[] {
  return [job.channels.buffer, job.labels.buffer, job.corrected?.buffer]
    .filter((b, i, all): b is ArrayBuffer => b instanceof ArrayBuffer && all.indexOf(b) === i);
}
