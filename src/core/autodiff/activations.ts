// Gradients of the activation functions and Softmax.
import { gradOf, floatAttr, inputOf, intAttr, normalizeAxis, type GradientRule } from './rule-types';
import { add, mul, positiveMask, reduceSum, scalarOf, sub } from './tensor-helpers';

/** dy where x > 0, else 0 (0 at x = 0 exactly, as PyTorch). */
export const reluGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  return [mul(ctx.g, gradOf(ctx), positiveMask(ctx.g, inputOf(ctx, 0)))];
};

/** dy·(α + (1 − α)·[x > 0]): slope 1 above 0, α below (and at 0, as PyTorch). */
export const leakyReluGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const x = inputOf(ctx, 0);
  const alpha = floatAttr(ctx.node.attributes, 'alpha', 0.01);
  const t = x.type.dtype;
  const slope = add(g, scalarOf(g, alpha, t), mul(g, positiveMask(g, x), scalarOf(g, 1 - alpha, t)));
  return [mul(g, gradOf(ctx), slope)];
};

/** σ' = y(1 − y), from the output. */
export const sigmoidGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const y = ctx.outputs[0]!;
  return [mul(g, gradOf(ctx), mul(g, y, sub(g, scalarOf(g, 1, y.type.dtype), y)))];
};

/** tanh' = 1 − y², from the output. */
export const tanhGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const y = ctx.outputs[0]!;
  return [mul(g, gradOf(ctx), sub(g, scalarOf(g, 1, y.type.dtype), mul(g, y, y)))];
};

/** Softmax along one axis (opset 13+): dx = y·(dy − Σ_axis dy·y). */
export const softmaxGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const y = ctx.outputs[0]!;
  const dy = gradOf(ctx);
  const axis = normalizeAxis(ctx, intAttr(ctx.node.attributes, 'axis', -1), y.type.shape.length);
  const dot = reduceSum(g, mul(g, dy, y), [axis], true);
  return [mul(g, y, sub(g, dy, dot))];
};
