// Small graph-building helpers shared by the gradient rules. They work for float32 and float64 alike (constants take
// the dtype of the tensor they meet) and for shapes with a symbolic batch dimension.
import { DTYPE_CODES, formatShape, ints, type Dim, type DType, type GraphBuilder, type Tensor } from '../onnx';

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** A scalar constant of `dtype`, so it broadcasts against tensors of that type without a Cast. */
export function scalarOf(g: GraphBuilder, value: number, dtype: DType): Tensor {
  if (dtype === 'float64') return g.constant('float64', [], Float64Array.of(value), 'scalar');
  if (dtype === 'float32') return g.constant('float32', [], Float32Array.of(value), 'scalar');
  throw new Error(`autodiff: no scalar constant of type ${dtype}`);
}

/** A constant tensor of `dtype` filled from plain numbers. */
export function constantOf(g: GraphBuilder, dtype: DType, shape: readonly number[], values: ArrayLike<number>, hint: string): Tensor {
  if (dtype === 'float64') return g.constant('float64', shape, Float64Array.from(values), hint);
  if (dtype === 'float32') return g.constant('float32', shape, Float32Array.from(values), hint);
  throw new Error(`autodiff: no constant of type ${dtype}`);
}

export const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Reshape to `shape`, which may hold one symbolic dimension: it becomes -1, which ORT infers and our shape inference
 * resolves back to the same symbol.
 */
export function reshapeTo(g: GraphBuilder, t: Tensor, shape: readonly Dim[]): Tensor {
  if (sameShape(t.type.shape, shape)) return t;
  const symbolic = shape.filter((d) => typeof d !== 'number');
  if (symbolic.length > 1) throw new Error(`autodiff: cannot reshape ${t.name} to ${formatShape(shape)}: two symbolic dimensions`);
  return g.op('Reshape', [t, g.int64s(shape.map((d) => (typeof d === 'number' ? d : -1)))]);
}

/**
 * The reverse of numpy broadcasting: sums `grad` (the shape of a broadcast result) down to `shape`, the shape of the
 * operand that was broadcast. Leading axes the operand lacks are summed away, axes where it had 1 are summed with
 * keepdims.
 */
export function unbroadcast(g: GraphBuilder, grad: Tensor, shape: readonly Dim[]): Tensor {
  let t = grad;
  const lead = t.type.shape.length - shape.length;
  if (lead < 0) throw new Error(`autodiff: gradient ${t.name} ${formatShape(t.type.shape)} has lower rank than ${formatShape(shape)}`);
  if (lead > 0) t = reduceSum(g, t, Array.from({ length: lead }, (_, i) => i), false);
  const axes = shape.flatMap((d, i) => (d === 1 && t.type.shape[i] !== 1 ? [i] : []));
  if (axes.length) t = reduceSum(g, t, axes, true);
  if (!sameShape(t.type.shape, shape)) {
    throw new Error(`autodiff: cannot sum gradient ${t.name} ${formatShape(grad.type.shape)} down to ${formatShape(shape)}`);
  }
  return t;
}

export function reduceSum(g: GraphBuilder, t: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  return g.op('ReduceSum', [t, g.int64s(axes)], { keepdims: { type: 'int', value: keepdims ? 1 : 0 } });
}

export function reduceMean(g: GraphBuilder, t: Tensor, axes: readonly number[]): Tensor {
  return g.op('ReduceMean', [t, g.int64s(axes)], { keepdims: { type: 'int', value: 1 } });
}

/**
 * Broadcasts `t` up to `shape` (an Expand). Expand takes a constant shape, so a symbolic (batch) dimension is written
 * as 1; when `t` lacks it, `like` (a tensor of `shape`) supplies it: one element per batch entry, raised to the power
 * 0, is a tensor of ones carrying the runtime batch size (x⁰ = 1 for every x, NaN and ±∞ included), which the result
 * is multiplied by. That keeps to ops with static shape inference (no Shape → Expand).
 */
export function expandTo(g: GraphBuilder, t: Tensor, shape: readonly Dim[], like?: Tensor): Tensor {
  if (sameShape(t.type.shape, shape)) return t;
  let out = g.op('Expand', [t, g.int64s(shape.map((d) => (typeof d === 'number' ? d : 1)))]);
  if (shape.some((d, i) => typeof d !== 'number' && out.type.shape[i] !== d)) {
    if (!like || !sameShape(like.type.shape, shape)) {
      throw new Error(`autodiff: cannot expand ${t.name} ${formatShape(t.type.shape)} to ${formatShape(shape)} without a tensor of that shape`);
    }
    const staticAxes = shape.flatMap((d, i) => (typeof d === 'number' ? [i] : []));
    const sliver = staticAxes.length ? slice(g, like, staticAxes.map(() => 0), staticAxes.map(() => 1), staticAxes) : like;
    out = mul(g, out, g.op('Pow', [sliver, scalarOf(g, 0, like.type.dtype)]));
  }
  if (!sameShape(out.type.shape, shape)) throw new Error(`autodiff: cannot expand ${t.name} ${formatShape(t.type.shape)} to ${formatShape(shape)}`);
  return out;
}

export function transpose(g: GraphBuilder, t: Tensor, perm: readonly number[]): Tensor {
  return perm.every((p, i) => p === i) ? t : g.op('Transpose', [t], { perm: ints(perm) });
}

/** Swaps the last two axes (a batched matrix transpose). */
export function transposeLast2(g: GraphBuilder, t: Tensor): Tensor {
  const r = t.type.shape.length;
  return transpose(g, t, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

export function cast(g: GraphBuilder, t: Tensor, dtype: DType): Tensor {
  return t.type.dtype === dtype ? t : g.op('Cast', [t], { to: { type: 'int', value: DTYPE_CODES[dtype] } });
}

/** x > 0 as 1 or 0 in x's type: the mask of Relu-like kinks (the derivative at 0 is taken as 0, as PyTorch does). */
export function positiveMask(g: GraphBuilder, x: Tensor): Tensor {
  return cast(g, g.op('Greater', [x, scalarOf(g, 0, x.type.dtype)]), x.type.dtype);
}

/** Zero-padding by [begin..., end...] per axis; a no-op for all zeros. */
export function padZeros(g: GraphBuilder, t: Tensor, pads: readonly number[]): Tensor {
  return pads.every((p) => p === 0) ? t : g.op('Pad', [t, g.int64s(pads)]);
}

export function slice(g: GraphBuilder, t: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  return g.op('Slice', [t, g.int64s(starts), g.int64s(ends), g.int64s(axes)]);
}

export const add = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Add', [a, b]);
export const sub = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Sub', [a, b]);
export const mul = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Mul', [a, b]);
export const div = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => g.op('Div', [a, b]);
export const neg = (g: GraphBuilder, a: Tensor): Tensor => g.op('Neg', [a]);
