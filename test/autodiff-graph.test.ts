// The backward pass as a whole: branches are summed, only paths from the parameters to the loss are built, unknown
// and non-differentiable ops are named in errors, and the finite-difference checker itself catches a wrong gradient.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../src/core/autodiff';
import { DTYPE_CODES, GraphBuilder, int, serializeModel, type Graph, type OpType } from '../src/core/onnx';
import { checkGradients, FLOAT64_CHECK, mismatches, weightedSumLoss } from './helpers/finite-difference';
import { randomFloats } from './helpers/ort-run';

/** loss = Σ W ⊙ (x @ w) with x an input and w an initializer; `extra` may add nodes before the loss. */
function linearGraph(): Graph {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', [2, 3]);
  const w = g.initializer('w', { dtype: 'float32', shape: [3, 4], data: randomFloats(12, 1) });
  g.initializer('unused', { dtype: 'float32', shape: [2, 2], data: randomFloats(4, 2) });
  g.output(weightedSumLoss(g, [g.op('MatMul', [x, w])], 3), 'loss');
  return g.build();
}

describe('the gradient graph', () => {
  it('sums the gradients of branches that meet (x used by Exp, twice by one Mul, and by a Softmax)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [3, 4] }, { name: 'y', shape: [4] }],
      build: (g, [x, y]) => {
        const e = g.op('Exp', [x!]);
        const sq = g.op('Mul', [x!, x!]);
        return g.op('Add', [g.op('Mul', [e, sq]), g.op('Softmax', [g.op('Add', [x!, y!])], { axis: int(-1) })]);
      },
    });
  });

  it('builds only what lies on a path from the parameters to the loss', () => {
    const forward = linearGraph();
    const { graph } = buildGradientGraph(forward, { loss: 'loss', wrt: ['w'] });
    const backward = graph.nodes.slice(forward.nodes.length);
    // dW = xᵀ·dY is the only MatMul; dX = dY·Wᵀ is not built since x is not differentiated.
    assert.equal(backward.filter((n) => n.op === 'MatMul').length, 1);
    assert.deepEqual(graph.outputs.map((o) => o.name), ['loss', 'grad.w']);
  });

  it('refuses a parameter the loss does not depend on, or gives it zeros when asked', async () => {
    const forward = linearGraph();
    assert.throws(() => buildGradientGraph(forward, { loss: 'loss', wrt: ['w', 'unused'] }), /the loss does not depend on "unused"/);
    const { graph, gradients } = buildGradientGraph(forward, { loss: 'loss', wrt: ['w', 'unused'], allowUnused: true });
    const session = await ort.InferenceSession.create(serializeModel(graph));
    const out = await session.run({ x: new ort.Tensor('float32', randomFloats(6, 4), [2, 3]) });
    await session.release();
    assert.deepEqual(Array.from(out[gradients.get('unused')!]!.data as Float32Array), [0, 0, 0, 0]);
    assert.ok((out['grad.w']!.data as Float32Array).some((v) => v !== 0));
  });

  it('treats integer edges as constants: a value reached only through a Cast to int64 is unused', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [3]);
    const back = g.op('Cast', [g.op('Cast', [x], { to: int(DTYPE_CODES.int64) })], { to: int(DTYPE_CODES.float32) });
    g.output(g.op('ReduceSum', [back], { keepdims: int(0) }), 'loss');
    assert.throws(() => buildGradientGraph(g.build(), { loss: 'loss', wrt: ['x'] }), /does not depend on "x"/);
  });

  it('names the op and the node for an op type without a rule', () => {
    const forward = linearGraph();
    const matmul = forward.nodes.find((n) => n.op === 'MatMul')!;
    const broken: Graph = { ...forward, nodes: forward.nodes.map((n) => (n === matmul ? { ...n, op: 'Einsum' as OpType } : n)) };
    assert.throws(() => buildGradientGraph(broken, { loss: 'loss', wrt: ['w'] }),
      new RegExp(`gradient of Einsum node "${matmul.name}": no gradient rule for op type "Einsum"`));
  });

  it('names a non-differentiable op met on a path', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [4, 2]);
    const index = g.constant('int64', [1, 1], BigInt64Array.of(1n));
    const scattered = g.op('ScatterND', [x, index, g.constant('float32', [1, 2], Float32Array.of(1, 2))]);
    g.output(g.op('ReduceSum', [scattered], { keepdims: int(0) }), 'loss');
    assert.throws(() => buildGradientGraph(g.build(), { loss: 'loss', wrt: ['x'] }), /ScatterND node "ScatterND_\d+": .*not differentiable/);
  });

  it('checks the request: a scalar float loss, parameters that exist, listed once', () => {
    const forward = linearGraph();
    const matmulOut = forward.nodes.find((n) => n.op === 'MatMul')!.outputs[0]!;
    assert.throws(() => buildGradientGraph(forward, { loss: matmulOut, wrt: ['w'] }), /the loss must be a float scalar, not float32 \[2, 4\]/);
    assert.throws(() => buildGradientGraph(forward, { loss: 'nope', wrt: ['w'] }), /"nope" in graph "t": the loss is not a value/);
    assert.throws(() => buildGradientGraph(forward, { loss: 'loss', wrt: [matmulOut] }), /is not an initializer or input/);
    assert.throws(() => buildGradientGraph(forward, { loss: 'loss', wrt: ['w', 'w'] }), /"w" is listed twice/);
  });
});

describe('the finite-difference checker', () => {
  it('flags a gradient off by 1 %, and not one within tolerance', () => {
    const numeric = [1, -2, 3];
    assert.equal(mismatches('x', [0, 1, 2], [1, -2.02, 3], numeric, FLOAT64_CHECK.tolerance).length, 1);
    assert.equal(mismatches('x', [0, 1, 2], [1, -2 - 1e-8, 3 + 1e-9], numeric, FLOAT64_CHECK.tolerance).length, 0);
    assert.equal(mismatches('x', [0], [Number.NaN], [0], FLOAT64_CHECK.tolerance).length, 1);
  });
});
