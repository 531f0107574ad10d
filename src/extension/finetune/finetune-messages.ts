// What Fine-tune on This Case tells the user and writes to the output channel, kept apart from VS Code so each text
// is tested as it is.
import { DeviceUnavailableError, InferenceInputError, ModelFileError } from '../../core/inference';
import { formatDuration } from '../../core/inference/progress';
import { NiftiError } from '../../core/nifti/index';
import type { StepReport } from '../../core/training/finetune';
import { FinetuneCancelledError, type FinetuneResult } from '../../core/training/finetune-protocol';
import { ChannelPickDismissed, ChannelResolutionError } from '../segment/channel-resolution';
import { FinetuneCaseError, type PreparedCase } from './finetune-case';
import { formatLoss, lossRange } from './lineage-format';

export const USE_NEW_MODEL = 'Use the New Model';
export const REVERT_TO_BASE = 'Revert to Base Model';
export const CANCEL_THAT_RUN = 'Cancel That Run';

/** The progress notification's title. */
export function progressTitle(model: string, image: string): string {
  return `SwinFUSE: fine-tuning ${model} on ${image}`;
}

/** Time left from the steps so far: the mean step time (the first includes warm-up, so it errs long) × steps left. */
export class StepClock {
  private totalMs = 0;
  private count = 0;

  /** Milliseconds left after `report`. */
  update(report: StepReport): number {
    this.totalMs += report.ms;
    this.count++;
    return (this.totalMs / this.count) * (report.steps - report.step);
  }
}

/** "step 3 / 20 · loss 0.8123 · about 40 s left · cpu"; the last step says the model is being written. */
export function stepLine(report: StepReport, etaMs: number, device: string | null): string {
  const after = report.step >= report.steps ? 'writing the model' : `about ${formatDuration(etaMs)} left`;
  return `step ${report.step} / ${report.steps} · loss ${formatLoss(report.loss)} · ${after}${device ? ` · ${device}` : ''}`;
}

/** Before the first step: channels and model loading, then the training graph on the device. */
export function startingLine(device: string | null): string {
  return device ? `building the training step on ${device}…` : 'reading the channels and preparing the case…';
}

/** The information message when the new model is written. */
export function doneMessage(newModel: string, base: string, image: string, losses: readonly number[]): string {
  return `Fine-tuned ${newModel} from ${base} on ${image}: loss ${lossRange(losses)} in ${losses.length} step${losses.length === 1 ? '' : 's'}.`;
}

/** "3 labelled voxels: 1 ×2, 2 ×1". */
function describeCounts(prepared: PreparedCase): string {
  const total = prepared.counts.reduce((n, c) => n + c.voxels, 0);
  return `${total} labelled voxels (${prepared.counts.map((c) => `label ${c.label}: ${c.voxels}`).join(', ')}), ${prepared.handEdited} hand-edited`;
}

/** The output channel's line when a run starts. */
export function startLogLine(image: string, base: { name: string; path: string }, prepared: PreparedCase): string {
  const s = prepared.job.settings;
  return `${image}: fine-tuning ${base.name} (${base.path}) on ${prepared.inputs.join(', ')} with the mask ${prepared.maskFile} `
    + `(${prepared.unsaved ? 'with unsaved edits' : 'as saved'}); ${describeCounts(prepared)}; train ${s.scope}, ${s.steps} steps, `
    + `lr ${s.lr}, seed ${s.seed}, device ${s.device}, threads ${s.threads || 'auto'}`;
}

/** The output channel's record of a finished run. */
export function doneLogLine(image: string, base: { name: string; path: string }, prepared: PreparedCase, result: FinetuneResult,
  seconds: number, deviceNote: string): string {
  const s = prepared.job.settings;
  return `${image}: fine-tuned ${base.name} (${base.path}) into ${result.card.name}: case ${prepared.inputs.join(', ')} + mask `
    + `${prepared.maskFile} (${prepared.unsaved ? 'with unsaved edits' : 'as saved'}); train ${s.scope}, ${result.losses.length}/${s.steps} steps, `
    + `lr ${s.lr}, seed ${s.seed}; device ${result.device}${deviceNote ? ` (${deviceNote})` : ''}; loss ${lossRange(result.losses)}; `
    + `${seconds.toFixed(1)} s; wrote ${result.modelPath}`;
}

export type FinetuneFailure =
  | { readonly kind: 'cancelled'; readonly message: string }
  /** The case cannot be learnt from as it is (a warning: the user can fix it in the mask). */
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/**
 * A run that did not finish: cancelled or not started (an information), refused (a warning saying what to fix in the
 * mask), or failed (an error naming what and why).
 */
export function describeFinetuneFailure(base: string, image: string, err: unknown): FinetuneFailure {
  if (err instanceof FinetuneCancelledError) {
    return { kind: 'cancelled', message: `Fine-tuning cancelled after ${err.stepsDone} of ${err.steps} steps; no model was written.` };
  }
  if (err instanceof ChannelPickDismissed) {
    return { kind: 'cancelled', message: `Fine-tuning of ${base} on ${image} not started: ${err.message}.` };
  }
  if (err instanceof FinetuneCaseError) return { kind: 'refused', message: `Cannot fine-tune ${base} on ${image}: ${err.message}.` };
  if (err instanceof ChannelResolutionError || err instanceof InferenceInputError
    || err instanceof NiftiError || err instanceof ModelFileError || err instanceof DeviceUnavailableError
    || ['DeviceUnavailableError', 'ModelFileError', 'RangeError'].includes((err as Error)?.name)) {
    return { kind: 'error', message: `Cannot fine-tune ${base} on ${image}: ${(err as Error).message}` };
  }
  return { kind: 'error', message: `Fine-tuning ${base} on ${image} failed: ${(err as Error)?.message ?? String(err)}` };
}
