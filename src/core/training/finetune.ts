// The few-step fine-tuning loop: one image and its corrected mask → N AdamW steps on patches around the labels and
// the corrections → the model's new weights. It runs where onnxruntime runs (the fine-tune worker thread). Images
// are prepared as for inference (z-score per channel over non-zero voxels, the card's orientation as a strided view),
// so the model learns on exactly what it will be shown.
import type * as Ort from 'onnxruntime-node';
import { normalizeNonzeroPerChannel } from '../inference/normalize';
import { openSession, type Device, type DeviceRequest, type OrtLocation } from '../inference/ort-session';
import { niftiView, type Vec3 } from '../inference/volume-view';
import { onTrainingGrid } from './training-grid';
import type { ModelCard, WeightTensor } from '../models';
import { HIDDEN_STATES } from '../models';
import type { Reorientation } from '../nifti/reorient';
import { serializeModel } from '../onnx';
import { patchBatch, samplePatches } from './patches';
import { AdamWState } from './adamw-state';
import { buildStepGraph, type TrainScope } from './step-graph';

export interface FinetuneSettings {
  readonly steps: number;
  readonly scope: TrainScope;
  /** AdamW learning rate. */
  readonly lr: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly device: DeviceRequest;
  /** 0: one per physical core. */
  readonly threads: number;
}

export const DEFAULT_FINETUNE: Omit<FinetuneSettings, 'device' | 'threads'> = { steps: 20, scope: 'decoder', lr: 1e-3, weightDecay: 1e-5, seed: 0 };

export interface FinetuneCase {
  readonly card: ModelCard;
  /** Weights as stored in the base model's ONNX file (readStoredModel). */
  readonly weights: ReadonlyMap<string, WeightTensor>;
  /** Image channels, channel-major in the image's stored layout, scaled but not normalized (normalized here, in place). */
  readonly channels: Float32Array;
  /** The corrected mask, uint8 labels in the same layout. */
  readonly labels: Uint8Array;
  /** Non-zero where the user edited by hand (patches prefer them), or null. */
  readonly corrected: Uint8Array | null;
  readonly spatialShape: Vec3;
  /** From the stored layout to the card's orientation. */
  readonly plan: Reorientation;
  /** Voxel size in mm along the stored axes: the case is resampled to the card's spacing when it names one. */
  readonly spacing: Vec3;
}

export interface StepReport {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly ms: number;
}

export interface FinetuneHooks {
  onDevice?(device: Device, note: string): void;
  onStep(report: StepReport): void;
  isCancelled(): boolean;
}

export interface FinetuneOutcome {
  /** The base weights with the trained ones replaced. */
  readonly weights: Map<string, WeightTensor>;
  readonly losses: readonly number[];
  readonly device: Device;
  readonly cancelled: boolean;
}

export async function finetune(
  ort: typeof Ort, location: OrtLocation, job: FinetuneCase, settings: FinetuneSettings, hooks: FinetuneHooks,
): Promise<FinetuneOutcome> {
  checkSettings(settings);
  const { card } = job;
  {
    const [x, y, z] = job.spatialShape;
    const voxels = x * y * z;
    if (job.channels.length !== voxels * card.inChannels) {
      throw new Error(`${card.name} takes ${card.inChannels} channels; the image holds ${job.channels.length / voxels} of ${x}×${y}×${z}`);
    }
    if (job.labels.length !== voxels) throw new Error(`the mask has ${job.labels.length} voxels, the image ${voxels}`);
  }
  // At the model's spacing when its card names one (src/core/training/training-grid.ts).
  const grid = onTrainingGrid(job);
  const [x, y, z] = grid.spatialShape;
  normalizeNonzeroPerChannel(grid.channels, card.inChannels, x * y * z);
  const image = niftiView(grid.channels, grid.spatialShape, card.inChannels, grid.plan);
  const labels = niftiView(grid.labels, grid.spatialShape, 1, grid.plan);
  const corrected = grid.corrected ? niftiView(grid.corrected, grid.spatialShape, 1, grid.plan) : null;
  const patches = samplePatches(image, labels, { count: settings.steps, roi: card.roi, seed: settings.seed }, corrected);

  const step = buildStepGraph(card, job.weights, settings.scope, 1);
  const session = { model: `${card.name} (training step)`, device: settings.device, threads: settings.threads };
  const opened = await openSession(ort, location, { ...session, bytes: serializeModel(step.graph) });
  const encoder = step.encoder
    ? await openSession(ort, location, { model: `${card.name} (encoder)`, device: opened.device, threads: settings.threads, bytes: serializeModel(step.encoder) })
    : null;
  hooks.onDevice?.(opened.device, opened.note);
  const state = new AdamWState(ort, step.trained, job.weights);
  const losses: number[] = [];
  let cancelled = false;
  try {
    for (let k = 0; k < settings.steps; k++) {
      if (hooks.isCancelled()) {
        cancelled = true;
        break;
      }
      const started = performance.now();
      const batch = patchBatch([patches[k]!], card.labels);
      const feeds: Record<string, Ort.Tensor> = {
        image: new ort.Tensor('float32', batch.image.data, batch.image.dims),
        target: new ort.Tensor('float32', batch.target.data, batch.target.dims),
        weight: new ort.Tensor('float32', batch.weight.data, batch.weight.dims),
        ...state.feeds(k + 1, settings.lr, settings.weightDecay),
      };
      if (encoder) {
        // The frozen encoder runs once per patch, outside the step graph.
        const hidden = await encoder.session.run({ image: feeds.image! });
        for (const h of HIDDEN_STATES) feeds[h] = hidden[h]!;
      }
      const out = await opened.session.run(feeds);
      const loss = Number((out.loss!.data as Float32Array)[0]);
      if (!Number.isFinite(loss)) throw new Error(`fine-tuning ${card.name}: the loss is ${loss} at step ${k + 1}; try a lower learning rate`);
      state.update(out);
      losses.push(loss);
      hooks.onStep({ step: k + 1, steps: settings.steps, loss, ms: performance.now() - started });
    }
  } finally {
    await opened.session.release();
    await encoder?.session.release();
  }
  const weights = new Map<string, WeightTensor>([...job.weights, ...state.weights()]);
  return { weights, losses, device: opened.device, cancelled };
}

function checkSettings(s: FinetuneSettings): void {
  if (!Number.isInteger(s.steps) || s.steps < 1) throw new RangeError(`steps must be a whole number ≥ 1, got ${s.steps}`);
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) throw new RangeError(`the learning rate must be > 0, got ${s.lr}`);
  if (!(s.weightDecay >= 0)) throw new RangeError(`weight decay must be ≥ 0, got ${s.weightDecay}`);
  if (!Number.isInteger(s.seed)) throw new RangeError(`the seed must be a whole number, got ${s.seed}`);
}
