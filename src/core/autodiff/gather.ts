// Gradient of Gather with constant indices: dy's rows are added back into the rows they were read from (an index
// read twice gets both gradients). Small index sets use a constant one-hot matrix and one MatMul; large ones (the
// relative-position bias: 343² reads from a 2197-row table) a ScatterND with reduction "add" into zeros.
import { formatShape, product, type Dim, type GraphBuilder, type Tensor } from '../onnx';
import { constantInts, fail, gradOf, inputOf, intAttr, normalizeAxis, type GradientContext, type GradientRule } from './rule-types';
import { constantOf, expandTo, reshapeTo, scalarOf, transpose } from './tensor-helpers';

/** Above this many one-hot entries (4 MB of float32) the scatter formulation is used instead. */
const ONE_HOT_LIMIT = 1 << 20;

/** x [...pre, n, ...post] gathered along `axis` by k indices; dy viewed as [P, k, R] with P = Π pre, R = Π post. */
interface GatherLayout {
  readonly n: number;
  readonly indices: readonly number[];
  readonly pre: Dim;
  readonly post: Dim;
}

/** dx = OH · dy as [n, k] × [P, k, R] → [P, n, R], OH[v, j] = [index_j = v]. */
function oneHotGrad(g: GraphBuilder, dy: Tensor, x: Tensor, l: GatherLayout): Tensor {
  const k = l.indices.length;
  const oneHot = new Float64Array(l.n * k);
  l.indices.forEach((v, j) => { oneHot[v * k + j] = 1; });
  const matrix = constantOf(g, x.type.dtype, [l.n, k], oneHot, 'gather_one_hot');
  const summed = g.op('MatMul', [matrix, reshapeTo(g, dy, [l.pre, k, l.post])]);
  return reshapeTo(g, summed, x.type.shape);
}

/**
 * dx = ScatterND(zeros [n, P, R], indices [k, 1], dyᵀ [k, P, R], reduction add), transposed back. The zeros need a
 * static shape, which the parameter tables this is for have.
 */
function scatterGrad(ctx: GradientContext, dy: Tensor, x: Tensor, l: GatherLayout): Tensor {
  const { g } = ctx;
  if (typeof l.pre !== 'number' || typeof l.post !== 'number') {
    fail(ctx, `${l.indices.length} indices into ${formatShape(x.type.shape)} need a static shape for the scatter gradient`);
  }
  const k = l.indices.length;
  const updates = transpose(g, reshapeTo(g, dy, [l.pre, k, l.post]), [1, 0, 2]);
  const zeros = expandTo(g, scalarOf(g, 0, x.type.dtype), [l.n, l.pre, l.post]);
  const index = g.constant('int64', [k, 1], BigInt64Array.from(l.indices, (v) => BigInt(v)), 'gather_index');
  const scattered = g.op('ScatterND', [zeros, index, updates], { reduction: { type: 'string', value: 'add' } });
  return reshapeTo(g, transpose(g, scattered, [1, 0, 2]), x.type.shape);
}

export const gatherGrad: GradientRule = (ctx) => {
  if (!ctx.needs(0)) return [null];
  const x = inputOf(ctx, 0);
  const rank = x.type.shape.length;
  const axis = normalizeAxis(ctx, intAttr(ctx.node.attributes, 'axis', 0), rank);
  const nDim = x.type.shape[axis]!;
  const n = typeof nDim === 'number' ? nDim : fail(ctx, `gathered axis ${axis} is not static`);
  const indices = constantInts(ctx, 1, 'indices').map((v) => (v < 0 ? v + n : v));
  if (indices.some((v) => v < 0 || v >= n)) fail(ctx, `an index is out of range for an axis of ${n}`);
  const layout: GatherLayout = {
    n, indices, pre: product(x.type.shape.slice(0, axis)), post: product(x.type.shape.slice(axis + 1)),
  };
  const dy = gradOf(ctx);
  return [n * indices.length <= ONE_HOT_LIMIT ? oneHotGrad(ctx.g, dy, x, layout) : scatterGrad(ctx, dy, x, layout)];
};

