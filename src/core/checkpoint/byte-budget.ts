// What reading one checkpoint may allocate: every byte the reader produces (an inflated entry, an aligned copy of a
// storage, a strided view gathered into a tensor of its own) is counted against one cap, so no file, however it
// combines storages and views, can make the reader allocate beyond it. Bytes already in the file's buffer (stored
// entries, and tensors that are plain views of a storage) cost nothing.
import { PickleProblem } from './unpickler';

/** 4 GiB: three times a paper-size (F = 48) SwinFUSE with its optimizer state, far below what would exhaust a laptop. */
export const DEFAULT_MAX_TENSOR_BYTES = 4 * 2 ** 30;

export interface LoadLimits {
  /** The most bytes reading one checkpoint may produce; default DEFAULT_MAX_TENSOR_BYTES. */
  readonly maxTensorBytes?: number;
}

export class ByteBudget {
  private used = 0;

  constructor(readonly max: number) {
    if (!(max > 0)) throw new Error(`the tensor byte limit must be positive, got ${max}`);
  }

  /** Counts `bytes` about to be allocated for `what`; refuses before the allocation when they would pass the cap. */
  take(bytes: number, what: string): void {
    if (this.used + bytes > this.max) {
      throw new PickleProblem(`${what} would take reading this checkpoint past ${formatBytes(this.max)} of memory, ` +
        `the limit (swinfuse import --max-tensor-bytes raises it); ${formatBytes(this.used)} were used so far`);
    }
    this.used += bytes;
  }
}

export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${+(n / 2 ** 30).toFixed(2)} GiB` : `${+(n / 2 ** 20).toFixed(1)} MiB`;
}
