// Gradients of ReduceSum, ReduceMean and ReduceMax against central finite differences (float64; see
// test/helpers/finite-difference.ts), with axes as an input, negative axes, keepdims 0 and 1, all axes, and a
// symbolic batch axis reduced (the size is counted at run time).
import { describe, it } from 'node:test';
import { int, type GraphBuilder, type OpType, type Tensor } from '../src/core/onnx';
import { checkGradients, FLOAT64_CHECK } from './helpers/finite-difference';

function reduce(g: GraphBuilder, op: OpType, x: Tensor, axes: readonly number[] | null, keepdims: number): Tensor {
  return g.op(op, axes ? [x, g.int64s(axes)] : [x], { keepdims: int(keepdims) });
}

/** Distinct values at least 0.05 apart, so the maximum does not change under a ±1e-6 step. */
const distinct = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % n) * 0.05 - 0.4);

describe('reductions', () => {
  for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax'] as const) {
    for (const [axes, keepdims] of [[[1], 1], [[0, 2], 0], [[-1], 0], [null, 0], [null, 1]] as const) {
      it(`${op} axes ${axes ? `[${axes}]` : 'all'} keepdims ${keepdims}`, async () => {
        await checkGradients({
          ...FLOAT64_CHECK,
          inputs: [{ name: 'x', shape: [2, 3, 4], data: op === 'ReduceMax' ? distinct(24) : undefined }],
          build: (g, [x]) => reduce(g, op, x!, axes, keepdims),
        });
      });
    }
  }

  for (const op of ['ReduceSum', 'ReduceMean'] as const) {
    it(`${op} over a symbolic batch axis`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'x', shape: [3, 2, 4], graphShape: ['N', 2, 4] }],
        build: (g, [x]) => [reduce(g, op, x!, [0, 2], 1), reduce(g, op, x!, null, 0)],
      });
    });
  }
});
