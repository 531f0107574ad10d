// A model card's lineage (its fine-tuning runs, oldest first) as the Models view and messages show it. Cards are
// files: an entry may be from an older version or edited by hand, so every field is checked and a malformed entry
// is shown as such rather than trusted. vscode-free.
import type { LineageEntry } from '../../core/training/lineage';

/** The entry when it has the shape fine-tuning writes; null otherwise. */
export function asLineageEntry(value: unknown): LineageEntry | null {
  const e = value as Partial<LineageEntry> | null;
  if (!e || typeof e !== 'object' || e.kind !== 'finetune') return null;
  const isName = (v: unknown): v is string => typeof v === 'string';
  const ok = isName(e.base?.name) && isName(e.base?.file)
    && Array.isArray(e.case?.images) && e.case.images.every(isName) && isName(e.case?.mask)
    && isName(e.scope) && Number.isFinite(e.steps) && Number.isFinite(e.stepsDone) && Number.isFinite(e.lr)
    && Number.isFinite(e.seed) && isName(e.device) && Array.isArray(e.losses) && e.losses.every((l) => typeof l === 'number')
    && isName(e.created);
  return ok ? e as LineageEntry : null;
}

/** A loss as messages show it: four decimals. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** "1.2345 → 0.8123" (one value for one step, "–" for none). */
export function lossRange(losses: readonly number[]): string {
  if (losses.length === 0) return '–';
  if (losses.length === 1) return formatLoss(losses[0]!);
  return `${formatLoss(losses[0]!)} → ${formatLoss(losses.at(-1)!)}`;
}

/** The model a fine-tuned card was fine-tuned from (its last entry's base), or null when there is none to tell. */
export function lineageParent(lineage: readonly unknown[] | undefined): string | null {
  if (!Array.isArray(lineage) || lineage.length === 0) return null;
  return asLineageEntry(lineage.at(-1))?.base.name ?? null;
}

/** "case_flair.nii.gz, case_t1ce.nii.gz + mask case_seg.nii.gz". */
export function describeCase(entry: LineageEntry): string {
  return `${entry.case.images.join(', ')} + mask ${entry.case.mask}`;
}

/** The short line of a tree item: "on case.nii.gz · decoder · 20 steps · loss 0.9 → 0.5". */
export function lineageShort(entry: LineageEntry): string {
  const steps = entry.stepsDone === entry.steps ? `${entry.steps} steps` : `${entry.stepsDone} of ${entry.steps} steps`;
  return `on ${entry.case.images.join(', ')} · ${entry.scope} · ${steps} · loss ${lossRange(entry.losses)}`;
}

/**
 * Everything an entry records, in one line: "from BASE (BASE.onnx) on IMAGES + mask MASK; train decoder, 20/20
 * steps, lr 0.001, seed 0, cpu; loss 0.9000 → 0.5000; created 2025-…".
 */
export function lineageLine(value: unknown): string {
  const e = asLineageEntry(value);
  if (!e) return `an entry this version cannot read (${preview(value)})`;
  return `from ${e.base.name} (${e.base.file}) on ${describeCase(e)}; train ${e.scope}, ${e.stepsDone}/${e.steps} steps, `
    + `lr ${e.lr}, seed ${e.seed}, ${e.device}; loss ${lossRange(e.losses)}; created ${e.created}`;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
