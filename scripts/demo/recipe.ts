// The demo model's recipe in one place: what `npm run train:demo` builds and `npm run eval` compares. Sized for a
// 2-core CPU: roi 32 (the smallest SwinFUSE window), F = 12, generated 96³ cases at 2 mm.
import type { ModelConfig } from '../../src/core/models';
import type { PretrainSettings } from '../../src/core/pretrain/pretrain';
import type { SupervisedSettings } from '../../src/core/training/train-segmentation';

export const DEMO_NAME = 'swinfuse-demo';

/** (roi/2)² = 256 must divide by the DIM's heads, so 4 instead of the paper's 3 (which needs roi 96). */
export const demoConfig = (inChannels: number): ModelConfig => ({
  arch: 'swinfuse', inChannels, outChannels: 3, featureSize: 12, roi: 32, dimHeads: 4,
});

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

export const SEEDS = {
  /** Pre-training images: every MRI contrast and the CT of these cases (no labels used). */
  pretrain: range(1, 16),
  /** Labelled training cases. */
  train: range(101, 32),
  /** Held out from everything above: evaluation cases (all with at least one tumour). */
  heldOut: range(9001, 8),
  /** The bundled sample: held out too (the first held-out seed whose case has a tumour without forcing one). */
  sample: 9002,
} as const;

export const CASE_SIZE = [96, 96, 96] as const;
export const CASE_SPACING = 2;

export const PRETRAIN: Omit<PretrainSettings, 'threads'> = {
  steps: Number(process.env.SWINFUSE_PRETRAIN_STEPS ?? 300), views: 2, lr: 1e-3, warmup: 20, weightDecay: 1e-5, seed: 1,
  loss: { temperature: 0.5, jsdWeight: -1, jsdBandwidth: 1, jsdGrid: 4 },
};

/** Batch 1: the DIM attends across the batch axis, so a larger batch would mix patches during training, which
 * inference (one window at a time) never does. */
export const SUPERVISED: Omit<SupervisedSettings, 'threads'> = {
  steps: Number(process.env.SWINFUSE_TRAIN_STEPS ?? 1600), batch: 1, scope: 'all', lr: 2e-3, warmup: 30, weightDecay: 1e-5,
  seed: 2, positiveRatio: 0.6,
};

/** The evaluation's single-channel models train for fewer steps (three of them). */
export const EVAL_SUPERVISED: Omit<SupervisedSettings, 'threads'> = {
  ...SUPERVISED, steps: Number(process.env.SWINFUSE_EVAL_STEPS ?? 400),
};

/** Where runs keep their checkpoints and intermediate models (git-ignored). */
export const WORK_DIR = '.train';
