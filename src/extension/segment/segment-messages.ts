// What the Segment command tells the user and writes to the output channel, kept apart from VS Code so each text is
// tested as it is.
import { DeviceUnavailableError, InferenceCancelledError, InferenceInputError, ModelFileError } from '../../core/inference';
import { formatDuration } from '../../core/inference/progress';
import { NiftiError } from '../../core/nifti/index';
import type { SegmentationStatus } from '../../core/viewer-protocol/messages';
import { ChannelPickDismissed, ChannelResolutionError } from './channel-resolution';
import type { Proposal } from './proposal';
import type { SegmentRunResult } from './segment-run';

/** The progress notification's line: "3 / 27 windows · about 40 s left · cpu". */
export function progressLine(status: Extract<SegmentationStatus, { phase: 'running' }>): string {
  if (status.total === 0) return status.device ? `starting on ${status.device}…` : 'reading the channels and loading the model…';
  const eta = status.etaMs === null ? '' : ` · about ${formatDuration(status.etaMs)} left`;
  return `${status.done} / ${status.total} windows${eta}${status.device ? ` · ${status.device}` : ''}`;
}

export function describeProposal(p: Proposal): string {
  if (p.info.length === 0) return 'no voxel labelled';
  return p.info.map((l) => `${l.name} (${l.label}) ${l.voxels} voxels`).join(', ');
}

/** The output channel's record of a finished run. */
export function runLogLine(image: string, modelPath: string, run: SegmentRunResult): string {
  const { proposal, seconds } = run;
  return `${image}: segmented with ${proposal.model} (${modelPath}); channels ${run.inputs.join(', ')}; `
    + `device ${proposal.device}${run.deviceNote ? ` (${run.deviceNote})` : ''}; ${run.windows} windows; `
    + `prepare ${seconds.prepare.toFixed(2)} s, inference ${seconds.inference.toFixed(2)} s `
    + `(${run.windows > 0 ? (seconds.inference / run.windows).toFixed(2) : '–'} s per window); proposal: ${describeProposal(proposal)}`;
}

export type FailureReport =
  | { readonly kind: 'cancelled'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** A run that did not finish: cancelled (an information) or failed (an error naming what and why). */
export function describeFailure(image: string, err: unknown): FailureReport {
  if (err instanceof InferenceCancelledError) {
    const where = err.windowsTotal > 0 ? ` after ${err.windowsDone} of ${err.windowsTotal} windows` : '';
    return { kind: 'cancelled', message: `Segmentation of ${image} cancelled${where}; the mask is unchanged.` };
  }
  if (err instanceof ChannelPickDismissed) {
    return { kind: 'cancelled', message: `Segmentation of ${image} not started: ${err.message}.` };
  }
  if (err instanceof ChannelResolutionError || err instanceof InferenceInputError || err instanceof NiftiError
    || err instanceof ModelFileError || err instanceof DeviceUnavailableError) {
    return { kind: 'error', message: `Cannot segment ${image}: ${err.message}` };
  }
  return { kind: 'error', message: `Segmentation of ${image} failed: ${(err as Error)?.message ?? String(err)}` };
}
