// Supervised training of a segmentation model on many labelled cases (what the shipped model and the evaluation's
// models are fine-tuned with): each step a batch of patches from randomly chosen cases, balanced between tumour and
// background centres, the same step graph as the few-step fine-tuning (scope "all"), resumable.
import type * as Ort from 'onnxruntime-node';
import type { VolumeView } from '../inference/volume-view';
import type { ModelCard, WeightTensor } from '../models';
import { mulberry32 } from '../models/random-weights';
import { serializeModel } from '../onnx';
import { patchBatch, samplePatches } from './patches';
import { runTrainingLoop, warmupCosine, type LoopReport } from './resumable-loop';
import { buildStepGraph, type TrainScope } from './step-graph';

export interface LabelledCase {
  /** Channels in the card's order, normalized as for inference, in the card's orientation. */
  readonly image: VolumeView<Float32Array>;
  readonly labels: VolumeView<Uint8Array>;
}

export interface SupervisedSettings {
  readonly steps: number;
  readonly batch: number;
  readonly scope: TrainScope;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly threads: number;
  /** Share of tumour-centred patches; the rest are centred anywhere in the image. */
  readonly positiveRatio: number;
}

export interface SupervisedOutcome {
  readonly weights: Map<string, WeightTensor>;
  readonly losses: readonly number[];
  readonly cancelled: boolean;
}

/** Trains `card`'s model from `weights` (as stored in its file); returns them with the trained ones replaced. */
export async function trainSegmentation(ort: typeof Ort, card: ModelCard, weights: ReadonlyMap<string, WeightTensor>,
  cases: readonly LabelledCase[], settings: SupervisedSettings, checkpoint: { path: string; every: number } | null,
  hooks: { onStep?(r: LoopReport): void; isCancelled?(): boolean } = {}, run: Readonly<Record<string, unknown>> = {}): Promise<SupervisedOutcome> {
  if (cases.length === 0) throw new Error('training: no cases');
  const step = buildStepGraph(card, weights, settings.scope, settings.batch);
  if (step.encoder) throw new Error('supervised training runs the whole model (scope "all")');
  const session = await ort.InferenceSession.create(serializeModel(step.graph), {
    executionProviders: ['cpu'], ...(settings.threads > 0 ? { intraOpNumThreads: settings.threads } : {}),
  });
  const feeds = (t: number): Record<string, Ort.Tensor> => {
    const random = mulberry32((settings.seed * 7919 + t * 104729) >>> 0);
    const patches = Array.from({ length: settings.batch }, () => {
      const c = cases[Math.floor(random() * cases.length)]!;
      const seed = Math.floor(random() * 2 ** 31);
      return samplePatches(c.image, c.labels, { count: 1, roi: card.roi, seed, positiveRatio: settings.positiveRatio })[0]!;
    });
    const batch = patchBatch(patches, card.labels);
    return {
      image: new ort.Tensor('float32', batch.image.data, batch.image.dims),
      target: new ort.Tensor('float32', batch.target.data, batch.target.dims),
      weight: new ort.Tensor('float32', batch.weight.data, batch.weight.dims),
    };
  };
  try {
    const outcome = await runTrainingLoop(ort, {
      name: 'training', steps: settings.steps, session, trained: step.trained, initial: weights, feeds,
      learningRate: warmupCosine(settings.lr, settings.steps, settings.warmup), weightDecay: settings.weightDecay, terms: [],
      checkpoint, run: { kind: 'swinfuse-supervised', card: card.name, cases: cases.length, ...settings, threads: undefined, ...run },
      onStep: hooks.onStep, isCancelled: hooks.isCancelled,
    });
    const out = new Map(weights);
    for (const [name, w] of outcome.weights) out.set(name, w);
    return { weights: out, losses: outcome.losses, cancelled: outcome.cancelled };
  } finally {
    await session.release();
  }
}
