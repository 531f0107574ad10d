// The loop every multi-step training run shares (pre-training, supervised training): feed the batch and the
// AdamW state to the step graph, take the new state, report progress with an ETA, and checkpoint every so often so
// a stopped run resumes from its last checkpoint with the same batches it would have seen (batches are drawn from
// a random stream seeded per step, not from one long stream).
import type * as Ort from 'onnxruntime-node';
import { AdamWState } from './adamw-state';
import { loadTrainState, runDifferences, saveTrainState, type StateTensor } from './train-state';

export interface LoopReport {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  /** Other scalar outputs of the step (loss terms), by name. */
  readonly terms: Readonly<Record<string, number>>;
  readonly ms: number;
  /** Seconds left at the mean pace of this session's steps. */
  readonly etaS: number;
  readonly resumedFrom: number;
}

export interface LoopSpec {
  readonly name: string;
  readonly steps: number;
  readonly session: Ort.InferenceSession;
  readonly trained: readonly string[];
  /** Starting weights (used only when not resuming). */
  readonly initial: ReadonlyMap<string, StateTensor>;
  /** Batch inputs for step t (0-based); called with a fresh seed stream per step. */
  feeds(step: number): Record<string, Ort.Tensor>;
  learningRate(step: number): number;
  readonly weightDecay: number;
  /** Scalar outputs reported besides `loss`. */
  readonly terms: readonly string[];
  /** Describes the run; a checkpoint of another run is refused. */
  readonly run: Readonly<Record<string, unknown>>;
  readonly checkpoint: { readonly path: string; readonly every: number } | null;
  onStep?(report: LoopReport): void;
  isCancelled?(): boolean;
}

export interface LoopOutcome {
  readonly weights: Map<string, StateTensor>;
  readonly losses: readonly number[];
  readonly stepsDone: number;
  readonly cancelled: boolean;
}

export async function runTrainingLoop(ort: typeof Ort, spec: LoopSpec): Promise<LoopOutcome> {
  const saved = spec.checkpoint ? loadTrainState(spec.checkpoint.path) : null;
  if (saved) {
    const differences = runDifferences(saved.run, spec.run);
    if (differences.length) {
      throw new Error(`${spec.checkpoint!.path}: a checkpoint of another ${spec.name} run (${differences.join('; ')}); delete it to start over`);
    }
  }
  const state = new AdamWState(ort, spec.trained, spec.initial, saved?.tensors);
  const losses: number[] = Array.isArray(saved?.log) ? [...(saved!.log as number[])] : [];
  const start = saved?.step ?? 0;
  const save = (step: number): void => {
    if (spec.checkpoint) saveTrainState(spec.checkpoint.path, { step, run: spec.run, tensors: state.snapshot(), log: losses });
  };
  const began = performance.now();
  let cancelled = false;
  let step = start;
  for (; step < spec.steps; step++) {
    if (spec.isCancelled?.()) {
      cancelled = true;
      break;
    }
    const t0 = performance.now();
    const out = await spec.session.run({ ...spec.feeds(step), ...state.feeds(step + 1, spec.learningRate(step), spec.weightDecay) });
    const loss = Number((out.loss!.data as Float32Array)[0]);
    if (!Number.isFinite(loss)) throw new Error(`${spec.name}: the loss is ${loss} at step ${step + 1}; try a lower learning rate`);
    state.update(out);
    losses.push(loss);
    const terms: Record<string, number> = {};
    for (const name of spec.terms) terms[name] = Number((out[name]!.data as Float32Array)[0]);
    const done = step + 1 - start;
    const pace = (performance.now() - began) / done;
    spec.onStep?.({
      step: step + 1, steps: spec.steps, loss, terms, ms: performance.now() - t0, etaS: (pace * (spec.steps - step - 1)) / 1000,
      resumedFrom: start,
    });
    if (spec.checkpoint && (step + 1) % spec.checkpoint.every === 0) save(step + 1);
  }
  if (spec.checkpoint && step > start) save(step);
  return { weights: state.weights(), losses, stepsDone: step, cancelled };
}

/** Linear warm-up over `warmup` steps, then cosine decay to `floor`·lr at the last step. */
export function warmupCosine(lr: number, steps: number, warmup: number, floor = 0.1): (step: number) => number {
  return (step) => {
    if (step < warmup) return (lr * (step + 1)) / warmup;
    const t = (step - warmup) / Math.max(1, steps - warmup);
    return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
  };
}
