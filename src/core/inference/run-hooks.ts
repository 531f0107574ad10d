import type { WindowRunner } from './sliding-window';

/** What a pipeline needs from whoever drives it: the model, cancellation, and where to report windows. */
export interface PipelineHooks {
  readonly run: WindowRunner;
  readonly isCancelled: () => boolean;
  readonly onWindow: (done: number, total: number) => void;
}
