// What a fine-tuned model's card records about how it was made, and the name it gets. Kept apart from the training
// code so the extension can read lineages and name models without bundling the autodiff.
import type { TrainScope } from './train-scope';

/** One fine-tuning run, as the card's `lineage` keeps it (oldest first). */
export interface LineageEntry {
  readonly kind: 'finetune';
  /** The model it started from: its card name and its file's name. */
  readonly base: { readonly name: string; readonly file: string };
  /** The image files and the mask it learned from (names, not paths). */
  readonly case: { readonly images: readonly string[]; readonly mask: string };
  readonly scope: TrainScope;
  readonly steps: number;
  readonly stepsDone: number;
  readonly lr: number;
  readonly seed: number;
  readonly device: string;
  readonly losses: readonly number[];
  readonly created: string;
}

/** `<base>-ft-<timestamp>` (UTC, to the second), the name a fine-tuned model gets unless told otherwise. */
export function finetunedName(base: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `${base.replace(/-ft-\d{8}-\d{6}Z$/, '')}-ft-${stamp}`;
}
