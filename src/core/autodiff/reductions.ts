// Gradients of ReduceSum, ReduceMean and ReduceMax. Axes come from input 1 (opset 18) or, in older graphs, the
// `axes` attribute; none means all axes, unless noop_with_empty_axes makes the op an identity.
import type { Tensor } from '../onnx';
import { constantInts, gradOf, inputOf, intAttr, intsAttr, normalizeAxis, type GradientContext, type GradientRule } from './rule-types';
import { cast, div, expandTo, mul, reduceSum, reshapeTo, scalarOf, slice } from './tensor-helpers';

interface Reduction {
  readonly x: Tensor;
  /** Reduced axes, normalized and sorted; empty for an identity. */
  readonly axes: readonly number[];
  /** dy reshaped to x's rank (1 on reduced axes), ready to broadcast. */
  readonly dyKept: Tensor;
}

function reduction(ctx: GradientContext): Reduction {
  const x = inputOf(ctx, 0);
  const rank = x.type.shape.length;
  const attrs = ctx.node.attributes;
  const listed = ctx.inputs[1] ? constantInts(ctx, 1, 'axes') : intsAttr(attrs, 'axes') ?? [];
  const noop = listed.length === 0 && intAttr(attrs, 'noop_with_empty_axes', 0) === 1;
  const axes = noop ? [] : listed.length ? [...new Set(listed.map((a) => normalizeAxis(ctx, a, rank)))].sort((a, b) => a - b)
    : Array.from({ length: rank }, (_, i) => i);
  const keptShape = x.type.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { x, axes, dyKept: reshapeTo(ctx.g, gradOf(ctx), keptShape) };
}

/** Every summed value gets dy. */
export const reduceSumGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const r = reduction(ctx);
  return [expandTo(ctx.g, r.dyKept, r.x.type.shape, r.x)];
};

/**
 * Every averaged value gets dy / count. A reduced symbolic (batch) axis has its size counted at run time: a sum of
 * ones made from x (one element per batch entry, to the power 0), so the graph needs no Shape op.
 */
export const reduceMeanGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const r = reduction(ctx);
  const t = r.x.type.dtype;
  const shape = r.x.type.shape;
  const count = r.axes.reduce((acc, a) => acc * (typeof shape[a] === 'number' ? shape[a] : 1), 1);
  let scaled = count === 1 ? r.dyKept : div(g, r.dyKept, scalarOf(g, count, t));
  const symbolicAxes = r.axes.filter((a) => typeof shape[a] !== 'number');
  if (symbolicAxes.length) {
    const staticAxes = shape.flatMap((d, i) => (typeof d === 'number' ? [i] : []));
    const sliver = staticAxes.length ? slice(g, r.x, staticAxes.map(() => 0), staticAxes.map(() => 1), staticAxes) : r.x;
    scaled = div(g, scaled, reduceSum(g, g.op('Pow', [sliver, scalarOf(g, 0, t)]), symbolicAxes, true));
  }
  return [expandTo(g, scaled, shape, r.x)];
};

/** dy goes to the maximum; ties share it equally (as torch.amax does). */
export const reduceMaxGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const r = reduction(ctx);
  const t = r.x.type.dtype;
  const maxKept = reshapeTo(g, ctx.outputs[0]!, r.dyKept.type.shape);
  const isMax = cast(g, g.op('Equal', [r.x, maxKept]), t);
  const ties = r.axes.length ? reduceSum(g, isMax, r.axes, true) : scalarOf(g, 1, t);
  return [mul(g, isMax, div(g, r.dyKept, ties))];
};
