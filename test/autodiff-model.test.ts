// The whole model: gradients of the tiny SwinFUSE (feature size 12, roi 32, one input channel, random weights) with
// respect to parameters in the output head, the decoder, the encoder res blocks, a shifted Swin block (its relative
// bias table goes through the scatter Gather rule), patch merging and the DIM, against central finite differences
// of loss = Σ W ⊙ logits (W fixed random, summed in float64).
//
// Everything runs in float32 (Conv has no double kernel), so both sides carry the model's rounding. Measured on this
// model: the loss moves by ~3e-5 between runs of nearby inputs (65 536 logits summed), so a difference quotient has
// noise ~4e-5/h; truncation is worse than for a smooth function because thousands of LeakyReLU units sit within h
// of their kink, an error that shrinks with h (at h = 1e-2 deep coordinates were off by 5 %, at 1e-3 by < 1 %).
// Hence h = 1e-3, except h = 1e-2 for the relative-bias table, whose gradient is small (~0.07: a sum of softmax
// gradients that nearly cancel) and would drown in the 1e-3 noise. A coordinate passes when
//   |analytic − numeric| ≤ 4e-5/h + 0.02 · max|analytic of that parameter| + r · |numeric|,
// r = 0.03, but 0.15 for the table: its analytic value itself varies by ~5 % from run to run (float32 sums of
// cancelling terms in a multi-threaded order).
// A wrong rule anywhere on the path (a transposed kernel, a lost branch, a missing normalisation term) moves the
// largest coordinates by far more than that.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../src/core/autodiff';
import { buildSegmentationModel, randomStateDict, type ModelConfig } from '../src/core/models';
import { GraphBuilder, serializeModel, type Graph } from '../src/core/onnx';
import { mismatches, weightedSumLoss, type Mismatch } from './helpers/finite-difference';
import { randomFloats } from './helpers/ort-run';

/** Checked parameters and their finite-difference steps. */
const STEPS: ReadonlyMap<string, number> = new Map([
  ['out.conv.conv.weight', 1e-3],
  ['out.conv.conv.bias', 1e-3],
  ['decoder2.transp_conv.conv.weight', 1e-3],
  ['encoder1.layer.conv1.conv.weight', 1e-3],
  ['swinViT.layers1.0.blocks.1.attn.relative_position_bias_table', 1e-2],
  ['swinViT.layers1.0.blocks.1.norm2.weight', 1e-3],
  ['swinViT.layers1.0.blocks.1.mlp.linear1.bias', 1e-3],
  ['swinViT.layers2.0.downsample.norm.bias', 1e-3],
  ['swinViT.mh1.out_proj.bias', 1e-3],
  ['swinViT.patch_embed.proj.weight', 1e-3],
]);
const PARAMETERS = [...STEPS.keys()];
const LOSS_NOISE = 4e-5;

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
  it('SwinFUSE f12 roi 32: head, decoder, encoder, Swin block, merging, DIM and embedding match finite differences', { timeout: 180_000 }, async () => {
    const config: ModelConfig = { arch: 'swinfuse', inChannels: 1, outChannels: 2, featureSize: 12, roi: 32, dimHeads: 4 };
    const { graph: forward, params } = modelWithLoss(config);
    const { graph, gradients } = buildGradientGraph(forward, { loss: 'loss', wrt: PARAMETERS });
    const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 2 };
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
        const h = STEPS.get(p)!;
        for (const i of indices) {
          const plus = params.get(p)!.slice();
          const minus = params.get(p)!.slice();
          plus[i]! += h;
          minus[i]! -= h;
          const lp = Number((await lossOnly.run(feeds({ name: p, data: plus }))).loss!.data[0]);
          const lm = Number((await lossOnly.run(feeds({ name: p, data: minus }))).loss!.data[0]);
          numeric.push((lp - lm) / (plus[i]! - minus[i]!));
        }
        if (process.env.GRADCHECK_VERBOSE) console.log(p, indices.map((i, j) => `${analytic[i]} vs ${numeric[j]}`).join(', '));
        const scale = analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const rel = p.endsWith('relative_position_bias_table') ? 0.15 : 0.03;
        bad.push(...mismatches(p, indices, analytic, numeric, { abs: LOSS_NOISE / h + 0.02 * scale, rel }));
      }
      assert.ok(bad.length === 0, bad.map((m) => `${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`).join('\n'));
    } finally {
      await backward.release();
      await lossOnly.release();
    }
  });
});
