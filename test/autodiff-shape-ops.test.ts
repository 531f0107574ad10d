// Gradients of the data-movement ops against central finite differences (float64; see
// test/helpers/finite-difference.ts). Each case leaves some input values unused or used twice, so a gradient that
// puts dy in the wrong place, or forgets to add, fails.
import { describe, it } from 'node:test';
import { DTYPE_CODES, int, ints, ops, type Tensor } from '../src/core/onnx';
import { checkGradients, FLOAT32_CHECK, FLOAT64_CHECK } from './helpers/finite-difference';

describe('data movement', () => {
  it('Reshape (with -1 and a symbolic batch)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 3, 4], graphShape: ['N', 3, 4] }],
      build: (g, [x]) => ops.reshape(g, x!, [-1, 2, 6]),
    });
  });

  it('Transpose (a permutation and the default reversal)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      build: (g, [x]) => [ops.transpose(g, x!, [1, 2, 0]), g.op('Transpose', [x!])],
    });
  });

  const slices: readonly { what: string; args: [number[], number[], number[], number[]?] }[] = [
    { what: 'one axis', args: [[1], [3], [1]] },
    { what: 'negative start, end past the axis', args: [[-3], [100], [2]] },
    { what: 'steps 2 and 3 on two axes', args: [[0, 1], [5, 6], [1, 2], [2, 3]] },
    { what: 'a step whose last gap runs past the end', args: [[1], [100], [2], [2]] },
    { what: "patch merging's odd offsets", args: [[1, 0, 1], [1 << 30, 1 << 30, 1 << 30], [0, 1, 2], [2, 2, 2]] },
  ];
  for (const { what, args } of slices) {
    it(`Slice: ${what}`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'x', shape: [4, 6, 7] }],
        build: (g, [x]) => ops.slice(g, x!, ...args),
      });
    });
  }

  it('Concat (an input used twice)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'a', shape: [2, 3, 2] }, { name: 'b', shape: [2, 1, 2] }],
      build: (g, [a, b]) => ops.concat(g, [a!, b!, a!], 1),
    });
  });

  it('Pad (zeros, on two axes)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      build: (g, [x]) => ops.pad(g, x!, [0, 1, 0, 0, 2, 3]),
    });
  });

  it('Gather along a middle axis with repeated and negative indices (one-hot formulation)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 5, 3] }],
      build: (g, [x]) => g.op('Gather', [x!, g.constant('int64', [2, 3], BigInt64Array.from([0n, 4n, 2n, 2n, -1n, 0n]))], { axis: int(1) }),
    });
  });

  it('Gather of table rows by a large int32 index (the scatter formulation, as for the relative-position bias)', async () => {
    // 1500 reads from 800 rows is past the one-hot limit (2^20 entries); rows read never, once and several times.
    const index = Int32Array.from({ length: 1500 }, (_, i) => (i * i * 7 + 3) % 700);
    await checkGradients({
      ...FLOAT32_CHECK,
      maxCoordinates: 60,
      inputs: [{ name: 'table', shape: [800, 2] }],
      build: (g, [t]) => ops.transpose(g, g.op('Gather', [t!, g.constant('int32', [1500], index)], { axis: int(0) }), [1, 0]),
    });
  });

  it('Split (all outputs, and one output left unused)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [2, 7] }, { name: 'y', shape: [6, 2] }],
      build: (g, [x, y]) => {
        const [a, b, c] = g.node('Split', [x!, g.int64s([2, 4, 1])], { axis: int(1) }, 3);
        const [, e, f] = g.node('Split', [y!], { axis: int(0), num_outputs: int(3) }, 3);
        return [a!, b!, c!, e!, f!];
      },
    });
  });

  it('Expand', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [3, 1] }],
      build: (g, [x]) => g.op('Expand', [x!, g.int64s([2, 3, 4])]),
    });
  });

  it('Identity and float casts (float32 → float64 → float32)', async () => {
    await checkGradients({
      ...FLOAT32_CHECK,
      inputs: [{ name: 'x', shape: [2, 3] }],
      build: (g, [x]) => {
        const to = (t: Tensor, type: 'float32' | 'float64'): Tensor => g.op('Cast', [t], { to: int(DTYPE_CODES[type]) });
        return g.op('Identity', [to(to(x!, 'float64'), 'float32')]);
      },
    });
  });

  it('a window partition and reverse, as in a Swin block', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'x', shape: [1, 4, 4, 4, 2], graphShape: ['N', 4, 4, 4, 2] }],
      maxCoordinates: 40,
      build: (g, [x]) => {
        let y = ops.reshape(g, x!, [-1, 2, 2, 2, 2, 2, 2, 2]);
        y = ops.transpose(g, y, [0, 1, 3, 5, 2, 4, 6, 7]);
        y = ops.reshape(g, y, [-1, 8, 2]);
        y = g.op('Mul', [y, y]);
        y = ops.roll(g, ops.reshape(g, y, [-1, 4, 4, 4, 2]), 1, 2);
        return g.op('Transpose', [y], { perm: ints([0, 4, 1, 2, 3]) });
      },
    });
  });
});
