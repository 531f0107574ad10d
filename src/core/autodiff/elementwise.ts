// Gradients of the elementwise arithmetic ops. Binary ops broadcast (numpy rules), so each operand's gradient is
// summed back down to its own shape.
import type { Tensor } from '../onnx';
import { gradOf, inputOf, type GradientContext, type GradientRule } from './rule-types';
import { cast, div, mul, neg, scalarOf, sub, unbroadcast } from './tensor-helpers';

/** Applies `make` for each needed operand of a binary op and sums the result down to that operand's shape. */
function binary(ctx: GradientContext, make: (i: 0 | 1) => Tensor): (Tensor | null)[] {
  return ([0, 1] as const).map((i) => (ctx.needs(i) ? unbroadcast(ctx.g, make(i), inputOf(ctx, i).type.shape) : null));
}

export const addGrad: GradientRule = (ctx) => binary(ctx, () => gradOf(ctx));

export const subGrad: GradientRule = (ctx) => binary(ctx, (i) => (i === 0 ? gradOf(ctx) : neg(ctx.g, gradOf(ctx))));

export const mulGrad: GradientRule = (ctx) => binary(ctx, (i) => mul(ctx.g, gradOf(ctx), inputOf(ctx, 1 - i)));

/** y = a / b: da = dy / b, db = −dy·a/b² = −dy·y/b. */
export const divGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const b = inputOf(ctx, 1);
  const y = ctx.outputs[0]!;
  return binary(ctx, (i) => (i === 0 ? div(g, gradOf(ctx), b) : neg(g, div(g, mul(g, gradOf(ctx), y), b))));
};

/**
 * y = aᵇ: da = dy·b·aᵇ⁻¹, db = dy·y·ln a. The exponent may be a constant (the usual case) or a graph value; its
 * gradient is only meaningful where a > 0, as in PyTorch.
 */
export const powGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const a = inputOf(ctx, 0);
  const b = cast(g, inputOf(ctx, 1), a.type.dtype);
  const y = ctx.outputs[0]!;
  return binary(ctx, (i) => {
    if (i === 0) {
      const powMinus1 = g.op('Pow', [a, sub(g, b, scalarOf(g, 1, a.type.dtype))]);
      return mul(g, gradOf(ctx), mul(g, b, powMinus1));
    }
    return mul(g, gradOf(ctx), mul(g, y, g.op('Log', [a])));
  });
};

/** A unary op whose derivative is written from its input x, its output y and the output gradient dy. */
function unary(derivative: (ctx: GradientContext, x: Tensor, y: Tensor, dy: Tensor) => Tensor): GradientRule {
  return (ctx) => [ctx.needs(0) ? derivative(ctx, inputOf(ctx, 0), ctx.outputs[0]!, gradOf(ctx)) : null];
}

export const negGrad = unary(({ g }, _x, _y, dy) => neg(g, dy));

export const expGrad = unary(({ g }, _x, y, dy) => mul(g, dy, y));

export const logGrad = unary(({ g }, x, _y, dy) => div(g, dy, x));

/** d√x = 1 / (2√x): written from the output, so no second square root. */
export const sqrtGrad = unary(({ g }, _x, y, dy) => div(g, mul(g, dy, scalarOf(g, 0.5, y.type.dtype)), y));

/** d|x| = sign(x), built as (x > 0) − (0 > x) so that the derivative at 0 is 0, as in PyTorch. */
export const absGrad = unary(({ g }, x, _y, dy) => {
  const t = x.type.dtype;
  const zero = scalarOf(g, 0, t);
  const sign = sub(g, cast(g, g.op('Greater', [x, zero]), t), cast(g, g.op('Greater', [zero, x]), t));
  return mul(g, dy, sign);
});

/** d erf(x) = 2/√π · e^(−x²). */
export const erfGrad = unary(({ g }, x, _y, dy) => {
  const t = x.type.dtype;
  const gauss = g.op('Exp', [neg(g, mul(g, x, x))]);
  return mul(g, dy, mul(g, gauss, scalarOf(g, 2 / Math.sqrt(Math.PI), t)));
});
