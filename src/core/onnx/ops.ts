// Typed helpers over GraphBuilder, one per op or ORT-fusable pattern. Model code reads as the math it computes.
import type { GraphBuilder } from './graph-builder';
import { float, int, ints, type Tensor } from './types';

export const add = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Add', [a, b]);
export const sub = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Sub', [a, b]);
export const mul = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Mul', [a, b]);
export const div = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Div', [a, b]);
export const matmul = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('MatMul', [a, b]);
export const sigmoid = (g: GraphBuilder, x: Tensor): Tensor => g.op('Sigmoid', [x]);
export const softmax = (g: GraphBuilder, x: Tensor, axis = -1): Tensor => g.op('Softmax', [x], { axis: int(axis) });
export const leakyRelu = (g: GraphBuilder, x: Tensor, alpha: number): Tensor => g.op('LeakyRelu', [x], { alpha: float(alpha) });
export const transpose = (g: GraphBuilder, x: Tensor, perm: readonly number[]): Tensor => g.op('Transpose', [x], { perm: ints(perm) });
export const reshape = (g: GraphBuilder, x: Tensor, shape: readonly number[]): Tensor => g.op('Reshape', [x, g.int64s(shape)]);
export const concat = (g: GraphBuilder, xs: readonly Tensor[], axis: number): Tensor => g.op('Concat', xs, { axis: int(axis) });

/** x @ W + b with W stored [in, out]: the MatMul+Add pair ORT fuses. */
export function linear(g: GraphBuilder, x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const y = matmul(g, x, weight);
  return bias ? add(g, y, bias) : y;
}

/** Exact (erf) GELU, written as the Div → Erf → Add → Mul → Mul chain that ORT's GeluFusion recognises. */
export function gelu(g: GraphBuilder, x: Tensor): Tensor {
  if (g.style === 'literal') {
    // 0.5·x·(1 + erf(x·(1/√2))): the same function in an order no fusion matches.
    const e = g.op('Erf', [mul(g, x, g.scalar(Math.SQRT1_2))]);
    return mul(g, mul(g, g.scalar(0.5), x), add(g, g.scalar(1), e));
  }
  const e = g.op('Erf', [div(g, x, g.scalar(Math.SQRT2))]);
  return mul(g, mul(g, x, add(g, e, g.scalar(1))), g.scalar(0.5));
}

/** LayerNormalization always gets a bias: ORT 1.30's extended optimizers crash (segfault) on one left out. */
export function layerNorm(g: GraphBuilder, x: Tensor, scale: Tensor, bias: Tensor, epsilon = 1e-5, axis = -1): Tensor {
  if (g.style === 'literal') {
    const axes = g.int64s([axis]);
    const centred = sub(g, x, g.op('ReduceMean', [x, axes]));
    const variance = g.op('ReduceMean', [mul(g, centred, centred), axes]);
    const normed = div(g, centred, g.op('Sqrt', [add(g, variance, g.scalar(epsilon))]));
    return add(g, mul(g, normed, scale), bias);
  }
  return g.op('LayerNormalization', [x, scale, bias], { axis: int(axis), epsilon: float(epsilon) });
}

export function instanceNorm(g: GraphBuilder, x: Tensor, scale: Tensor, bias: Tensor, epsilon = 1e-5): Tensor {
  return g.op('InstanceNormalization', [x, scale, bias], { epsilon: float(epsilon) });
}

export interface ConvOptions {
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
}

export function conv(g: GraphBuilder, x: Tensor, w: Tensor, b: Tensor | null, o: ConvOptions = {}): Tensor {
  const k = w.type.shape.slice(2) as number[];
  return g.op('Conv', b ? [x, w, b] : [x, w], {
    kernel_shape: ints(k), strides: ints(o.strides ?? k.map(() => 1)), pads: ints(o.pads ?? [...k, ...k].map(() => 0)),
  });
}

export function convTranspose(g: GraphBuilder, x: Tensor, w: Tensor, b: Tensor | null, strides: readonly number[]): Tensor {
  const k = w.type.shape.slice(2) as number[];
  return g.op('ConvTranspose', b ? [x, w, b] : [x, w], { kernel_shape: ints(k), strides: ints(strides) });
}

export function slice(g: GraphBuilder, x: Tensor, starts: readonly number[], ends: readonly number[],
  axes: readonly number[], steps?: readonly number[]): Tensor {
  return g.op('Slice', [x, g.int64s(starts), g.int64s(ends), g.int64s(axes), steps ? g.int64s(steps) : null]);
}

/** Zero padding at the ends given per axis as [begin..., end...]. */
export function pad(g: GraphBuilder, x: Tensor, pads: readonly number[]): Tensor {
  return pads.every((p) => p === 0) ? x : g.op('Pad', [x, g.int64s(pads)]);
}

/** torch.roll along one axis: two slices swapped. A shift of 0 (mod size) adds nothing. */
export function roll(g: GraphBuilder, x: Tensor, shift: number, axis: number): Tensor {
  const n = x.type.shape[axis];
  if (typeof n !== 'number') throw new Error(`roll: axis ${axis} of ${x.name} is not static`);
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const tail = slice(g, x, [n - s], [n], [axis]);
  const head = slice(g, x, [0], [n - s], [axis]);
  return concat(g, [tail, head], axis);
}
