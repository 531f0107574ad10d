// swinfuse.finetune.* as Fine-tune on This Case uses them: each value checked, and a value that cannot be used
// replaced by its default with a line that says so (the manifest's schema only warns in the settings editor; a
// hand-edited settings.json can hold anything). vscode-free.
import type { TrainScope } from '../../core/training/train-scope';

export interface FinetuneChoices {
  readonly steps: number;
  readonly scope: TrainScope;
  readonly lr: number;
  readonly seed: number;
}

/** The manifest's defaults (package.json contributes.configuration), which are DEFAULT_FINETUNE's. */
export const FINETUNE_DEFAULTS: FinetuneChoices = { steps: 20, scope: 'decoder', lr: 0.001, seed: 0 };
export const MAX_FINETUNE_STEPS = 10_000;
const SCOPES: readonly TrainScope[] = ['head', 'decoder', 'all'];

export interface RawFinetuneSettings {
  readonly steps?: unknown;
  readonly train?: unknown;
  readonly learningRate?: unknown;
  readonly seed?: unknown;
}

export interface CheckedFinetuneSettings {
  readonly value: FinetuneChoices;
  /** One line per setting that was replaced by its default. */
  readonly problems: readonly string[];
}

export function checkFinetuneSettings(raw: RawFinetuneSettings): CheckedFinetuneSettings {
  const problems: string[] = [];
  const take = <T>(key: string, value: unknown, ok: (v: unknown) => boolean, wanted: string, fallback: T): T => {
    if (value === undefined || value === null) return fallback;
    if (ok(value)) return value as T;
    problems.push(`swinfuse.finetune.${key} is ${JSON.stringify(value)}, not ${wanted}; using ${fallback}`);
    return fallback;
  };
  const d = FINETUNE_DEFAULTS;
  return {
    value: {
      steps: take('steps', raw.steps, (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_FINETUNE_STEPS,
        `a whole number from 1 to ${MAX_FINETUNE_STEPS}`, d.steps),
      scope: take('train', raw.train, (v) => SCOPES.includes(v as TrainScope), 'one of head, decoder, all', d.scope),
      lr: take('learningRate', raw.learningRate, (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1,
        'a number above 0 and at most 1', d.lr),
      seed: take('seed', raw.seed, (v) => Number.isSafeInteger(v), 'a whole number', d.seed),
    },
    problems,
  };
}
