// The self-supervised pre-training losses of SwinFUSE (docs/swinfuse-reference.md, "The paper"):
// L_total = L_inpaint + L_contrast + L_rot − L_JSD, each an ONNX subgraph appended after the heads, so one training
// step graph computes forward, losses and (with src/core/autodiff) gradients. Every op used has a gradient rule in
// src/core/autodiff/gradient-rules.ts. Inputs may be float32 or float64 (constants take the input's type), which lets
// the tests check gradients in float64.
import { formatShape, type GraphBuilder, int, type Tensor } from '../onnx';

/** Inside every log, so P·log P stays finite (and its gradient too) where a density underflows to 0. */
const LOG_EPS = 1e-12;
/** F.normalize's eps (1e-12) squared, inside the square root of the squared norm. */
const NORM_EPS_SQUARED = 1e-24;

/**
 * Trilinear ×2 upsampling of x [B, C, D, H, W] along D, H, W, exactly torch F.interpolate(scale_factor=2,
 * mode='trilinear', align_corners=False). There is no gradient rule for Resize, so it is written as its separable
 * stencil: torch's source index for output o is max(0, o/2 − 1/4), so output 2i is ¾·x[i] + ¼·x[i−1] and output
 * 2i+1 is ¾·x[i] + ¼·x[i+1], with the index clamped to [0, n−1] at the ends. Trilinear weights are products of the
 * per-axis linear weights, so applying the 1-D stencil along D, H and W in turn is the same sum (up to float
 * rounding, ~1e-7 relative). Slice/Concat/Mul/Add/Reshape only; static shapes required.
 */
export function upsampleTrilinear2x(g: GraphBuilder, x: Tensor): Tensor {
  const shape = x.type.shape;
  checkFloat(x, 'upsampleTrilinear2x');
  if (shape.length !== 5 || !shape.every((d) => typeof d === 'number')) {
    throw new Error(`upsampleTrilinear2x: x "${x.name}" has shape ${formatShape(shape)}; expected a static [B, C, D, H, W]`);
  }
  return g.scope('upsample2x', () => [2, 3, 4].reduce((t, axis) => upsampleAxis(g, t, axis), x));
}

function upsampleAxis(g: GraphBuilder, x: Tensor, axis: number): Tensor {
  const shape = x.type.shape as number[];
  const n = shape[axis]!;
  const slice = (start: number, end: number): Tensor => g.op('Slice', [x, g.int64s([start]), g.int64s([end]), g.int64s([axis])]);
  const concat = (parts: Tensor[], at: number): Tensor => g.op('Concat', parts, { axis: int(at) });
  // x shifted by one with the edge repeated: the clamped neighbour index.
  const previous = n === 1 ? x : concat([slice(0, 1), slice(0, n - 1)], axis);
  const following = n === 1 ? x : concat([slice(1, n), slice(n - 1, n)], axis);
  const centre = g.op('Mul', [x, scalarLike(g, 0.75, x)]);
  const quarter = scalarLike(g, 0.25, x);
  const even = g.op('Add', [centre, g.op('Mul', [previous, quarter])]);
  const odd = g.op('Add', [centre, g.op('Mul', [following, quarter])]);
  // Interleave: [.., n, 1, ..] pairs side by side on a new axis, then that axis folded into this one.
  const paired = g.int64s([...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]);
  const pairs = concat([g.op('Reshape', [even, paired]), g.op('Reshape', [odd, paired])], axis + 1);
  return g.op('Reshape', [pairs, g.int64s([...shape.slice(0, axis), 2 * n, ...shape.slice(axis + 1)])]);
}

/** Mean absolute error over all elements (L_inpaint): mean |recon − target|. Shapes equal. Returns shape []. */
export function l1Loss(g: GraphBuilder, recon: Tensor, target: Tensor): Tensor {
  checkSameShape(recon, target, 'l1Loss');
  return g.scope('l1Loss', () => reduceAll(g, 'ReduceMean', g.op('Abs', [g.op('Sub', [recon, target])])));
}

/**
 * 4-way rotation classification (L_rot): mean over the batch of −Σ_k t_k log softmax(logits)_k; logits and oneHot
 * [B, 4] (any K works; B may be symbolic). Equals torch F.cross_entropy with class indices for one-hot targets.
 * Returns [].
 */
export function crossEntropyLoss(g: GraphBuilder, logits: Tensor, oneHot: Tensor): Tensor {
  checkSameShape(logits, oneHot, 'crossEntropyLoss');
  checkRank(logits, 2, 'crossEntropyLoss', '[B, K]');
  return g.scope('crossEntropyLoss', () => {
    // Shifted by the row maximum so Exp cannot overflow; log(Softmax) would give log 0 = −inf for a far-off logit.
    const shifted = g.op('Sub', [logits, g.op('ReduceMax', [logits, g.int64s([1])], { keepdims: int(1) })]);
    const logSumExp = g.op('Log', [g.op('ReduceSum', [g.op('Exp', [shifted]), g.int64s([1])], { keepdims: int(1) })]);
    const logProbs = g.op('Sub', [shifted, logSumExp]);
    const perRow = g.op('ReduceSum', [g.op('Mul', [oneHot, logProbs]), g.int64s([1])], { keepdims: int(0) });
    return g.op('Neg', [g.op('ReduceMean', [perRow, g.int64s([0])], { keepdims: int(0) })]);
  });
}

/**
 * NT-Xent (L_contrast; SimCLR, monai.losses.ContrastiveLoss semantics) between z1 and z2 [B, D], B static:
 * L2-normalize rows, cosine similarity of the 2B rows, temperature τ, positives are (i, i+B) and (i+B, i), the
 * denominator excludes self-similarity; mean over the 2B anchors of log Σ_{j≠i} exp(s_ij/τ) − s_i,pos/τ.
 * Returns [].
 */
export function ntXentLoss(g: GraphBuilder, z1: Tensor, z2: Tensor, temperature: number): Tensor {
  checkSameShape(z1, z2, 'ntXentLoss');
  checkRank(z1, 2, 'ntXentLoss', '[B, D]');
  const b = z1.type.shape[0];
  if (typeof b !== 'number') throw new Error(`ntXentLoss: the batch axis of z1 "${z1.name}" must be static, got ${b}`);
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new Error(`ntXentLoss: temperature is ${temperature}; it must be > 0`);
  const n = 2 * b;
  return g.scope('ntXentLoss', () => {
    const z = g.op('Concat', [z1, z2], { axis: int(0) });
    const norm = g.op('Sqrt', [g.op('Add', [sumRows(g, g.op('Mul', [z, z]), 1), scalarLike(g, NORM_EPS_SQUARED, z)])]);
    const unit = g.op('Div', [z, norm]);
    const sim = g.op('MatMul', [unit, g.op('Transpose', [unit], { perm: { type: 'ints', value: [1, 0] } })]);
    const logits = g.op('Mul', [sim, scalarLike(g, 1 / temperature, z)]);
    const matrix = (f: (r: number, c: number) => number, hint: string): Tensor =>
      constantLike(g, z, [n, n], Array.from({ length: n * n }, (_, k) => f(Math.floor(k / n), k % n)), hint);
    const negatives = matrix((r, c) => (r === c ? 0 : 1), 'negatives_mask');
    const positives = matrix((r, c) => (c === (r + b) % n ? 1 : 0), 'positives_mask');
    // Log-sum-exp shifted by the largest negative logit, so no τ over- or underflows Exp. The diagonal (≈ 1/τ) is
    // lowered by 3/τ first: below every cosine/τ ≥ −1/τ, it can neither be the maximum nor exceed it.
    const selfDown = matrix((r, c) => (r === c ? -3 / temperature : 0), 'self_down');
    const lowered = g.op('Add', [logits, selfDown]);
    const rowMax = g.op('ReduceMax', [lowered, g.int64s([1])], { keepdims: int(1) });
    const expNeg = g.op('Mul', [g.op('Exp', [g.op('Sub', [lowered, rowMax])]), negatives]);
    const logDenominator = g.op('Add', [g.op('Log', [sumRows(g, expNeg, 1)]), rowMax]);
    const positive = sumRows(g, g.op('Mul', [logits, positives]), 1);
    return reduceAll(g, 'ReduceMean', g.op('Sub', [logDenominator, positive]));
  });
}

/**
 * L_JSD: the Jensen–Shannon divergence between Gaussian kernel density estimates of two groups of points.
 * points [N, D]; groupA [N] float 0/1 (1 = the point belongs to group A, 0 = group B); sigma the kernel bandwidth.
 * p_A(x) = (1/N_A) Σ_{n∈A} exp(−||x − x_n||² / (2σ²)), p_B likewise, evaluated at every one of the N points; each
 * is normalized over the N evaluation points into a distribution (divide by its sum), M = (P_A + P_B)/2,
 * JSD = ½ Σ P_A log(P_A/M) + ½ Σ P_B log(P_B/M) (natural log, 1e-12 inside logs). Returns [], in [0, ln 2].
 * Pairwise squared distances as ||x||² + ||y||² − 2 x·y (MatMul), clamped at ≥ 0 with Relu.
 *
 * The 1/N_A factor cancels in the normalization, so it is left out: an empty group then gives P = 0 (the sum gets
 * 1e-12 added; a non-empty one is ≥ 1, each point's own kernel being 1) and the JSD a constant ½·ln 2 with zero
 * gradient instead of NaN.
 */
export function kdeJsd(g: GraphBuilder, points: Tensor, groupA: Tensor, sigma: number): Tensor {
  checkFloat(points, 'kdeJsd');
  checkRank(points, 2, 'kdeJsd', '[N, D]');
  const n = points.type.shape[0]!;
  if (groupA.type.dtype !== points.type.dtype || formatShape(groupA.type.shape) !== formatShape([n])) {
    throw new Error(`kdeJsd: groupA "${groupA.name}" is ${groupA.type.dtype} ${formatShape(groupA.type.shape)}; `
      + `expected ${points.type.dtype} ${formatShape([n])}`);
  }
  if (!(Number.isFinite(sigma) && sigma > 0)) throw new Error(`kdeJsd: sigma is ${sigma}; it must be > 0`);
  return g.scope('kdeJsd', () => {
    const x = points;
    const one = scalarLike(g, 1, x);
    const squaredNorms = sumRows(g, g.op('Mul', [x, x]), 1);
    const gram = g.op('MatMul', [x, g.op('Transpose', [x], { perm: { type: 'ints', value: [1, 0] } })]);
    const normSums = g.op('Add', [squaredNorms, g.op('Transpose', [squaredNorms], { perm: { type: 'ints', value: [1, 0] } })]);
    // Rounding can leave a tiny negative squared distance; Relu clamps it (its gradient there is 0 either way).
    const squared = g.op('Relu', [g.op('Sub', [normSums, g.op('Mul', [gram, scalarLike(g, 2, x)])])]);
    const kernel = g.op('Exp', [g.op('Mul', [squared, scalarLike(g, -1 / (2 * sigma * sigma), x)])]);
    const a = g.op('Reshape', [groupA, g.int64s([-1, 1])]);
    const distribution = (member: Tensor): Tensor => {
      const density = g.op('MatMul', [kernel, member]);
      return g.op('Div', [density, g.op('Add', [reduceAll(g, 'ReduceSum', density), scalarLike(g, LOG_EPS, x)])]);
    };
    const pA = distribution(a);
    const pB = distribution(g.op('Sub', [one, a]));
    const logOf = (p: Tensor): Tensor => g.op('Log', [g.op('Add', [p, scalarLike(g, LOG_EPS, x)])]);
    const logM = logOf(g.op('Mul', [g.op('Add', [pA, pB]), scalarLike(g, 0.5, x)]));
    const kl = (p: Tensor): Tensor => g.op('Mul', [p, g.op('Sub', [logOf(p), logM])]);
    return g.op('Mul', [reduceAll(g, 'ReduceSum', g.op('Add', [kl(pA), kl(pB)])), scalarLike(g, 0.5, x)]);
  });
}

/** A constant of the input's float type, so it broadcasts without a Cast (float64 graphs are for gradient checks). */
function constantLike(g: GraphBuilder, like: Tensor, shape: readonly number[], values: ArrayLike<number>, hint: string): Tensor {
  return like.type.dtype === 'float64'
    ? g.constant('float64', shape, Float64Array.from(values), hint)
    : g.constant('float32', shape, Float32Array.from(values), hint);
}

const scalarLike = (g: GraphBuilder, value: number, like: Tensor): Tensor => constantLike(g, like, [], [value], 'scalar');

const sumRows = (g: GraphBuilder, x: Tensor, axis: number): Tensor =>
  g.op('ReduceSum', [x, g.int64s([axis])], { keepdims: int(1) });

/** A reduction over every axis to a scalar of shape []. */
function reduceAll(g: GraphBuilder, op: 'ReduceMean' | 'ReduceSum', x: Tensor): Tensor {
  return g.op(op, [x, g.int64s(x.type.shape.map((_, i) => i))], { keepdims: int(0) });
}

function checkFloat(x: Tensor, where: string): void {
  const dtype = x.type.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${where}: "${x.name}" is ${dtype}, not float32 or float64`);
}

function checkRank(x: Tensor, rank: number, where: string, expected: string): void {
  if (x.type.shape.length !== rank) throw new Error(`${where}: "${x.name}" has shape ${formatShape(x.type.shape)}; expected ${expected}`);
}

/** Checks where the loss is built (not deep inside ORT) that both inputs are floats of one type and shape. */
function checkSameShape(a: Tensor, b: Tensor, where: string): void {
  checkFloat(a, where);
  if (b.type.dtype !== a.type.dtype) throw new Error(`${where}: "${b.name}" is ${b.type.dtype}, "${a.name}" ${a.type.dtype}`);
  if (formatShape(a.type.shape) !== formatShape(b.type.shape)) {
    throw new Error(`${where}: "${b.name}" has shape ${formatShape(b.type.shape)}, "${a.name}" ${formatShape(a.type.shape)}`);
  }
}
