// SwinFUSE's self-supervised pre-training run: sub-volumes of MRI and CT images (or of one modality, for the
// single-modality comparison), two augmented views each, the paper's four-term loss, AdamW, resumable.
import type * as Ort from 'onnxruntime-node';
import type { ModelConfig, WeightTensor } from '../models';
import { mulberry32 } from '../models/random-weights';
import { serializeModel } from '../onnx';
import { runTrainingLoop, warmupCosine, type LoopReport } from '../training/resumable-loop';
import { initialHeadWeights } from './pretrain-heads';
import { buildPretrainStepGraph, type PretrainLossSettings } from './pretrain-graph';
import { sampleViews, type PretrainVolume } from './pretrain-views';

export interface PretrainSettings {
  readonly steps: number;
  /** Sub-volumes per step (the batch holds two views of each). With both modalities, half are MRI, half CT. */
  readonly views: number;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly loss: PretrainLossSettings;
  /** onnxruntime intra-op threads; 0 for its default. */
  readonly threads: number;
}

export interface PretrainHooks {
  onStep?(report: LoopReport): void;
  isCancelled?(): boolean;
}

export interface PretrainOutcome {
  /** Encoder weights (as stored in a model file) and the heads' `ssl.*` weights. */
  readonly weights: Map<string, WeightTensor>;
  readonly losses: readonly number[];
  readonly cancelled: boolean;
}

/**
 * Pre-trains the encoder whose stored weights are `encoder` (single-channel SwinFUSE of `config`) on `volumes`.
 * With both MRI and CT volumes, sub-volumes alternate between the two; with one modality the JSD term is left out
 * (there is no second density to compare).
 */
export async function pretrainEncoder(ort: typeof Ort, volumes: readonly PretrainVolume[], config: ModelConfig,
  encoder: ReadonlyMap<string, WeightTensor>, settings: PretrainSettings, checkpoint: { path: string; every: number } | null,
  hooks: PretrainHooks = {}): Promise<PretrainOutcome> {
  const mri = volumes.flatMap((v, i) => (v.mri ? [i] : []));
  const ct = volumes.flatMap((v, i) => (v.mri ? [] : [i]));
  if (mri.length + ct.length === 0) throw new Error('pre-training: no volumes');
  const mixed = mri.length > 0 && ct.length > 0;
  const loss = mixed ? settings.loss : { ...settings.loss, jsdWeight: 0 };
  const step = buildPretrainStepGraph(config, encoder, settings.views, loss);
  const session = await ort.InferenceSession.create(serializeModel(step.graph), {
    executionProviders: ['cpu'], ...(settings.threads > 0 ? { intraOpNumThreads: settings.threads } : {}),
  });
  const initial = new Map<string, WeightTensor>([...encoder, ...initialHeadWeights(config, settings.seed)]);
  const s = config.roi;
  const rows = 2 * settings.views;
  const feeds = (t: number): Record<string, Ort.Tensor> => {
    const random = mulberry32((settings.seed * 7919 + t * 104729) >>> 0);
    const pool = (i: number): readonly number[] => (!mixed ? (mri.length ? mri : ct) : i % 2 === 0 ? mri : ct);
    const batch = sampleViews(volumes, settings.views, s, random, (i) => {
      const from = pool(i);
      return from[Math.floor(random() * from.length)]!;
    });
    const out: Record<string, Ort.Tensor> = {
      image: new ort.Tensor('float32', batch.image, [rows, 1, s, s, s]),
      target: new ort.Tensor('float32', batch.target, [rows, 1, s, s, s]),
      rotation: new ort.Tensor('float32', batch.rotation, [rows, 4]),
    };
    if (step.pointsPerRow > 0) {
      const group = new Float32Array(rows * step.pointsPerRow);
      batch.mri.forEach((isMri, r) => group.fill(isMri ? 1 : 0, r * step.pointsPerRow, (r + 1) * step.pointsPerRow));
      out.jsdGroup = new ort.Tensor('float32', group, [group.length]);
    }
    return out;
  };
  try {
    const outcome = await runTrainingLoop(ort, {
      name: 'pre-training', steps: settings.steps, session, trained: step.trained, initial, feeds,
      learningRate: warmupCosine(settings.lr, settings.steps, settings.warmup), weightDecay: settings.weightDecay,
      terms: step.terms, checkpoint,
      run: {
        kind: 'swinfuse-pretrain', config, modalities: mixed ? 'mri+ct' : mri.length ? 'mri' : 'ct', volumes: volumes.length,
        views: settings.views, lr: settings.lr, warmup: settings.warmup, weightDecay: settings.weightDecay, seed: settings.seed,
        steps: settings.steps, loss,
      },
      onStep: hooks.onStep, isCancelled: hooks.isCancelled,
    });
    return { weights: outcome.weights, losses: outcome.losses, cancelled: outcome.cancelled };
  } finally {
    await session.release();
  }
}

/**
 * A segmentation model's stored weights with its encoder taken from pre-training. The single-channel patch
 * embedding is spread over `inChannels` input channels (copied, divided by their number), so a z-scored
 * multi-channel image starts out embedded as the mean of its channels would be.
 */
export function withPretrainedEncoder(target: ReadonlyMap<string, WeightTensor>, pretrained: ReadonlyMap<string, WeightTensor>): Map<string, WeightTensor> {
  const out = new Map(target);
  let taken = 0;
  for (const [name, w] of pretrained) {
    const t = target.get(name);
    if (!t || name.startsWith('ssl.')) continue;
    taken++;
    if (sameShape(t.shape, w.shape)) {
      out.set(name, { shape: [...t.shape], data: w.data.slice() });
      continue;
    }
    const [f, cin, ...k] = t.shape;
    if (w.shape.length !== t.shape.length || w.shape[0] !== f || w.shape[1] !== 1 || !sameShape(w.shape.slice(2), k)) {
      throw new Error(`pre-trained weight ${name} is [${w.shape}], the model wants [${t.shape}]`);
    }
    const inner = k.reduce((a, b) => a * b, 1);
    const data = new Float32Array(t.data.length);
    for (let o = 0; o < f!; o++) for (let c = 0; c < cin!; c++) for (let i = 0; i < inner; i++) {
      data[(o * cin! + c) * inner + i] = w.data[o * inner + i]! / cin!;
    }
    out.set(name, { shape: [...t.shape], data });
  }
  if (taken === 0) throw new Error('pre-trained weights share no name with the model; was it pre-trained for another architecture?');
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
