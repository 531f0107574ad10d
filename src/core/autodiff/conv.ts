// Gradients of Conv and ConvTranspose (any number of spatial axes, group 1), written with Conv, ConvTranspose,
// Transpose, Slice and ReduceSum only.
//
// Conv: y[n,o,j] = Σ_{c,k} x[n,c, s·j + d·k − p] · W[o,c,k]. Its adjoint in x is ConvTranspose with the same W,
// strides, pads and dilations (output_padding restores the rows a strided conv skipped). Its gradient in W,
// dW[o,c,k] = Σ_{n,j} dy[n,o,j] · x[n,c, s·j + d·k − p], is itself a convolution: of xᵀ ([C, N, …] as a batch of
// C images with N channels) by dyᵀ ([O, N, …] as O filters), with stride d and dilation s, giving [C, O, k′…] with
// k′ ≥ k; it is cropped to k and transposed to [O, C, k…]. ConvTranspose is the mirror image.
import { ints, type Attributes, type GraphBuilder, type Tensor } from '../onnx';
import { fail, gradOf, inputOf, intAttr, intsAttr, type GradientContext, type GradientRule } from './rule-types';
import { reduceSum, slice, transpose } from './tensor-helpers';

interface ConvGeometry {
  readonly spatial: number;
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
}

function geometry(ctx: GradientContext, forbidden: readonly string[]): ConvGeometry {
  const attrs = ctx.node.attributes;
  if (intAttr(attrs, 'group', 1) !== 1) fail(ctx, `only group = 1 is supported, not ${intAttr(attrs, 'group', 1)}`);
  const autoPad = attrs.auto_pad;
  if (autoPad && !(autoPad.type === 'string' && autoPad.value === 'NOTSET')) fail(ctx, 'auto_pad is not supported; give explicit pads');
  for (const name of forbidden) if (attrs[name]) fail(ctx, `the ${name} attribute is not supported`);
  const w = inputOf(ctx, 1);
  const kernel = w.type.shape.slice(2).map((d) => (typeof d === 'number' ? d : fail(ctx, `kernel dim ${d} is not static`)));
  const spatial = kernel.length;
  return {
    spatial,
    kernel,
    strides: intsAttr(attrs, 'strides') ?? kernel.map(() => 1),
    dilations: intsAttr(attrs, 'dilations') ?? kernel.map(() => 1),
    pads: intsAttr(attrs, 'pads') ?? new Array<number>(spatial * 2).fill(0),
  };
}

function staticSpatial(ctx: GradientContext, t: Tensor): number[] {
  return t.type.shape.slice(2).map((d) => (typeof d === 'number' ? d : fail(ctx, `spatial dim ${d} of ${t.name} is not static`)));
}

function convAttrs(kernel: readonly number[], strides: readonly number[], dilations: readonly number[], pads: readonly number[]): Attributes {
  return { kernel_shape: ints(kernel), strides: ints(strides), dilations: ints(dilations), pads: ints(pads) };
}

/** [N, C, …] ↔ [C, N, …]: batch and channels swapped, so a batch of images becomes a bank of filters. */
function swapBatchChannels(g: GraphBuilder, t: Tensor): Tensor {
  const r = t.type.shape.length;
  return transpose(g, t, [1, 0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)]);
}

/**
 * The weight gradient both rules share: Conv(input = inputᵀ, weight = filterᵀ, stride = d, dilation = s, pads),
 * cropped to the kernel and with its first two axes swapped.
 */
function weightGrad(g: GraphBuilder, input: Tensor, filters: Tensor, geo: ConvGeometry): Tensor {
  const bank = swapBatchChannels(g, filters);
  const k = bank.type.shape.slice(2) as number[];
  let out = g.op('Conv', [swapBatchChannels(g, input), bank], convAttrs(k, geo.dilations, geo.strides, geo.pads));
  const got = out.type.shape.slice(2) as number[];
  if (got.some((d, i) => d !== geo.kernel[i])) {
    const axes = geo.kernel.map((_, i) => i + 2);
    out = slice(g, out, axes.map(() => 0), geo.kernel, axes);
  }
  return swapBatchChannels(g, out);
}

/** dBias = Σ over batch and space. */
function biasGrad(g: GraphBuilder, dy: Tensor): Tensor {
  const r = dy.type.shape.length;
  return reduceSum(g, dy, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)], false);
}

export const convGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const geo = geometry(ctx, []);
  const x = inputOf(ctx, 0);
  const w = inputOf(ctx, 1);
  const dy = gradOf(ctx);
  const dx = (): Tensor => {
    // Rows of x past the last full stride never reach y; output_padding gives them (zero) gradient.
    const xs = staticSpatial(ctx, x);
    const ys = staticSpatial(ctx, dy);
    const outputPadding = xs.map((n, i) => n - ((ys[i]! - 1) * geo.strides[i]! + (geo.kernel[i]! - 1) * geo.dilations[i]! + 1
      - geo.pads[i]! - geo.pads[i + geo.spatial]!));
    if (outputPadding.some((p, i) => p < 0 || p >= Math.max(geo.strides[i]!, geo.dilations[i]!))) {
      fail(ctx, `cannot invert the geometry (output padding [${outputPadding}])`);
    }
    return g.op('ConvTranspose', [dy, w], { ...convAttrs(geo.kernel, geo.strides, geo.dilations, geo.pads), output_padding: ints(outputPadding) });
  };
  return [ctx.needs(0) ? dx() : null, ctx.needs(1) ? weightGrad(g, x, dy, geo) : null, ctx.needs(2) ? biasGrad(g, dy) : null];
};

/**
 * ConvTranspose (W: [C, O, k…]): dx is the Conv of dy by W with the same strides, pads and dilations; dW is the Conv
 * of dyᵀ by xᵀ (stride d, dilation s), cropped to k and transposed to [C, O, k…].
 */
export const convTransposeGrad: GradientRule = (ctx) => {
  const { g } = ctx;
  const geo = geometry(ctx, ['output_shape']);
  const x = inputOf(ctx, 0);
  const w = inputOf(ctx, 1);
  const dy = gradOf(ctx);
  const dx = (): Tensor => g.op('Conv', [dy, w], convAttrs(geo.kernel, geo.strides, geo.dilations, geo.pads));
  return [ctx.needs(0) ? dx() : null, ctx.needs(1) ? weightGrad(g, dy, x, geo) : null, ctx.needs(2) ? biasGrad(g, dy) : null];
};
