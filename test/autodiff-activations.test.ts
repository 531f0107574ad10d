// Gradients of the activations and Softmax against central finite differences (float64; see
// test/helpers/finite-difference.ts). Relu and LeakyRelu inputs stay 0.1 away from their kink.
import { describe, it } from 'node:test';
import { float, int } from '../src/core/onnx';
import { awayFromZero, checkGradients, FLOAT64_CHECK } from './helpers/finite-difference';

describe('activations', () => {
  it('Relu', async () => {
    await checkGradients({ ...FLOAT64_CHECK, inputs: [{ name: 'x', shape: [4, 5], data: awayFromZero(20, 1) }], build: (g, [x]) => g.op('Relu', [x!]) });
  });

  for (const alpha of [0.01, 0.3, undefined]) {
    it(`LeakyRelu alpha ${alpha ?? 'default (0.01)'}`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'x', shape: [4, 5], data: awayFromZero(20, 2) }],
        build: (g, [x]) => g.op('LeakyRelu', [x!], alpha === undefined ? {} : { alpha: float(alpha) }),
      });
    });
  }

  for (const op of ['Sigmoid', 'Tanh'] as const) {
    it(op, async () => {
      await checkGradients({ ...FLOAT64_CHECK, inputs: [{ name: 'x', shape: [3, 4], data: awayFromZero(12, 3, 0).map((v) => 2 * v) }], build: (g, [x]) => g.op(op, [x!]) });
    });
  }

  for (const axis of [-1, 0, 1, 2]) {
    it(`Softmax along axis ${axis}`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'x', shape: [2, 3, 4], data: awayFromZero(24, 4, 0).map((v) => 3 * v) }],
        build: (g, [x]) => g.op('Softmax', [x!], { axis: int(axis) }),
      });
    });
  }
});
