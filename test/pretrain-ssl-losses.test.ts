// SwinFUSE pre-training losses (src/core/pretrain/ssl-losses.ts): forward values and autodiff gradients against
// float64 references with autograd gradients (test/fixtures/pretrain/make_ssl_fixtures.py; the JSON's `generator`
// says which backend made them), gradients against central finite differences, and the JSD at its known limits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../src/core/autodiff';
import { GraphBuilder, serializeModel, type Dim, type Tensor } from '../src/core/onnx';
import { crossEntropyLoss, kdeJsd, l1Loss, ntXentLoss, upsampleTrilinear2x } from '../src/core/pretrain/ssl-losses';
import { assertClose } from './helpers/approx';
import { checkGradients, FLOAT64_CHECK } from './helpers/finite-difference';
import { randomFloats } from './helpers/ort-run';

interface UpsampleCase { shape: number[]; x: number[]; upstream: number[]; y: number[]; gradX: number[] }
interface L1Case { shape: number[]; recon: number[]; target: number[]; loss: number; gradRecon: number[]; gradTarget: number[] }
interface CeCase { shape: number[]; logits: number[]; oneHot: number[]; loss: number; gradLogits: number[] }
interface NtXentCase { shape: number[]; temperature: number; z1: number[]; z2: number[]; loss: number; gradZ1: number[]; gradZ2: number[] }
interface KdeCase { shape: number[]; sigma: number; points: number[]; groupA: number[]; loss: number; gradPoints: number[] }

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures', 'pretrain', 'ssl-losses.json'), 'utf8')) as {
  upsample: UpsampleCase[]; l1: L1Case[]; crossEntropy: CeCase[]; ntXent: NtXentCase[]; kdeJsd: KdeCase[];
};

/** float32 forward values are compared at 2e-6 of max(1, |reference|), gradients at GRAD_TOLERANCE of their scale (measured: ≤ 3e-7). */
const VALUE_TOLERANCE = 2e-6;
const GRAD_TOLERANCE = 1e-5;

interface Fed { name: string; shape: readonly number[]; data: ArrayLike<number>; graphShape?: readonly Dim[]; wrt?: boolean }

/**
 * Builds `build` over float32 graph inputs, differentiates output "loss" with our autodiff with respect to every
 * input with wrt (default true), runs it once in onnxruntime-node and returns all outputs by name.
 */
async function runWithGradients(inputs: readonly Fed[], build: (g: GraphBuilder, xs: Tensor[]) => Record<string, Tensor>):
  Promise<{ out: Record<string, Float32Array>; grad: Record<string, Float32Array> }> {
  const g = new GraphBuilder('ssl-loss-test');
  const tensors = inputs.map((i) => g.input(i.name, 'float32', i.graphShape ?? i.shape));
  for (const [name, t] of Object.entries(build(g, tensors))) g.output(t, name);
  const wrt = inputs.filter((i) => i.wrt !== false).map((i) => i.name);
  const { graph, gradients } = buildGradientGraph(g.build(), { loss: 'loss', wrt });
  const session = await ort.InferenceSession.create(serializeModel(graph), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    const feeds = Object.fromEntries(inputs.map((i) => [i.name, new ort.Tensor('float32', Float32Array.from(i.data), [...i.shape])]));
    const result = await session.run(feeds);
    const out = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.data as Float32Array]));
    return { out, grad: Object.fromEntries(wrt.map((name) => [name, out[gradients.get(name)!]!])) };
  } finally {
    await session.release();
  }
}

/** max |got − want| ≤ tolerance · max(|want|): relative to the gradient's scale, so near-zero entries do not flake. */
function assertArrayClose(got: ArrayLike<number>, want: readonly number[], tolerance: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(...want.map(Math.abs));
  let worst = 0;
  let at = 0;
  want.forEach((w, i) => {
    const d = Math.abs(got[i]! - w);
    if (!(d <= worst)) [worst, at] = [d, i];
  });
  assert.ok(worst <= tolerance * scale, `${what}: element ${at} is ${got[at]}, expected ${want[at]} (scale ${scale}, ±${tolerance})`);
  if (process.env.SSL_VERBOSE) console.log(`${what}: worst ${(worst / scale).toExponential(2)} of scale`);
}

describe('upsampleTrilinear2x', () => {
  for (const c of fixtures.upsample) {
    it(`matches the reference trilinear ×2 (align_corners=False) and its gradient: ${JSON.stringify(c.shape)}`, async () => {
      const outShape = [...c.shape.slice(0, 2), ...c.shape.slice(2).map((d) => 2 * d)];
      const { out, grad } = await runWithGradients(
        [{ name: 'x', shape: c.shape, data: c.x }, { name: 'upstream', shape: outShape, data: c.upstream, wrt: false }],
        (g, [x, up]) => {
          const y = upsampleTrilinear2x(g, x!);
          assert.deepEqual(y.type.shape, outShape);
          return { y, loss: g.op('ReduceSum', [g.op('Mul', [y, up!])], { keepdims: { type: 'int', value: 0 } }) };
        });
      assertArrayClose(out.y!, c.y, VALUE_TOLERANCE, 'y');
      assertArrayClose(grad.x!, c.gradX, GRAD_TOLERANCE, 'dx');
    });
  }

  it('has gradients that match finite differences, a size-1 axis included (float64)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK, inputs: [{ name: 'x', shape: [2, 1, 3, 1, 2] }], build: (g, [x]) => upsampleTrilinear2x(g, x!),
    });
  });

  it('refuses a symbolic or wrong-rank shape where it is built', () => {
    const g = new GraphBuilder('t');
    assert.throws(() => upsampleTrilinear2x(g, g.input('a', 'float32', ['N', 1, 2, 2, 2])),
      /upsampleTrilinear2x: x "a" has shape .*static \[B, C, D, H, W\]/);
    assert.throws(() => upsampleTrilinear2x(g, g.input('b', 'float32', [1, 2, 2, 2])), /expected a static/);
  });
});

describe('l1Loss', () => {
  for (const c of fixtures.l1) {
    it(`matches the reference mean |recon − target| and both gradients: ${JSON.stringify(c.shape)}`, async () => {
      const { out, grad } = await runWithGradients(
        [{ name: 'recon', shape: c.shape, data: c.recon }, { name: 'target', shape: c.shape, data: c.target }],
        (g, [r, t]) => ({ loss: l1Loss(g, r!, t!) }));
      assertClose(out.loss![0]!, c.loss, VALUE_TOLERANCE, 'L1');
      assertArrayClose(grad.recon!, c.gradRecon, GRAD_TOLERANCE, 'dRecon');
      assertArrayClose(grad.target!, c.gradTarget, GRAD_TOLERANCE, 'dTarget');
    });
  }
});

describe('crossEntropyLoss', () => {
  for (const [k, c] of fixtures.crossEntropy.entries()) {
    it(`matches the reference cross-entropy and its gradient: case ${k} ${JSON.stringify(c.shape)}`, async () => {
      const { out, grad } = await runWithGradients(
        [{ name: 'logits', shape: c.shape, data: c.logits }, { name: 'oneHot', shape: c.shape, data: c.oneHot, wrt: false }],
        (g, [x, t]) => ({ loss: crossEntropyLoss(g, x!, t!) }));
      assertClose(out.loss![0]!, c.loss, VALUE_TOLERANCE, 'cross-entropy');
      assertArrayClose(grad.logits!, c.gradLogits, GRAD_TOLERANCE, 'dLogits');
    });
  }

  it('takes a symbolic batch', async () => {
    const c = fixtures.crossEntropy[0]!;
    const graphShape = ['B', c.shape[1]!];
    const { out } = await runWithGradients(
      [{ name: 'logits', shape: c.shape, graphShape, data: c.logits },
        { name: 'oneHot', shape: c.shape, graphShape, data: c.oneHot, wrt: false }],
      (g, [x, t]) => ({ loss: crossEntropyLoss(g, x!, t!) }));
    assertClose(out.loss![0]!, c.loss, VALUE_TOLERANCE, 'cross-entropy');
  });

  it('has a gradient that matches finite differences (float64)', async () => {
    const oneHot = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'logits', shape: [3, 4] }, { name: 'oneHot', shape: [3, 4], data: oneHot, wrt: false }],
      build: (g, [x, t]) => crossEntropyLoss(g, x!, t!),
    });
  });
});

describe('ntXentLoss', () => {
  for (const c of fixtures.ntXent) {
    it(`matches MONAI ContrastiveLoss and its gradients: B ${c.shape[0]}, D ${c.shape[1]}, τ ${c.temperature}`, async () => {
      const { out, grad } = await runWithGradients(
        [{ name: 'z1', shape: c.shape, data: c.z1 }, { name: 'z2', shape: c.shape, data: c.z2 }],
        (g, [a, b]) => ({ loss: ntXentLoss(g, a!, b!, c.temperature) }));
      assertClose(out.loss![0]!, c.loss, VALUE_TOLERANCE, 'NT-Xent');
      assertArrayClose(grad.z1!, c.gradZ1, GRAD_TOLERANCE, 'dz1');
      assertArrayClose(grad.z2!, c.gradZ2, GRAD_TOLERANCE, 'dz2');
    });
  }

  for (const temperature of [0.5, 0.1]) {
    it(`has gradients that match finite differences (float64, τ ${temperature})`, async () => {
      await checkGradients({
        ...FLOAT64_CHECK,
        inputs: [{ name: 'z1', shape: [3, 4] }, { name: 'z2', shape: [3, 4] }],
        build: (g, [a, b]) => ntXentLoss(g, a!, b!, temperature),
      });
    });
  }

  it('stays finite at a temperature whose exp(±1/τ) overflows float32', async () => {
    const { out, grad } = await runWithGradients(
      [{ name: 'z1', shape: [3, 4], data: randomFloats(12, 5) }, { name: 'z2', shape: [3, 4], data: randomFloats(12, 6) }],
      (g, [a, b]) => ({ loss: ntXentLoss(g, a!, b!, 0.005) }));
    assert.ok(Number.isFinite(out.loss![0]!) && [...grad.z1!, ...grad.z2!].every(Number.isFinite), `loss ${out.loss![0]}`);
  });
});

describe('kdeJsd', () => {
  for (const c of fixtures.kdeJsd) {
    it(`matches the reference JSD of the two KDEs and its gradient: N ${c.shape[0]}, D ${c.shape[1]}, σ ${c.sigma}`, async () => {
      const { out, grad } = await runWithGradients(
        [{ name: 'points', shape: c.shape, data: c.points }, { name: 'groupA', shape: [c.shape[0]!], data: c.groupA, wrt: false }],
        (g, [x, a]) => ({ loss: kdeJsd(g, x!, a!, c.sigma) }));
      assertClose(out.loss![0]!, c.loss, VALUE_TOLERANCE, 'JSD');
      assertArrayClose(grad.points!, c.gradPoints, GRAD_TOLERANCE, 'dPoints');
    });
  }

  it('has a gradient that matches finite differences (float64)', async () => {
    await checkGradients({
      ...FLOAT64_CHECK,
      inputs: [{ name: 'points', shape: [7, 3] }, { name: 'groupA', shape: [7], data: [1, 0, 0, 1, 1, 0, 1], wrt: false }],
      build: (g, [x, a]) => kdeJsd(g, x!, a!, 0.7),
    });
  });

  const jsdOf = async (points: ArrayLike<number>, groupA: number[], d: number, sigma: number):
    Promise<{ jsd: number; grad: Float32Array }> => {
    const n = groupA.length;
    const { out, grad } = await runWithGradients(
      [{ name: 'points', shape: [n, d], data: points }, { name: 'groupA', shape: [n], data: groupA, wrt: false }],
      (g, [x, a]) => ({ loss: kdeJsd(g, x!, a!, sigma) }));
    return { jsd: out.loss![0]!, grad: grad.points! };
  };
  const [half, d] = [6, 4];
  const cloud = randomFloats(half * d, 11);
  const split = [...Array<number>(half).fill(1), ...Array<number>(half).fill(0)];

  it('is ~0 for two identical groups', async () => {
    const { jsd } = await jsdOf([...cloud, ...cloud], split, d, 0.8);
    assert.ok(Math.abs(jsd) < 1e-6, `JSD ${jsd}`);
  });

  it('approaches ln 2 for two far-apart groups', async () => {
    const far = [...cloud, ...Array.from(cloud, (v) => v + 20)];
    const { jsd } = await jsdOf(far, split, d, 0.8);
    assertClose(jsd, Math.LN2, 1e-6, 'JSD of disjoint groups');
    // Nearer groups overlap and diverge less.
    const near = await jsdOf([...cloud, ...Array.from(cloud, (v) => v + 0.5)], split, d, 0.8);
    assert.ok(near.jsd > 0.01 && near.jsd < Math.LN2 - 0.01, `JSD ${near.jsd}`);
  });

  it('gives ½·ln 2 and a zero gradient, not NaN, when one group is empty', async () => {
    const { jsd, grad } = await jsdOf(cloud, Array<number>(half).fill(1), d, 0.8);
    assertClose(jsd, Math.LN2 / 2, 1e-6, 'JSD with an empty group');
    // Zero up to rounding: P_A's normalization makes the constant ½·ln 2 independent of the points.
    assert.ok(grad.every((v) => Math.abs(v) < 1e-6), `gradient ${grad}`);
  });

  it('says which input is wrong, where the loss is built', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [5, 3]);
    assert.throws(() => kdeJsd(g, x, g.input('a', 'float32', [4]), 1), /kdeJsd: groupA "a" is float32 \[4\]; expected float32 \[5\]/);
    assert.throws(() => kdeJsd(g, x, g.input('b', 'float32', [5]), 0), /sigma is 0; it must be > 0/);
    assert.throws(() => ntXentLoss(g, x, g.input('y', 'float32', [5, 4]), 0.5), /ntXentLoss: "y" has shape \[5, 4\], "x" \[5, 3\]/);
    assert.throws(() => ntXentLoss(g, x, x, 0), /temperature is 0/);
    assert.throws(() => crossEntropyLoss(g, x, g.input('i', 'int64', [5, 3])), /crossEntropyLoss: "i" is int64, "x" float32/);
    assert.throws(() => l1Loss(g, x, g.input('z', 'float32', [3, 5])), /l1Loss: "z" has shape \[3, 5\], "x" \[5, 3\]/);
  });
});
