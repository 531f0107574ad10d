// Gradients of MatMul (batched, broadcast batch axes) and Gemm (every transA/transB, alpha, beta, a broadcast C)
// against central finite differences in float64 (see test/helpers/finite-difference.ts).
import { describe, it } from 'node:test';
import { float, int } from '../src/core/onnx';
import { checkGradients, FLOAT64_CHECK } from './helpers/finite-difference';

describe('MatMul', () => {
  const cases: readonly (readonly [number[], number[]])[] = [
    [[3, 4], [4, 2]],
    [[2, 3, 4], [2, 4, 5]],
    [[2, 1, 3, 4], [3, 4, 2]], // a broadcast over the second batch axis, b over the first
    [[3, 4], [2, 2, 4, 3]], // a's batch axes are missing entirely
    [[2, 3, 4], [4, 5]], // a linear layer: the weight is shared by the batch
  ];
  for (const [sa, sb] of cases) {
    it(`[${sa}] × [${sb}]`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'a', shape: sa }, { name: 'b', shape: sb }],
        build: (g, [a, b]) => g.op('MatMul', [a!, b!]),
      });
    });
  }
});

describe('Gemm', () => {
  for (const transA of [0, 1]) for (const transB of [0, 1]) {
    it(`transA ${transA} transB ${transB}, alpha 0.7, beta 1.3, C broadcast from [4]`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [
          { name: 'a', shape: transA ? [5, 3] : [3, 5] },
          { name: 'b', shape: transB ? [4, 5] : [5, 4] },
          { name: 'c', shape: [4] },
        ],
        build: (g, [a, b, c]) => g.op('Gemm', [a!, b!, c!], { transA: int(transA), transB: int(transB), alpha: float(0.7), beta: float(1.3) }),
      });
    });
  }

  it('without C, C of the full shape, C of [3, 1]', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'a', shape: [3, 5] }, { name: 'b', shape: [5, 4] }, { name: 'c', shape: [3, 4] }, { name: 'd', shape: [3, 1] }],
      build: (g, [a, b, c, d]) => [g.op('Gemm', [a!, b!]), g.op('Gemm', [a!, b!, c!]), g.op('Gemm', [a!, b!, d!], { beta: float(-2) })],
    });
  });
});
