// Gradients of InstanceNormalization and LayerNormalization. Both normalise x over some axes,
// x̂ = (x − mean) / √(var + ε), then scale and shift. The statistics are recomputed in the backward graph (the forward
// nodes do not export them), and
//   dx = inv · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)),  ĝ = dy · scale,  inv = 1/√(var + ε),
// with the means over the normalised axes; dscale = Σ dy · x̂ and dbias = Σ dy over the other axes.
import type { GraphBuilder, Tensor } from '../onnx';
import { fail, floatAttr, gradOf, inputOf, intAttr, normalizeAxis, type GradientContext, type GradientRule } from './rule-types';
import { add, div, mul, reduceMean, reduceSum, reshapeTo, scalarOf, sub, unbroadcast } from './tensor-helpers';

interface Normalized {
  readonly xhat: Tensor;
  readonly inv: Tensor;
}

/** x̂ and 1/√(var + ε) over `axes` (biased variance, as both ops define it). */
function normalize(g: GraphBuilder, x: Tensor, axes: readonly number[], epsilon: number): Normalized {
  const centred = sub(g, x, reduceMean(g, x, axes));
  const variance = reduceMean(g, mul(g, centred, centred), axes);
  const inv = div(g, scalarOf(g, 1, x.type.dtype), g.op('Sqrt', [add(g, variance, scalarOf(g, epsilon, x.type.dtype))]));
  return { xhat: mul(g, centred, inv), inv };
}

/** dx from ĝ = dy · scale (already broadcast to x's shape). */
function inputGrad(g: GraphBuilder, ghat: Tensor, n: Normalized, axes: readonly number[]): Tensor {
  const centred = sub(g, ghat, reduceMean(g, ghat, axes));
  const projected = mul(g, n.xhat, reduceMean(g, mul(g, ghat, n.xhat), axes));
  return mul(g, n.inv, sub(g, centred, projected));
}

/** x: [N, C, spatial…], scale and bias: [C]; statistics per (n, c) over the spatial axes. */
export const instanceNormGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const x = inputOf(ctx, 0);
  const scale = inputOf(ctx, 1);
  const dy = gradOf(ctx);
  const rank = x.type.shape.length;
  if (rank < 3) fail(ctx, `input of rank ${rank} has no spatial axes`);
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  const n = normalize(g, x, spatial, floatAttr(ctx.node.attributes, 'epsilon', 1e-5));
  // [C] → [C, 1, …, 1] so it broadcasts against [N, C, spatial…].
  const perChannel = (t: Tensor): Tensor => reshapeTo(g, t, [t.type.shape[0]!, ...spatial.map(() => 1)]);
  const batchAndSpace = [0, ...spatial];
  return [
    ctx.needs(0) ? inputGrad(g, mul(g, dy, perChannel(scale)), n, spatial) : null,
    ctx.needs(1) ? reduceSum(g, mul(g, dy, n.xhat), batchAndSpace, false) : null,
    ctx.needs(2) ? reduceSum(g, dy, batchAndSpace, false) : null,
  ];
};

function layerNormAxes(ctx: GradientContext, x: Tensor): number[] {
  const rank = x.type.shape.length;
  const axis = normalizeAxis(ctx, intAttr(ctx.node.attributes, 'axis', -1), rank);
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

/**
 * Statistics over axes [axis, rank); scale and bias broadcast against those axes. The optional Mean and InvStdDev
 * outputs must not lead to the loss (nothing we build uses them).
 */
export const layerNormGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  if (ctx.outputGrads.slice(1).some((t) => t)) fail(ctx, 'gradients through the Mean and InvStdDev outputs are not supported');
  const x = inputOf(ctx, 0);
  const scale = inputOf(ctx, 1);
  const dy = gradOf(ctx);
  const axes = layerNormAxes(ctx, x);
  const n = normalize(g, x, axes, floatAttr(ctx.node.attributes, 'epsilon', 1e-5));
  return [
    ctx.needs(0) ? inputGrad(g, mul(g, dy, scale), n, axes) : null,
    ctx.needs(1) ? unbroadcast(g, mul(g, dy, n.xhat), scale.type.shape) : null,
    ctx.needs(2) ? unbroadcast(g, dy, inputOf(ctx, 2).type.shape) : null,
  ];
};
