// Gradients of the ops that move values without changing them: each sends dy back to where the values came from,
// with zeros where an input value was not used.
import { DTYPE_CODES, type DType, type Tensor } from '../onnx';
import {
  constantInts, fail, gradOf, inputOf, intAttr, intsAttr, normalizeAxis, type GradientContext, type GradientRule,
} from './rule-types';
import { add, cast, isFloat, padZeros, reshapeTo, slice, transpose, unbroadcast } from './tensor-helpers';

/** Rules of ops that pass input 0 through and whose other inputs are shapes or indices. */
function firstInputOnly(make: (ctx: GradientContext, dy: Tensor) => Tensor): GradientRule {
  return (ctx) => [ctx.needs(0) ? make(ctx, gradOf(ctx)) : null];
}

export const identityGrad = firstInputOnly((_ctx, dy) => dy);

export const reshapeGrad = firstInputOnly((ctx, dy) => reshapeTo(ctx.g, dy, inputOf(ctx, 0).type.shape));

export const transposeGrad = firstInputOnly((ctx, dy) => {
  const rank = dy.type.shape.length;
  const perm = intsAttr(ctx.node.attributes, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => { inverse[p] = i; });
  return transpose(ctx.g, dy, inverse);
});

export const expandGrad = firstInputOnly((ctx, dy) => unbroadcast(ctx.g, dy, inputOf(ctx, 0).type.shape));

/** A float-to-float Cast sends dy back in the input's type; casts to or from integers never carry a gradient. */
export const castGrad = firstInputOnly((ctx, dy) => {
  const from = inputOf(ctx, 0).type.dtype;
  const to = intAttr(ctx.node.attributes, 'to', 0);
  const toType = (Object.keys(DTYPE_CODES) as DType[]).find((k) => DTYPE_CODES[k] === to);
  if (!isFloat(from) || !toType || !isFloat(toType)) fail(ctx, `a cast from ${from} to type ${to} has no gradient`);
  return cast(ctx.g, dy, from);
});

function staticDim(ctx: GradientContext, t: Tensor, axis: number): number {
  const d = t.type.shape[axis]!;
  return typeof d === 'number' ? d : fail(ctx, `axis ${axis} of ${t.name} is not static`);
}

/**
 * Slice: dy is put back where it was taken, with zeros elsewhere, one sliced axis at a time. For a step s > 1 each
 * value is first followed by s − 1 zeros (reshape to [..., m, 1, ...], pad to [..., m, s, ...], merge), then the
 * whole is padded (or cropped) to the axis length. Only positive steps exist (as in shape inference).
 */
export const sliceGrad = firstInputOnly((ctx, dy) => {
  const { g } = ctx;
  const x = inputOf(ctx, 0);
  const rank = x.type.shape.length;
  const starts = constantInts(ctx, 1, 'starts');
  const ends = constantInts(ctx, 2, 'ends');
  const axes = ctx.inputs[3] ? constantInts(ctx, 3, 'axes') : starts.map((_, i) => i);
  const steps = ctx.inputs[4] ? constantInts(ctx, 4, 'steps') : starts.map(() => 1);
  let t = dy;
  axes.forEach((rawAxis, i) => {
    const axis = normalizeAxis(ctx, rawAxis, rank);
    const n = staticDim(ctx, x, axis);
    const step = steps[i]!;
    if (step <= 0) fail(ctx, `step ${step} is not supported (only positive steps)`);
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const start = clamp(starts[i]!);
    const m = staticDim(ctx, t, axis);
    if (m === 0) fail(ctx, `the slice on axis ${axis} is empty`);
    if (step > 1) {
      const shape = t.type.shape;
      const spread = new Array<number>((rank + 1) * 2).fill(0);
      spread[rank + 1 + axis + 1] = step - 1;
      t = padZeros(g, reshapeTo(g, t, [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]), spread);
      t = reshapeTo(g, t, [...shape.slice(0, axis), m * step, ...shape.slice(axis + 1)]);
      // The trailing zeros after the last value may run past the end of the axis.
      if (start + m * step > n) t = slice(g, t, [0], [n - start], [axis]);
    }
    const length = staticDim(ctx, t, axis);
    const pads = new Array<number>(rank * 2).fill(0);
    pads[axis] = start;
    pads[rank + axis] = n - start - length;
    t = padZeros(g, t, pads);
  });
  return t;
});

/** Concat: each input's gradient is its slice of dy. */
export const concatGrad: GradientRule = (ctx) => {
  const dy = gradOf(ctx);
  const rank = dy.type.shape.length;
  const axis = normalizeAxis(ctx, intAttr(ctx.node.attributes, 'axis', 0), rank);
  let offset = 0;
  return ctx.inputs.map((t, i) => {
    const size = staticDim(ctx, t ?? fail(ctx, `input ${i} is missing`), axis);
    const begin = offset;
    offset += size;
    return ctx.needs(i) ? slice(ctx.g, dy, [begin], [begin + size], [axis]) : null;
  });
};

/** Pad (constant mode, non-negative pads): the gradient is the unpadded part of dy. */
export const padGrad = firstInputOnly((ctx, dy) => {
  const mode = ctx.node.attributes.mode;
  if (mode && !(mode.type === 'string' && mode.value === 'constant')) fail(ctx, 'only constant padding is supported');
  if (ctx.inputs[3]) fail(ctx, 'the axes input is not supported');
  const x = inputOf(ctx, 0);
  const rank = x.type.shape.length;
  const pads = constantInts(ctx, 1, 'pads');
  if (pads.some((p) => p < 0)) fail(ctx, `negative pads [${pads}] are not supported`);
  const axes = x.type.shape.flatMap((_, i) => (pads[i] !== 0 || pads[i + rank] !== 0 ? [i] : []));
  if (!axes.length) return dy;
  return slice(ctx.g, dy, axes.map((a) => pads[a]!), axes.map((a) => pads[a]! + staticDim(ctx, x, a)), axes);
});

/**
 * Split: the output gradients concatenated back. An output that does not lead to the loss contributes zeros: then
 * each present gradient is padded to the full axis and the pieces are added, which needs no zero tensor of a
 * possibly symbolic shape.
 */
export const splitGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const { g } = ctx;
  const x = inputOf(ctx, 0);
  const rank = x.type.shape.length;
  const axis = normalizeAxis(ctx, intAttr(ctx.node.attributes, 'axis', 0), rank);
  const n = staticDim(ctx, x, axis);
  const sizes = ctx.outputs.map((o) => staticDim(ctx, o, axis));
  const grads = ctx.outputGrads;
  if (grads.every((t) => t)) return [g.op('Concat', grads as Tensor[], { axis: { type: 'int', value: axis } })];
  let sum: Tensor | null = null;
  let offset = 0;
  grads.forEach((dy, i) => {
    const begin = offset;
    offset += sizes[i]!;
    if (!dy) return;
    const pads = new Array<number>(rank * 2).fill(0);
    pads[axis] = begin;
    pads[rank + axis] = n - begin - sizes[i]!;
    const placed = padZeros(g, dy, pads);
    sum = sum ? add(g, sum, placed) : placed;
  });
  return [sum ?? fail(ctx, 'no output has a gradient')];
};
