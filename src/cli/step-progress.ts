import { formatDuration } from '../core/inference';
import type { StepReport } from '../core/training/finetune';

/**
 * One stderr line per training step: steps take seconds, so every one is worth a line, in a terminal or a log.
 * The estimate leaves out the first step, which also pays for onnxruntime's first-run allocations.
 */
export function stepProgress(stream: NodeJS.WritableStream = process.stderr): (report: StepReport) => void {
  const times: number[] = [];
  return (r) => {
    times.push(r.ms);
    const typical = times.length > 1 ? times.slice(1).reduce((a, b) => a + b, 0) / (times.length - 1) : times[0]!;
    const left = r.steps - r.step;
    const eta = left > 0 ? `, about ${formatDuration(typical * left)} left` : '';
    stream.write(`step ${r.step}/${r.steps}: loss ${formatLoss(r.loss)}, ${formatMs(r.ms)}${eta}\n`);
  };
}

export function formatLoss(loss: number): string {
  return loss.toPrecision(4);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
