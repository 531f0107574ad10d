// Gradients of the elementwise ops against central finite differences (see test/helpers/finite-difference.ts for
// the step sizes and tolerances): float64 where ORT's CPU provider has the kernel, float32 for Erf.
import { describe, it } from 'node:test';
import type { OpType } from '../src/core/onnx';
import { awayFromZero, checkGradients, FLOAT32_CHECK, FLOAT64_CHECK, positive } from './helpers/finite-difference';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Pairs of operand shapes: equal, trailing broadcast, both sides broadcast, rank-0 and missing leading axes. */
const BROADCASTS: readonly (readonly [number[], number[]])[] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4]],
  [[2, 1, 4], [3, 1]],
  [[1, 3], [2, 1, 1]],
  [[], [2, 3]],
  [[2, 3], []],
];

describe('binary elementwise ops broadcast and sum their gradients back', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div'] as const) {
    for (const [sa, sb] of BROADCASTS) {
      it(`${op} [${sa}] ∘ [${sb}]`, async () => {
        await checkGradients({
          ...FLOAT64_CHECK,
          inputs: [
            { name: 'a', shape: sa },
            // Divisors stay in [0.5, 1.5) so 1/b is smooth.
            { name: 'b', shape: sb, data: op === 'Div' ? positive(size(sb), 2) : undefined },
          ],
          build: (g, [a, b]) => g.op(op, [a!, b!]),
        });
      });
    }
  }

  it('Pow with a graph exponent (both gradients; base > 0)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'a', shape: [2, 3], data: positive(6, 3) }, { name: 'b', shape: [3] }],
      build: (g, [a, b]) => g.op('Pow', [a!, b!]),
    });
  });

  it('Pow with a constant exponent (the usual case: x², x^0.5, x^-1.5)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'a', shape: [3, 4], data: positive(12, 4) }],
      build: (g, [a]) => [2, 0.5, -1.5].map((p) => g.op('Pow', [a!, g.constant('float64', [], Float64Array.of(p))])),
    });
  });

  it('Pow with an integer exponent on negative bases', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'a', shape: [6], data: awayFromZero(6, 5) }],
      build: (g, [a]) => g.op('Pow', [a!, g.constant('float64', [], Float64Array.of(3))]),
    });
  });
});

describe('unary elementwise ops', () => {
  const cases: readonly { op: OpType; data?: (n: number) => number[] }[] = [
    { op: 'Neg' },
    { op: 'Exp' },
    { op: 'Sqrt', data: (n) => positive(n, 11) },
    { op: 'Log', data: (n) => positive(n, 12) },
    // |x| has a kink at 0: inputs stay at least 0.1 away.
    { op: 'Abs', data: (n) => awayFromZero(n, 13) },
  ];
  for (const { op, data } of cases) {
    it(`${op} (float64)`, async () => {
      await checkGradients({ ...FLOAT64_CHECK, inputs: [{ name: 'x', shape: [3, 5], data: data?.(15) }], build: (g, [x]) => g.op(op, [x!]) });
    });
  }

  it('Erf (float32: ORT has no double Erf kernel)', async () => {
    await checkGradients({ ...FLOAT32_CHECK, inputs: [{ name: 'x', shape: [3, 5], data: Array.from({ length: 15 }, (_, i) => -2 + i * 0.28) }], build: (g, [x]) => g.op('Erf', [x!]) });
  });
});
