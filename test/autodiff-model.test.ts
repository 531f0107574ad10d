// The whole model: gradients of the tiny SwinFUSE (feature size 12, roi 32, one input channel, random weights) with
// respect to parameters in the output head, the decoder, the encoder res blocks, a shifted Swin block (its relative
// bias table goes through the scatter Gather rule), patch merging and the DIM, against central finite differences
// of loss = Σ W ⊙ logits (W fixed random, summed in float64).
//
// Everything runs in float32 (Conv has no double kernel), so both sides carry the model's rounding, on one thread so
// that every run sums in the same order and the error below is a property of the build, not of the scheduler. The
// difference quotient carries noise ~4e-5/h (the loss's float32 jitter) and truncation where LeakyReLU units sit
// within h of their kink; h = 1e-3, except h = 0.2 for the relative-bias table, whose gradient is small (~0.07: a
// sum of softmax gradients that nearly cancel) and would drown in the 1e-3 noise, and which reaches the loss only
// through the smooth softmax (at h = 1e-2 its error was 4.6e-2, at 0.2 it is 6.6e-3).
//
// Each parameter's bound is about 10× the error measured here (the worst |analytic − numeric| over its checked
// coordinates, relative to its largest analytic coordinate; Intel Xeon, onnxruntime 1.30, 1 thread), stated beside
// it. A wrong rule on the path (a transposed kernel, a lost branch, a missing normalisation term) moves the largest
// coordinates by far more; so would a change of numerics ten times worse than today's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../src/core/autodiff';
import { buildSegmentationModel, randomStateDict, type ModelConfig } from '../src/core/models';
import { GraphBuilder, serializeModel, type Graph } from '../src/core/onnx';
import { mismatches, weightedSumLoss, type Mismatch } from './helpers/finite-difference';
import { randomFloats } from './helpers/ort-run';

/** Checked parameters: finite-difference step, the measured relative error, and the bound (≈ 10× it). */
const CHECKED: ReadonlyMap<string, { h: number; measured: number; bound: number }> = new Map([
  ['out.conv.conv.weight', { h: 1e-3, measured: 2.1e-6, bound: 3e-5 }],
  ['out.conv.conv.bias', { h: 1e-3, measured: 6.2e-6, bound: 7e-5 }],
  ['decoder2.transp_conv.conv.weight', { h: 1e-3, measured: 4.7e-3, bound: 0.05 }],
  ['encoder1.layer.conv1.conv.weight', { h: 1e-3, measured: 8.1e-3, bound: 0.09 }],
  ['swinViT.layers1.0.blocks.1.attn.relative_position_bias_table', { h: 0.2, measured: 6.6e-3, bound: 0.07 }],
  ['swinViT.layers1.0.blocks.1.norm2.weight', { h: 1e-3, measured: 9.9e-3, bound: 0.1 }],
  ['swinViT.layers1.0.blocks.1.mlp.linear1.bias', { h: 1e-3, measured: 1.24e-2, bound: 0.13 }],
  ['swinViT.layers2.0.downsample.norm.bias', { h: 1e-3, measured: 3.1e-2, bound: 0.32 }],
  ['swinViT.mh1.out_proj.bias', { h: 1e-3, measured: 1.06e-2, bound: 0.11 }],
  ['swinViT.patch_embed.proj.weight', { h: 1e-3, measured: 1.16e-2, bound: 0.12 }],
]);
const PARAMETERS = [...CHECKED.keys()];

/** The model with the loss appended and the checked parameters turned into inputs, so they can be fed perturbed. */
function modelWithLoss(config: ModelConfig): { graph: Graph; params: Map<string, Float32Array> } {
  const weights = randomStateDict(config, 5);
  const model = buildSegmentationModel(config, (k) => weights.get(k)!);
  const g = new GraphBuilder('loss');
  // Rebuild on a builder so the loss gets shape inference: the model's values become the builder's placeholders.
  const logits = { name: 'logits', type: model.valueTypes.get('logits')! };
  for (const [name, type] of model.valueTypes) g.input(name, type.dtype, type.shape);
  const loss = weightedSumLoss(g, [logits], 9);
  g.output(loss, 'loss');
  const tail = g.build();
  const params = new Map(PARAMETERS.map((p) => [p, model.initializers.find((i) => i.name === p)!.data as Float32Array]));
  const graph: Graph = {
    name: model.name,
    inputs: [...model.inputs, ...PARAMETERS.map((p) => ({ name: p, type: model.valueTypes.get(p)! }))],
    outputs: [{ name: 'loss', type: tail.valueTypes.get('loss')! }],
    nodes: [...model.nodes, ...tail.nodes],
    initializers: [...model.initializers.filter((i) => !params.has(i.name)), ...tail.initializers],
    valueTypes: tail.valueTypes,
  };
  return { graph, params };
}

/** The largest two gradient coordinates (where a rule matters most) and two at random (where it may be 0 wrongly). */
function coordinatesToCheck(grad: Float32Array, seed: number): number[] {
  const byMagnitude = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!));
  const random = Array.from(randomFloats(2, seed), (r) => Math.floor(((r + 1) / 2) * grad.length));
  return [...new Set([...byMagnitude.slice(0, 2), ...random])];
}

describe('whole-model gradients', () => {
  it('SwinFUSE f12 roi 32: head, decoder, encoder, Swin block, merging, DIM and embedding match finite differences', { timeout: 180_000 }, async (t) => {
    const config: ModelConfig = { arch: 'swinfuse', inChannels: 1, outChannels: 2, featureSize: 12, roi: 32, dimHeads: 4 };
    const { graph: forward, params } = modelWithLoss(config);
    const { graph, gradients } = buildGradientGraph(forward, { loss: 'loss', wrt: PARAMETERS });
    const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 1 };
    const backward = await ort.InferenceSession.create(serializeModel(graph), options);
    const lossOnly = await ort.InferenceSession.create(serializeModel(forward), options);
    const image = new ort.Tensor('float32', randomFloats(32 ** 3, 21), [1, 1, 32, 32, 32]);
    const feeds = (override?: { name: string; data: Float32Array }): Record<string, ort.Tensor> => ({
      image,
      ...Object.fromEntries(PARAMETERS.map((p) => {
        const data = override?.name === p ? override.data : params.get(p)!;
        return [p, new ort.Tensor('float32', data, forward.valueTypes.get(p)!.shape as number[])];
      })),
    });
    try {
      const result = await backward.run(feeds());
      const bad: Mismatch[] = [];
      for (const [k, p] of PARAMETERS.entries()) {
        const analytic = result[gradients.get(p)!]!.data as Float32Array;
        const indices = coordinatesToCheck(analytic, 40 + k);
        const numeric: number[] = [];
        const { h, bound } = CHECKED.get(p)!;
        for (const i of indices) {
          const plus = params.get(p)!.slice();
          const minus = params.get(p)!.slice();
          plus[i]! += h;
          minus[i]! -= h;
          const lp = Number((await lossOnly.run(feeds({ name: p, data: plus }))).loss!.data[0]);
          const lm = Number((await lossOnly.run(feeds({ name: p, data: minus }))).loss!.data[0]);
          numeric.push((lp - lm) / (plus[i]! - minus[i]!));
        }
        const scale = analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const worst = Math.max(...indices.map((i, j) => Math.abs(analytic[i]! - numeric[j]!) / scale));
        t.diagnostic(`${p}: worst |analytic − numeric| / max|analytic| = ${worst.toExponential(2)} (bound ${bound})`);
        bad.push(...mismatches(p, indices, analytic, numeric, { abs: bound * scale, rel: 0 }));
      }
      assert.ok(bad.length === 0, bad.map((m) => `${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`).join('\n'));
    } finally {
      await backward.release();
      await lossOnly.release();
    }
  });
});
