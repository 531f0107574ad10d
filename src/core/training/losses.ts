// Segmentation losses as ONNX subgraphs: appended to a GraphBuilder after the model's logits, so one training-step
// graph computes forward, loss and (with the autodiff) gradients. Only ops with simple gradients are used: Sigmoid,
// Softmax, Exp, Log, Abs, Neg, Relu, Add/Sub/Mul/Div, ReduceSum/ReduceMean.
import { formatShape, type GraphBuilder, int, type Tensor } from '../onnx';
import type { LabelInfo } from '../models/model-card';

export interface SegmentationLossOptions {
  /**
   * Per-voxel weight [B, 1, spatial...], float32, usually 0/1: 0 leaves a voxel out of the loss (unlabelled, or
   * padding outside the image). Dice multiplies probabilities and targets by it (MONAI's MaskedDiceLoss); the
   * cross-entropy becomes the weighted mean Σ w·l / (Σ w + 1e-6) (the 1e-6 keeps an all-zero weight finite).
   */
  readonly weight?: Tensor | null;
  /** Dice smoothing added to numerator and denominator (MONAI smooth_nr, smooth_dr); default 1e-5 each. */
  readonly smoothNumerator?: number;
  readonly smoothDenominator?: number;
  /** Weights of the two terms (MONAI lambda_dice, lambda_ce); default 1 each. */
  readonly lambdaDice?: number;
  readonly lambdaCrossEntropy?: number;
}

/** The scalar loss and its two terms, each a float32 tensor of shape [] (the terms are for logging). */
export interface SegmentationLoss {
  readonly total: Tensor;
  readonly dice: Tensor;
  readonly crossEntropy: Tensor;
}

const WEIGHT_EPS = 1e-6;
const DEFAULT_SMOOTH = 1e-5;

/**
 * Sigmoid heads (BraTS TC, WT, ET: nested, overlapping regions): Dice on sigmoid(logits) + BCE with logits.
 * logits and target are float32 [B, K, spatial...]; target holds 0/1 region masks (bratsTargets makes them).
 *
 * This is MONAI DiceLoss(sigmoid=True) + torch BCEWithLogitsLoss (mean over all B·K·voxels). Note that MONAI's own
 * DiceCELoss(sigmoid=True) uses BCE only for K = 1; for K > 1 it applies softmax cross-entropy with the masks as
 * class probabilities, which is wrong for overlapping regions, so that branch is deliberately not copied.
 */
export function sigmoidDiceBceLoss(g: GraphBuilder, logits: Tensor, target: Tensor, options: SegmentationLossOptions = {}): SegmentationLoss {
  return g.scope('loss', () => {
    const spatial = checkLossInputs(logits, target, options, 'sigmoidDiceBceLoss');
    const weight = options.weight ?? null;
    const probs = g.op('Sigmoid', [logits]);
    const dice = softDiceLoss(g, probs, target, weight, spatial, options);
    // BCE with logits, stable for any |x|: max(x, 0) − x·t + log(1 + exp(−|x|)).
    const softplusTail = g.op('Log', [g.op('Add', [g.scalar(1), g.op('Exp', [g.op('Neg', [g.op('Abs', [logits])])])])]);
    const perElement = g.op('Add', [g.op('Sub', [g.op('Relu', [logits]), g.op('Mul', [logits, target])]), softplusTail]);
    const channels = logits.type.shape[1] as number;
    const crossEntropy = weight ? weightedMean(g, perElement, weight, channels) : reduceAll(g, 'ReduceMean', perElement);
    return combine(g, dice, crossEntropy, options);
  });
}

/**
 * Softmax heads (mutually exclusive classes, class 0 the background): Dice on softmax(logits) over all classes
 * (background included, as MONAI's default) + cross-entropy. target is one-hot float32 [B, K, spatial...]
 * (oneHotTargets makes it); the cross-entropy is −Σ_k t_k·log softmax_k, averaged over voxels, which equals
 * torch's cross_entropy with class indices for one-hot targets (and is its probability-target form otherwise).
 */
export function softmaxDiceCeLoss(g: GraphBuilder, logits: Tensor, target: Tensor, options: SegmentationLossOptions = {}): SegmentationLoss {
  return g.scope('loss', () => {
    const spatial = checkLossInputs(logits, target, options, 'softmaxDiceCeLoss');
    const weight = options.weight ?? null;
    const probs = g.op('Softmax', [logits], { axis: int(1) });
    const dice = softDiceLoss(g, probs, target, weight, spatial, options);
    const perVoxel = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [target, logSoftmaxChannels(g, logits)]), g.int64s([1])])]);
    const crossEntropy = weight ? weightedMean(g, perVoxel, weight, 1) : reduceAll(g, 'ReduceMean', perVoxel);
    return combine(g, dice, crossEntropy, options);
  });
}

/** The loss the model card's heads call for: sigmoid Dice+BCE for BraTS regions, softmax Dice+CE otherwise. */
export function segmentationLoss(g: GraphBuilder, labels: LabelInfo, logits: Tensor, target: Tensor, options: SegmentationLossOptions = {}): SegmentationLoss {
  return labels.scheme === 'brats'
    ? sigmoidDiceBceLoss(g, logits, target, options)
    : softmaxDiceCeLoss(g, logits, target, options);
}

/**
 * MONAI DiceLoss on probabilities (batch=False, reduction='mean'): per (batch, channel)
 * 1 − (2·Σ p·t + smooth_nr) / (Σ p + Σ t + smooth_dr) over the spatial axes, then the mean over batch and channels.
 */
export function softDiceLoss(g: GraphBuilder, probs: Tensor, target: Tensor, weight: Tensor | null,
  spatialAxes: readonly number[], options: Pick<SegmentationLossOptions, 'smoothNumerator' | 'smoothDenominator'> = {}): Tensor {
  const p = weight ? g.op('Mul', [probs, weight]) : probs;
  const t = weight ? g.op('Mul', [target, weight]) : target;
  const axes = g.int64s(spatialAxes);
  const sum = (x: Tensor): Tensor => g.op('ReduceSum', [x, axes], { keepdims: int(0) });
  const intersection = sum(g.op('Mul', [p, t]));
  const denominator = g.op('Add', [g.op('Add', [sum(p), sum(t)]), g.scalar(options.smoothDenominator ?? DEFAULT_SMOOTH)]);
  const numerator = g.op('Add', [g.op('Mul', [intersection, g.scalar(2)]), g.scalar(options.smoothNumerator ?? DEFAULT_SMOOTH)]);
  const perChannel = g.op('Sub', [g.scalar(1), g.op('Div', [numerator, denominator])]);
  return reduceAll(g, 'ReduceMean', perChannel);
}

/**
 * log softmax over axis 1 as x − s − log Σ exp(x − s) with s the mean over channels, not the max: any shift gives
 * the same value and its gradient cancels, and the mean keeps the graph to ops with simple gradient rules
 * (no ReduceMax). It is still stable: the largest term of the sum is exp(max − mean) ≥ 1, so the sum cannot
 * underflow to 0, and overflow would need logits spread by more than about 88·K/(K−1).
 */
export function logSoftmaxChannels(g: GraphBuilder, logits: Tensor): Tensor {
  const centred = g.op('Sub', [logits, g.op('ReduceMean', [logits, g.int64s([1])])]);
  const logSumExp = g.op('Log', [g.op('ReduceSum', [g.op('Exp', [centred]), g.int64s([1])])]);
  return g.op('Sub', [centred, logSumExp]);
}

/** Σ w·l / (channels·Σ w + ε): the mean of l over the voxels w keeps, for l with `channels` values per voxel. */
function weightedMean(g: GraphBuilder, perElement: Tensor, weight: Tensor, channels: number): Tensor {
  const weightedSum = reduceAll(g, 'ReduceSum', g.op('Mul', [perElement, weight]));
  const count = reduceAll(g, 'ReduceSum', weight);
  const scaled = channels === 1 ? count : g.op('Mul', [count, g.scalar(channels)]);
  return g.op('Div', [weightedSum, g.op('Add', [scaled, g.scalar(WEIGHT_EPS)])]);
}

/** A reduction over every axis to a scalar of shape []. */
function reduceAll(g: GraphBuilder, op: 'ReduceMean' | 'ReduceSum', x: Tensor): Tensor {
  return g.op(op, [x, g.int64s(x.type.shape.map((_, i) => i))], { keepdims: int(0) });
}

function combine(g: GraphBuilder, dice: Tensor, crossEntropy: Tensor, options: SegmentationLossOptions): SegmentationLoss {
  const scaled = (x: Tensor, lambda: number | undefined): Tensor => (lambda === undefined || lambda === 1 ? x : g.op('Mul', [x, g.scalar(lambda)]));
  const total = g.op('Add', [scaled(dice, options.lambdaDice), scaled(crossEntropy, options.lambdaCrossEntropy)], {}, 'total');
  return { total, dice, crossEntropy };
}

/** Checks shapes and types where the loss is built (not deep inside ORT) and returns the spatial axes. */
function checkLossInputs(logits: Tensor, target: Tensor, options: SegmentationLossOptions, where: string): number[] {
  const weight = options.weight;
  const shape = logits.type.shape;
  if (logits.type.dtype !== 'float32') throw new Error(`${where}: logits "${logits.name}" are ${logits.type.dtype}, not float32`);
  if (target.type.dtype !== 'float32') throw new Error(`${where}: target "${target.name}" is ${target.type.dtype}, not float32`);
  if (shape.length < 3) throw new Error(`${where}: logits "${logits.name}" have shape ${formatShape(shape)}; expected [B, K, spatial...]`);
  if (typeof shape[1] !== 'number') throw new Error(`${where}: the channel axis of logits "${logits.name}" must be static, got ${shape[1]}`);
  if (formatShape(target.type.shape) !== formatShape(shape)) {
    throw new Error(`${where}: target "${target.name}" has shape ${formatShape(target.type.shape)}, the logits ${formatShape(shape)}`);
  }
  if (weight) {
    const expected = [shape[0]!, 1, ...shape.slice(2)];
    if (weight.type.dtype !== 'float32' || formatShape(weight.type.shape) !== formatShape(expected)) {
      throw new Error(`${where}: weight "${weight.name}" is ${weight.type.dtype} ${formatShape(weight.type.shape)}; expected float32 ${formatShape(expected)}`);
    }
  }
  for (const name of ['lambdaDice', 'lambdaCrossEntropy', 'smoothNumerator', 'smoothDenominator'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`${where}: ${name} is ${value}; it must be a number ≥ 0`);
  }
  return shape.slice(2).map((_, i) => i + 2);
}
