// Gradients of InstanceNormalization (float32: no double kernel in ORT's CPU provider) and LayerNormalization
// (float64, and float32 as the models run it) with respect to x, scale and bias, against central finite differences
// (tolerances in test/helpers/finite-difference.ts).
import { describe, it } from 'node:test';
import { float, int } from '../src/core/onnx';
import { checkGradients, FLOAT32_CHECK, FLOAT64_CHECK } from './helpers/finite-difference';

describe('InstanceNormalization', () => {
  it('[2, 3, 3, 2, 3] with scale and bias', async () => {
    await checkGradients({
      ...FLOAT32_CHECK,
      maxCoordinates: 40,
      inputs: [{ name: 'x', shape: [2, 3, 3, 2, 3] }, { name: 's', shape: [3] }, { name: 'b', shape: [3] }],
      build: (g, [x, s, b]) => g.op('InstanceNormalization', [x!, s!, b!], { epsilon: float(1e-5) }),
    });
  });

  it('2-D input, a large epsilon', async () => {
    await checkGradients({
      ...FLOAT32_CHECK,
      inputs: [{ name: 'x', shape: [2, 2, 3, 4] }, { name: 's', shape: [2] }, { name: 'b', shape: [2] }],
      build: (g, [x, s, b]) => g.op('InstanceNormalization', [x!, s!, b!], { epsilon: float(0.1) }),
    });
  });
});

describe('LayerNormalization', () => {
  for (const check of [FLOAT64_CHECK, FLOAT32_CHECK]) {
    it(`last axis (${check.dtype})`, async () => {
      await checkGradients({
        ...check,
        inputs: [{ name: 'x', shape: [2, 3, 5] }, { name: 's', shape: [5] }, { name: 'b', shape: [5] }],
        build: (g, [x, s, b]) => g.op('LayerNormalization', [x!, s!, b!], { axis: int(-1), epsilon: float(1e-5) }),
      });
    });
  }

  it('axis 1: statistics over the last two axes (float64)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 's', shape: [3, 4] }, { name: 'b', shape: [4] }],
      build: (g, [x, s, b]) => g.op('LayerNormalization', [x!, s!, b!], { axis: int(1), epsilon: float(1e-3) }),
    });
  });
});
