// The AdamW subgraph against torch.optim.AdamW over 5 steps (test/fixtures/training/make_loss_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../src/core/onnx';
import { adamwHyperInputs, adamwUpdate, type AdamWSlot } from '../src/core/training/adamw';
import * as ort from 'onnxruntime-node';
import { serializeModel } from '../src/core/onnx';

interface Run {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly shapes: number[][];
  readonly initial: number[][];
  readonly steps: { grads: number[][]; param: number[][]; m: number[][]; v: number[][] }[];
}

const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures', 'training', 'adamw.json'), 'utf8')) as { runs: Run[] };

function buildStep(shapes: readonly number[][]): GraphBuilder {
  const g = new GraphBuilder('adamw-step');
  const hyper = adamwHyperInputs(g);
  const slots: AdamWSlot[] = shapes.map((shape, i) => ({
    param: g.input(`p${i}`, 'float32', shape), grad: g.input(`g${i}`, 'float32', shape),
    m: g.input(`m${i}`, 'float32', shape), v: g.input(`v${i}`, 'float32', shape),
  }));
  adamwUpdate(g, hyper, slots).forEach((r, i) => {
    g.output(r.param, `p${i}.next`);
    g.output(r.m, `m${i}.next`);
    g.output(r.v, `v${i}.next`);
  });
  return g;
}

type Feed = { data: Float32Array | Float64Array; dims: number[] };

/** Like helpers/ort-run's runGraph, with float64 feeds (the hyperparameters) beside float32 ones. */
async function runSession(session: ort.InferenceSession, feeds: Record<string, Feed>): Promise<Record<string, Float32Array>> {
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) =>
    [k, new ort.Tensor(v.data instanceof Float64Array ? 'float64' : 'float32', v.data, v.dims)]));
  const out = await session.run(inputs);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

/** |a − b| ≤ atol + rtol·|b| elementwise, naming the first element that is off. */
function assertAllClose(actual: Float32Array, expected: readonly number[], rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: got ${a}, torch ${e}`);
  });
}

describe('AdamW update graph', () => {
  fixture.runs.forEach((run, r) => {
    it(`matches torch.optim.AdamW for 5 steps (lr ${run.lr}, betas ${run.beta1}/${run.beta2}, eps ${run.eps}, wd ${run.weightDecay})`, async () => {
      const session = await ort.InferenceSession.create(serializeModel(buildStep(run.shapes).build()), { intraOpNumThreads: 1 });
      const scalar = (v: number): { data: Float64Array; dims: number[] } => ({ data: Float64Array.of(v), dims: [] });
      let params: Float32Array[] = run.initial.map((p) => Float32Array.from(p));
      let ms: Float32Array[] = run.shapes.map((_, i) => new Float32Array(params[i]!.length));
      let vs: Float32Array[] = run.shapes.map((_, i) => new Float32Array(params[i]!.length));
      for (const [s, step] of run.steps.entries()) {
        const feeds: Record<string, Feed> = {
          'adamw.step': scalar(s + 1), 'adamw.lr': scalar(run.lr), 'adamw.beta1': scalar(run.beta1),
          'adamw.beta2': scalar(run.beta2), 'adamw.eps': scalar(run.eps), 'adamw.weightDecay': scalar(run.weightDecay),
        };
        run.shapes.forEach((dims, i) => {
          feeds[`p${i}`] = { data: params[i]!, dims };
          feeds[`g${i}`] = { data: Float32Array.from(step.grads[i]!), dims };
          feeds[`m${i}`] = { data: ms[i]!, dims };
          feeds[`v${i}`] = { data: vs[i]!, dims };
        });
        const out = await runSession(session, feeds);
        params = run.shapes.map((_, i) => out[`p${i}.next`]!);
        ms = run.shapes.map((_, i) => out[`m${i}.next`]!);
        vs = run.shapes.map((_, i) => out[`v${i}.next`]!);
        run.shapes.forEach((_, i) => {
          const where = `run ${r} step ${s + 1} parameter ${i}`;
          assertAllClose(params[i]!, step.param[i]!, 1e-6, 1e-7, `${where} param`);
          assertAllClose(ms[i]!, step.m[i]!, 1e-6, 1e-7, `${where} m`); // m cancels: 1 ulp of its ~1 terms
          assertAllClose(vs[i]!, step.v[i]!, 1e-5, 1e-12, `${where} v`);
        });
      }
      await session.release();
    });
  });

  it('refuses mismatched shapes and non-scalar hyperparameters, naming them', () => {
    const g = new GraphBuilder('t');
    const hyper = adamwHyperInputs(g);
    const p = g.input('p', 'float32', [2, 3]);
    const bad = g.input('g', 'float32', [3, 2]);
    assert.throws(() => adamwUpdate(g, hyper, [{ param: p, grad: bad, m: p, v: p }]),
      /adamwUpdate: parameter 0 \("p"\): grad "g" is float32 \[3, 2\]; expected float32 \[2, 3\]/);
    assert.throws(() => adamwUpdate(g, { ...hyper, lr: p }, [{ param: p, grad: p, m: p, v: p }]),
      /adamwUpdate: lr "p" is float32 \[2, 3\]; expected a float64 scalar \[\]/);
  });
});
