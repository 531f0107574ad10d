// Gradients of MatMul (batched, with broadcast batch axes) and Gemm.
import type { GraphBuilder, Tensor } from '../onnx';
import { fail, floatAttr, gradOf, inputOf, intAttr, type GradientRule } from './rule-types';
import { mul, scalarOf, transposeLast2, unbroadcast } from './tensor-helpers';

/** C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC, each summed over the batch axes its operand was broadcast along. */
export const matMulGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const a = inputOf(ctx, 0);
  const b = inputOf(ctx, 1);
  if (a.type.shape.length < 2 || b.type.shape.length < 2) fail(ctx, 'inputs of rank 1 are not supported');
  const dy = gradOf(ctx);
  return [
    ctx.needs(0) ? unbroadcast(g, g.op('MatMul', [dy, transposeLast2(g, b)]), a.type.shape) : null,
    ctx.needs(1) ? unbroadcast(g, g.op('MatMul', [transposeLast2(g, a), dy]), b.type.shape) : null,
  ];
};

function gemm(g: GraphBuilder, a: Tensor, b: Tensor, transA: boolean, transB: boolean, alpha: number): Tensor {
  return g.op('Gemm', [a, b], {
    transA: { type: 'int', value: transA ? 1 : 0 }, transB: { type: 'int', value: transB ? 1 : 0 }, alpha: { type: 'float', value: alpha },
  });
}

/**
 * Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (likewise B'). dA' = α·dY·B'ᵀ and dB' = α·A'ᵀ·dY, each written as one
 * Gemm that already yields A's (B's) own layout; dC = β·dY summed down to C's shape.
 */
export const gemmGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const a = inputOf(ctx, 0);
  const b = inputOf(ctx, 1);
  const dy = gradOf(ctx);
  const attrs = ctx.node.attributes;
  const transA = intAttr(attrs, 'transA', 0) === 1;
  const transB = intAttr(attrs, 'transB', 0) === 1;
  const alpha = floatAttr(attrs, 'alpha', 1);
  const beta = floatAttr(attrs, 'beta', 1);
  // dA = α·dY·B'ᵀ, or its transpose α·B'·dYᵀ when A is stored transposed.
  const da = (): Tensor => (transA ? gemm(g, b, dy, transB, true, alpha) : gemm(g, dy, b, false, !transB, alpha));
  // dB = α·A'ᵀ·dY, or its transpose α·dYᵀ·A' when B is stored transposed.
  const db = (): Tensor => (transB ? gemm(g, dy, a, true, transA, alpha) : gemm(g, a, dy, !transA, false, alpha));
  const dc = (): Tensor => {
    const c = inputOf(ctx, 2);
    return unbroadcast(g, beta === 1 ? dy : mul(g, dy, scalarOf(g, beta, dy.type.dtype)), c.type.shape);
  };
  return [ctx.needs(0) ? da() : null, ctx.needs(1) ? db() : null, ctx.needs(2) ? dc() : null];
};
