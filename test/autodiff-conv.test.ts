// Gradients of Conv and ConvTranspose (x, W and bias) against central finite differences, in float32 because ORT's
// CPU provider has no double kernels for them (tolerances in test/helpers/finite-difference.ts). Shapes cover the
// model's convolutions (3³ pad 1, 2³ stride 2 patch embedding, 1³ projection, 2³ stride 2 transposed) and uneven
// strides, pads and dilations, where a strided conv skips trailing rows of x.
import { describe, it } from 'node:test';
import { ints, type Attributes } from '../src/core/onnx';
import { checkGradients, FLOAT32_CHECK } from './helpers/finite-difference';

interface ConvCase {
  readonly what: string;
  readonly x: number[];
  readonly w: number[];
  readonly attributes: Attributes;
}

const convCases: readonly ConvCase[] = [
  { what: '3³ kernel, pad 1 (the res blocks)', x: [1, 2, 5, 5, 5], w: [3, 2, 3, 3, 3], attributes: { pads: ints([1, 1, 1, 1, 1, 1]) } },
  { what: '2³ kernel, stride 2 (the patch embedding)', x: [2, 2, 4, 4, 4], w: [3, 2, 2, 2, 2], attributes: { strides: ints([2, 2, 2]) } },
  { what: '1³ kernel (the skip projection)', x: [2, 3, 3, 2, 3], w: [2, 3, 1, 1, 1], attributes: {} },
  {
    what: 'uneven strides, asymmetric pads, a dilation, a skipped trailing row',
    x: [2, 2, 6, 5, 5], w: [3, 2, 2, 3, 2],
    attributes: { strides: ints([2, 1, 3]), pads: ints([1, 0, 0, 0, 1, 1]), dilations: ints([1, 2, 1]) },
  },
  { what: '2-D, stride 2 with pads', x: [2, 3, 7, 6], w: [4, 3, 3, 3], attributes: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) } },
];

describe('Conv', () => {
  for (const c of convCases) {
    it(c.what, async () => {
      await checkGradients({
        ...FLOAT32_CHECK,
        maxCoordinates: 40,
        inputs: [{ name: 'x', shape: c.x }, { name: 'w', shape: c.w }, { name: 'b', shape: [c.w[0]!] }],
        build: (g, [x, w, b]) => g.op('Conv', [x!, w!, b!], { kernel_shape: ints(c.w.slice(2)), ...c.attributes }),
      });
    });
  }

  it('without a bias, with a symbolic batch', async () => {
    await checkGradients({
      ...FLOAT32_CHECK,
      maxCoordinates: 40,
      inputs: [{ name: 'x', shape: [2, 2, 4, 4, 4], graphShape: ['N', 2, 4, 4, 4] }, { name: 'w', shape: [3, 2, 3, 3, 3] }],
      build: (g, [x, w]) => g.op('Conv', [x!, w!], { kernel_shape: ints([3, 3, 3]), pads: ints([1, 1, 1, 1, 1, 1]) }),
    });
  });
});

describe('ConvTranspose', () => {
  const cases: readonly ConvCase[] = [
    { what: '2³ kernel, stride 2 (the decoder upsampling)', x: [2, 3, 3, 3, 3], w: [3, 2, 2, 2, 2], attributes: { strides: ints([2, 2, 2]) } },
    {
      what: '3³ kernel, stride 2, pads, output padding, a dilation',
      x: [2, 2, 3, 2, 3], w: [2, 3, 3, 2, 3],
      attributes: { strides: ints([2, 2, 1]), pads: ints([1, 0, 1, 1, 0, 0]), output_padding: ints([1, 0, 0]), dilations: ints([1, 1, 2]) },
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      await checkGradients({
        ...FLOAT32_CHECK,
        maxCoordinates: 40,
        inputs: [{ name: 'x', shape: c.x }, { name: 'w', shape: c.w }, { name: 'b', shape: [c.w[1]!] }],
        build: (g, [x, w, b]) => g.op('ConvTranspose', [x!, w!, b!], { kernel_shape: ints(c.w.slice(2)), ...c.attributes }),
      });
    });
  }
});
