// Gradient checking against central finite differences, independent of the gradient code: the loss is evaluated by
// onnxruntime-node on the forward graph alone, with one input coordinate moved by ±h.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../../src/core/autodiff';
import { DTYPE_CODES, GraphBuilder, serializeModel, type Dim, type Graph, type Tensor } from '../../src/core/onnx';
import { randomFloats } from './ort-run';

export type FloatType = 'float32' | 'float64';
export type FloatData = Float32Array | Float64Array;

export interface CheckedInput {
  readonly name: string;
  readonly shape: readonly number[];
  /** The shape declared in the graph when it differs from the fed one (a symbolic batch, e.g. ['N', 3]). */
  readonly graphShape?: readonly Dim[];
  /** Defaults to uniform values in [-1, 1). */
  readonly data?: ArrayLike<number>;
  /** Differentiate with respect to this input (default true); false makes it a fed, fixed value. */
  readonly wrt?: boolean;
}

export interface Tolerance {
  /** Passes when |analytic − numeric| ≤ abs + rel·|numeric|. */
  readonly abs: number;
  readonly rel: number;
}

export interface GradientCheck {
  readonly dtype: FloatType;
  readonly inputs: readonly CheckedInput[];
  /** Builds the op(s) under test from the inputs; every returned tensor enters the loss. */
  readonly build: (g: GraphBuilder, inputs: readonly Tensor[]) => Tensor | readonly Tensor[];
  /** Finite-difference step. */
  readonly h: number;
  readonly tolerance: Tolerance;
  /** Check at most this many coordinates per input (a seeded random choice); default all. */
  readonly maxCoordinates?: number;
  readonly seed?: number;
}

export const toTyped = (dtype: FloatType, values: ArrayLike<number>): FloatData =>
  (dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values));

/**
 * loss = Σ_outputs Σ cast64(output) · W with fixed random weights W, computed in float64 so the sum adds no rounding
 * of its own: a float32 op's finite differences then only see that op's rounding.
 */
export function weightedSumLoss(g: GraphBuilder, outputs: readonly Tensor[], seed: number): Tensor {
  const terms = outputs.map((o, k) => {
    // A symbolic (batch) axis gets one weight for the whole axis, broadcast.
    const shape = o.type.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const wide = o.type.dtype === 'float64' ? o : g.op('Cast', [o], { to: { type: 'int', value: DTYPE_CODES.float64 } });
    const weights = g.constant('float64', shape, Float64Array.from(randomFloats(n, seed + 101 * k)), 'loss_weights');
    return g.op('ReduceSum', [g.op('Mul', [wide, weights])], { keepdims: { type: 'int', value: 0 } });
  });
  return terms.reduce((a, b) => g.op('Add', [a, b]));
}

async function session(graph: Graph): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(serializeModel(graph), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
}

function feedsOf(dtype: FloatType, inputs: readonly CheckedInput[], values: readonly FloatData[]): Record<string, ort.Tensor> {
  return Object.fromEntries(inputs.map((inp, k) => [inp.name, new ort.Tensor(dtype, values[k]!, [...inp.shape])]));
}

function chooseCoordinates(n: number, max: number | undefined, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (max === undefined || max >= n) return all;
  const r = randomFloats(n, seed);
  return all.sort((a, b) => r[a]! - r[b]!).slice(0, max).sort((a, b) => a - b);
}

export interface Mismatch {
  readonly input: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/** The coordinates where analytic and numeric gradients disagree beyond the tolerance. */
export function mismatches(input: string, indices: readonly number[], analytic: ArrayLike<number>, numeric: readonly number[], t: Tolerance): Mismatch[] {
  return indices.flatMap((index, k) => {
    const a = analytic[index]!;
    const n = numeric[k]!;
    return Number.isFinite(a) && Math.abs(a - n) <= t.abs + t.rel * Math.abs(n) ? [] : [{ input, index, analytic: a, numeric: n }];
  });
}

export interface CheckSummary {
  /** max |analytic − numeric| / (abs + rel·|numeric|) over the checked coordinates: below 1 passes. */
  readonly worstFractionOfTolerance: number;
}

/** Builds the graph, its gradient graph, and compares every (chosen) coordinate with central differences. */
export async function checkGradients(c: GradientCheck): Promise<CheckSummary> {
  const seed = c.seed ?? 7;
  const g = new GraphBuilder('gradcheck');
  const tensors = c.inputs.map((inp) => g.input(inp.name, c.dtype, inp.graphShape ?? inp.shape));
  const built = c.build(g, tensors);
  const loss = weightedSumLoss(g, Array.isArray(built) ? built : [built as Tensor], seed);
  g.output(loss, 'loss');
  const forward = g.build();
  const wrt = c.inputs.filter((i) => i.wrt !== false).map((i) => i.name);
  const { graph, gradients } = buildGradientGraph(forward, { loss: 'loss', wrt });

  const values = c.inputs.map((inp, k) => {
    const n = inp.shape.reduce((a, b) => a * b, 1);
    return toTyped(c.dtype, inp.data ?? randomFloats(n, seed * 31 + k));
  });
  const backward = await session(graph);
  const lossOnly = await session(forward);
  try {
    const result = await backward.run(feedsOf(c.dtype, c.inputs, values));
    const lossAt = async (vs: FloatData[]): Promise<number> => Number((await lossOnly.run(feedsOf(c.dtype, c.inputs, vs))).loss!.data[0]);
    const bad: Mismatch[] = [];
    let worst = 0;
    for (const [k, inp] of c.inputs.entries()) {
      if (inp.wrt === false) continue;
      const analytic = result[gradients.get(inp.name)!]!.data as FloatData;
      assert.equal(analytic.length, values[k]!.length, `gradient of ${inp.name} has the wrong size`);
      const indices = chooseCoordinates(values[k]!.length, c.maxCoordinates, seed + k);
      const numeric: number[] = [];
      for (const i of indices) {
        const plus = values.map((v) => v.slice()) as FloatData[];
        const minus = values.map((v) => v.slice()) as FloatData[];
        plus[k]![i]! += c.h;
        minus[k]![i]! -= c.h;
        // The step actually taken after rounding to the input's type.
        const step = plus[k]![i]! - minus[k]![i]!;
        numeric.push(((await lossAt(plus)) - (await lossAt(minus))) / step);
      }
      bad.push(...mismatches(inp.name, indices, analytic, numeric, c.tolerance));
      indices.forEach((index, j) => {
        worst = Math.max(worst, Math.abs(analytic[index]! - numeric[j]!) / (c.tolerance.abs + c.tolerance.rel * Math.abs(numeric[j]!)));
      });
    }
    assert.ok(bad.length === 0, `${bad.length} gradient coordinates differ from finite differences, e.g. ${
      bad.slice(0, 5).map((m) => `${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`).join('; ')}`);
    if (process.env.GRADCHECK_VERBOSE) console.log(`gradcheck: worst error ${worst.toFixed(4)} of the tolerance`);
    return { worstFractionOfTolerance: worst };
  } finally {
    await backward.release();
    await lossOnly.release();
  }
}

/**
 * float64 (ORT's CPU kernels exist for most elementwise ops, MatMul, Gemm, Softmax, LayerNormalization, reductions
 * and data movement): h = 1e-6 leaves a truncation error ~h²·f‴ ≈ 1e-12 and a rounding error ~1e-16·|L|/h ≈ 1e-10,
 * so 1e-7 absolute + 1e-6 relative is loose enough to never flake and still catches any wrong term.
 */
export const FLOAT64_CHECK = { dtype: 'float64', h: 1e-6, tolerance: { abs: 1e-7, rel: 1e-6 } } as const;

/**
 * float32 (Conv, ConvTranspose, InstanceNormalization, Erf have only float kernels on ORT's CPU): each output carries
 * a relative rounding of ~6e-8, which a difference quotient divides by 2h. h = 1e-2 keeps that near 1e-5·Σ|w·y|
 * while the truncation error stays ~1e-5·f‴; 1e-3 absolute + 1e-2 relative sits well above both, and a wrong rule
 * (a missing term, a transposed kernel, a wrong pad) is off by far more.
 */
export const FLOAT32_CHECK = { dtype: 'float32', h: 1e-2, tolerance: { abs: 1e-3, rel: 1e-2 } } as const;

/** Values in ±[lo, lo + 1): away from a kink at 0 by more than any finite-difference step. */
export function awayFromZero(n: number, seed: number, lo = 0.1): number[] {
  return Array.from(randomFloats(n, seed), (v) => Math.sign(v || 1) * (lo + Math.abs(v)));
}

/** Values in [lo, lo + 1): for logarithms, square roots, divisors and bases of powers. */
export function positive(n: number, seed: number, lo = 0.5): number[] {
  return Array.from(randomFloats(n, seed), (v) => lo + (v + 1) / 2);
}
