/** Windows done so far, with an estimate of the time left. */
export interface InferenceProgress {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  /** Undefined until a window has finished: the first one includes warm-up and says little. */
  readonly etaMs: number | undefined;
}

/**
 * Estimates the time left from the windows finished so far. Session creation is not counted: the clock starts when
 * the first window starts, and every window costs about the same.
 */
export class EtaEstimator {
  private startedAt: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  update(done: number, total: number): InferenceProgress {
    const t = this.now();
    if (this.startedAt === undefined || done === 0) this.startedAt ??= t;
    const elapsedMs = t - this.startedAt;
    const etaMs = done > 0 ? (elapsedMs / done) * (total - done) : undefined;
    return { done, total, elapsedMs, etaMs };
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
