import { broadcastShapes } from './broadcast';
import { type Dim, divDim, formatShape, isStatic, mulDim, product } from './dims';
import { DTYPE_CODES, type Attributes, type ConstantTensor, type DType, type OpType, type TensorType } from './types';

export interface ShapeContext {
  readonly op: OpType;
  readonly name: string;
  readonly inputs: readonly (TensorType | undefined)[];
  readonly attributes: Attributes;
  /** The value of input i when it is a constant (initializer), needed for shape-like inputs. */
  readonly constant: (i: number) => ConstantTensor | undefined;
  readonly outputCount: number;
}

type ShapeRule = (ctx: ShapeContext) => TensorType[];

function fail(ctx: ShapeContext, message: string): never {
  throw new Error(`${ctx.op} node "${ctx.name}": ${message}`);
}

function input(ctx: ShapeContext, i: number): TensorType {
  return ctx.inputs[i] ?? fail(ctx, `input ${i} is missing`);
}

function intAttr(ctx: ShapeContext, name: string, fallback: number): number {
  const a = ctx.attributes[name];
  return a && a.type === 'int' ? a.value : fallback;
}

function intsAttr(ctx: ShapeContext, name: string): readonly number[] | undefined {
  const a = ctx.attributes[name];
  return a && a.type === 'ints' ? a.value : undefined;
}

function constInts(ctx: ShapeContext, i: number, what: string): number[] {
  const c = ctx.constant(i) ?? fail(ctx, `${what} (input ${i}) must be a constant for static shape inference`);
  return Array.from(c.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function normAxis(ctx: ShapeContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function staticDim(ctx: ShapeContext, d: Dim, what: string): number {
  return isStatic(d) ? d : fail(ctx, `${what} must be static, got ${d}`);
}

const same: ShapeRule = (ctx) => [input(ctx, 0)];

const elementwise: ShapeRule = (ctx) => {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  if (a.dtype !== b.dtype) fail(ctx, `element types differ: ${a.dtype} and ${b.dtype}`);
  return [{ dtype: a.dtype, shape: broadcastShapes(a.shape, b.shape, `${ctx.op} node "${ctx.name}"`) }];
};

/** Greater, Equal: broadcast like elementwise ops, boolean result. */
const compare: ShapeRule = (ctx) => [{ dtype: 'bool', shape: elementwise(ctx)[0]!.shape }];

/** ScatterND writes `updates` into a copy of `data`: the output is data's type. */
const scatterND: ShapeRule = (ctx) => {
  const data = input(ctx, 0);
  const updates = input(ctx, 2);
  if (updates.dtype !== data.dtype) fail(ctx, `updates are ${updates.dtype}, data is ${data.dtype}`);
  return [data];
};

const matmul: ShapeRule = (ctx) => {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  if (a.shape.length < 2 || b.shape.length < 2) fail(ctx, 'inputs of rank 1 are not supported');
  const k1 = a.shape[a.shape.length - 1]!;
  const k2 = b.shape[b.shape.length - 2]!;
  if (k1 !== k2) fail(ctx, `inner dimensions differ: ${formatShape(a.shape)} × ${formatShape(b.shape)}`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `MatMul node "${ctx.name}"`);
  return [{ dtype: a.dtype, shape: [...batch, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!] }];
};

const gemm: ShapeRule = (ctx) => {
  const a = input(ctx, 0).shape;
  const b = input(ctx, 1).shape;
  const [m, ka] = intAttr(ctx, 'transA', 0) ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = intAttr(ctx, 'transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (ka !== kb) fail(ctx, `inner dimensions differ: ${ka} and ${kb}`);
  return [{ dtype: input(ctx, 0).dtype, shape: [m, n] }];
};

function convSpatial(ctx: ShapeContext, transpose: boolean): TensorType[] {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const spatial = x.shape.length - 2;
  const kernel = w.shape.slice(2).map((d, i) => staticDim(ctx, d, `kernel dim ${i}`));
  const strides = intsAttr(ctx, 'strides') ?? kernel.map(() => 1);
  const dilations = intsAttr(ctx, 'dilations') ?? kernel.map(() => 1);
  const pads = intsAttr(ctx, 'pads') ?? new Array<number>(spatial * 2).fill(0);
  const group = intAttr(ctx, 'group', 1);
  const outPad = intsAttr(ctx, 'output_padding') ?? kernel.map(() => 0);
  const channels = transpose ? mulDim(w.shape[1]!, group) : w.shape[0]!;
  const expectIn = transpose ? w.shape[0]! : mulDim(w.shape[1]!, group);
  if (x.shape[1] !== expectIn) fail(ctx, `input has ${x.shape[1]} channels, the weight expects ${expectIn}`);
  const out = x.shape.slice(2).map((d, i) => {
    const n = staticDim(ctx, d, `spatial dim ${i}`);
    const k = (kernel[i]! - 1) * dilations[i]! + 1;
    const size = transpose
      ? strides[i]! * (n - 1) + outPad[i]! + k - pads[i]! - pads[i + spatial]!
      : Math.floor((n + pads[i]! + pads[i + spatial]! - k) / strides[i]!) + 1;
    if (size < 1) fail(ctx, `spatial dim ${i} would be ${size}`);
    return size;
  });
  return [{ dtype: x.dtype, shape: [x.shape[0]!, channels, ...out] }];
}

const reshape: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const target = constInts(ctx, 1, 'shape');
  const out: Dim[] = target.map((d, i) => (d === 0 ? (x.shape[i] ?? fail(ctx, `0 at ${i} has no input dim`)) : d));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const known = out.filter((_, i) => i !== inferred);
    const total = product(x.shape);
    const knownProduct = product(known);
    if (isStatic(knownProduct)) {
      out[inferred] = divDim(total, knownProduct);
    } else if (!isStatic(total) && typeof knownProduct === 'string') {
      // Both symbolic: the same symbol cancels, leaving a number.
      const [ts, tf] = splitSym(total);
      const [ks, kf] = splitSym(knownProduct);
      if (ts !== ks || tf % kf !== 0) fail(ctx, `cannot infer -1 from ${formatShape(x.shape)} to [${target}]`);
      out[inferred] = tf / kf;
    } else {
      fail(ctx, `cannot infer -1 from ${formatShape(x.shape)} to [${target}]`);
    }
  }
  if (product(out) !== product(x.shape)) fail(ctx, `cannot reshape ${formatShape(x.shape)} to ${formatShape(out)}`);
  return [{ dtype: x.dtype, shape: out }];
};

function splitSym(d: string): [string, number] {
  const [s, f] = d.split('*');
  return [s!, f ? Number(f) : 1];
}

const transposeRule: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const perm = intsAttr(ctx, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  if (perm.length !== x.shape.length) fail(ctx, `perm [${perm}] does not match rank ${x.shape.length}`);
  return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
};

const slice: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const starts = constInts(ctx, 1, 'starts');
  const ends = constInts(ctx, 2, 'ends');
  const axes = ctx.inputs[3] ? constInts(ctx, 3, 'axes') : starts.map((_, i) => i);
  const steps = ctx.inputs[4] ? constInts(ctx, 4, 'steps') : starts.map(() => 1);
  const shape = [...x.shape];
  axes.forEach((axis, i) => {
    const a = normAxis(ctx, axis, shape.length);
    const n = staticDim(ctx, shape[a]!, `sliced axis ${a}`);
    const step = steps[i]!;
    if (step <= 0) fail(ctx, 'only positive steps are supported');
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const s = clamp(starts[i]!);
    const e = clamp(ends[i]!);
    shape[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return [{ dtype: x.dtype, shape }];
};

const concat: ShapeRule = (ctx) => {
  const first = input(ctx, 0);
  const axis = normAxis(ctx, intAttr(ctx, 'axis', 0), first.shape.length);
  let total: Dim = 0;
  ctx.inputs.forEach((t, i) => {
    if (!t) fail(ctx, `input ${i} is missing`);
    t.shape.forEach((d, j) => {
      if (j !== axis && d !== first.shape[j]) fail(ctx, `input ${i} has shape ${formatShape(t.shape)}, unlike ${formatShape(first.shape)}`);
    });
    total = (total as number) + staticDim(ctx, t.shape[axis]!, `concat axis of input ${i}`);
  });
  const shape = [...first.shape];
  shape[axis] = total;
  return [{ dtype: first.dtype, shape }];
};

const pad: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const pads = constInts(ctx, 1, 'pads');
  const rank = x.shape.length;
  if (pads.length !== rank * 2) fail(ctx, `pads has ${pads.length} values for rank ${rank}`);
  return [{ dtype: x.dtype, shape: x.shape.map((d, i) => (pads[i] === 0 && pads[i + rank] === 0 ? d : staticDim(ctx, d, `padded axis ${i}`) + pads[i]! + pads[i + rank]!)) }];
};

const gather: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const idx = input(ctx, 1);
  const axis = normAxis(ctx, intAttr(ctx, 'axis', 0), x.shape.length);
  return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
};

const split: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const axis = normAxis(ctx, intAttr(ctx, 'axis', 0), x.shape.length);
  const n = staticDim(ctx, x.shape[axis]!, 'split axis');
  const sizes = ctx.inputs[1] ? constInts(ctx, 1, 'split') : new Array<number>(ctx.outputCount).fill(n / ctx.outputCount);
  if (sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((s) => !Number.isInteger(s))) fail(ctx, `cannot split ${n} into [${sizes}]`);
  return sizes.map((s) => {
    const shape = [...x.shape];
    shape[axis] = s;
    return { dtype: x.dtype, shape };
  });
};

const expand: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  return [{ dtype: x.dtype, shape: broadcastShapes(x.shape, constInts(ctx, 1, 'shape'), `Expand node "${ctx.name}"`) }];
};

const reduce: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const keep = intAttr(ctx, 'keepdims', 1) === 1;
  const axes = ctx.inputs[1] ? constInts(ctx, 1, 'axes').map((a) => normAxis(ctx, a, x.shape.length)) : x.shape.map((_, i) => i);
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return [{ dtype: x.dtype, shape }];
};

const cast: ShapeRule = (ctx) => {
  const to = intAttr(ctx, 'to', 0);
  const dtype = (Object.entries(DTYPE_CODES).find(([, code]) => code === to)?.[0] ?? fail(ctx, `unsupported cast target ${to}`)) as DType;
  return [{ dtype, shape: input(ctx, 0).shape }];
};

const layerNorm: ShapeRule = (ctx) => {
  const x = input(ctx, 0);
  const axis = normAxis(ctx, intAttr(ctx, 'axis', -1), x.shape.length);
  const stats: TensorType = { dtype: x.dtype, shape: x.shape.map((d, i) => (i < axis ? d : 1)) };
  return [x, stats, stats].slice(0, ctx.outputCount);
};

/** One rule per op type; the compiler flags an op type without one. */
export const shapeRules: Readonly<Record<OpType, ShapeRule>> = {
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: elementwise,
  Neg: same, Sqrt: same, Exp: same, Log: same, Abs: same, Relu: same, LeakyRelu: same, Sigmoid: same, Erf: same,
  Tanh: same, Softmax: same, Identity: same, InstanceNormalization: same,
  LayerNormalization: layerNorm,
  MatMul: matmul, Gemm: gemm,
  Conv: (ctx) => convSpatial(ctx, false), ConvTranspose: (ctx) => convSpatial(ctx, true),
  Reshape: reshape, Transpose: transposeRule, Slice: slice, Concat: concat, Pad: pad, Gather: gather, Split: split,
  Expand: expand, Cast: cast,
  ReduceMean: reduce, ReduceSum: reduce, ReduceMax: reduce,
  Greater: compare, Equal: compare, ScatterND: scatterND,
};
