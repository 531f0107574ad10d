// The pre-training step graph learns (its loss falls on a repeated batch), its terms are the paper's four, and a
// pre-trained single-channel encoder carried into a four-channel model embeds four copies of a channel exactly as
// the single-channel encoder embeds that channel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildModelPart, HIDDEN_STATES, type ModelConfig } from '../src/core/models';
import { serializeModel } from '../src/core/onnx';
import { buildGradientGraph } from '../src/core/autodiff';
import { buildPretrainLossGraph, buildPretrainStepGraph, PRETRAIN_TERMS } from '../src/core/pretrain/pretrain-graph';
import { initialHeadWeights } from '../src/core/pretrain/pretrain-heads';
import { withPretrainedEncoder } from '../src/core/pretrain/pretrain';
import { AdamWState } from '../src/core/training/adamw-state';
import { initialStoredWeights } from '../src/core/training/initial-weights';
import { randomFloats } from './helpers/ort-run';

const config1: ModelConfig = { arch: 'swinfuse', inChannels: 1, outChannels: 3, featureSize: 12, roi: 32, dimHeads: 4 };

describe('pre-training step graph', () => {
  it('lowers the inpainting loss on a repeated batch and reports the four terms', { timeout: 120_000 }, async () => {
    const encoder = initialStoredWeights(config1, 5);
    const step = buildPretrainStepGraph(config1, encoder, 2, { temperature: 0.5, jsdWeight: -1, jsdBandwidth: 1, jsdGrid: 4 });
    assert.equal(step.pointsPerRow, 64);
    assert.ok(step.trained.some((n) => n.startsWith('ssl.recon.')) && step.trained.some((n) => n.startsWith('swinViT.')));
    const session = await ort.InferenceSession.create(serializeModel(step.graph), { intraOpNumThreads: 2 });
    const state = new AdamWState(ort, step.trained, new Map([...encoder, ...initialHeadWeights(config1, 1)]));
    const n = 4 * 32 ** 3;
    // A smooth target the reconstruction head can approach in a few steps (noise could not be reconstructed).
    const target = Float32Array.from({ length: n }, (_, i) => 1 + 0.3 * Math.sin(i / 500));
    const image = target.slice();
    image.fill(0, 0, n / 8);
    const rotation = new Float32Array(16);
    [0, 1, 2, 3].forEach((row) => { rotation[row * 4 + row] = 1; });
    const group = new Float32Array(4 * 64).fill(1, 0, 64).fill(1, 128, 192);
    const feeds = {
      image: new ort.Tensor('float32', image, [4, 1, 32, 32, 32]), target: new ort.Tensor('float32', target, [4, 1, 32, 32, 32]),
      rotation: new ort.Tensor('float32', rotation, [4, 4]), jsdGroup: new ort.Tensor('float32', group, [256]),
    };
    const losses: number[] = [];
    const inpaint: number[] = [];
    for (let t = 1; t <= 8; t++) {
      const out = await session.run({ ...feeds, ...state.feeds(t, 1e-2, 0) });
      const terms = PRETRAIN_TERMS.map((name) => Number((out[name]!.data as Float32Array)[0]));
      const loss = Number((out.loss!.data as Float32Array)[0]);
      // L_total = L_inpaint + L_contrast + L_rot − L_JSD, the JSD in [0, ln 2].
      assert.ok(Math.abs(loss - (terms[0]! + terms[1]! + terms[2]! - terms[3]!)) < 1e-4 * Math.max(1, loss), `step ${t}: ${loss} vs ${terms}`);
      assert.ok(terms[3]! >= -1e-6 && terms[3]! <= Math.LN2 + 1e-6);
      losses.push(loss);
      inpaint.push(terms[0]!);
      state.update(out);
    }
    await session.release();
    // The inpainting term is the one a few steps on one batch can move reliably: the DIM averages the batch's rows at
    // initialization, so the rotation and contrastive heads see nearly the same features for every row at first.
    assert.ok(inpaint.at(-1)! < 0.9 * inpaint[0]!, `inpainting ${inpaint.map((l) => l.toFixed(4)).join(', ')}`);
  });
});

describe('pre-training: each term\'s gradient reaches its own head and the encoder, and nothing else', () => {
  // What each term reads: inpainting the reconstruction head on the bottleneck, contrast and rotation their linear
  // heads on the bottleneck, the JSD the DIM's output (hidden0), so the Swin stages after it are none of its business.
  // A head cut off from its loss, or a term wired to the wrong head, fails here; the total's decomposition cannot tell.
  type Group = 'recon' | 'contrast' | 'rotation' | 'embedding+DIM' | 'swin stages';
  const groupOf = (name: string): Group =>
    name.startsWith('ssl.recon.') ? 'recon' : name.startsWith('ssl.contrast.') ? 'contrast' : name.startsWith('ssl.rotation.') ? 'rotation'
      : /^swinViT\.(patch_embed|mh[12])\./.test(name) ? 'embedding+DIM' : 'swin stages';
  const reaches: Record<(typeof PRETRAIN_TERMS)[number], readonly Group[]> = {
    'term.inpaint': ['recon', 'embedding+DIM', 'swin stages'],
    'term.contrast': ['contrast', 'embedding+DIM', 'swin stages'],
    'term.rotation': ['rotation', 'embedding+DIM', 'swin stages'],
    'term.jsd': ['embedding+DIM'],
  };
  const encoder = initialStoredWeights(config1, 5);
  const lossGraph = buildPretrainLossGraph(config1, encoder, 2, { temperature: 0.5, jsdWeight: -1, jsdBandwidth: 1, jsdGrid: 4 });
  const weights = new Map([...encoder, ...initialHeadWeights(config1, 1)]);

  for (const term of PRETRAIN_TERMS) {
    it(`${term} reaches ${reaches[term].join(', ')}`, { timeout: 120_000 }, async () => {
      const { graph, gradients } = buildGradientGraph(lossGraph.graph, { loss: term, wrt: lossGraph.trained, allowUnused: true });
      const session = await ort.InferenceSession.create(serializeModel(graph), { intraOpNumThreads: 2 });
      const n = 4 * 32 ** 3;
      const rotation = new Float32Array(16);
      [0, 1, 2, 3].forEach((row) => { rotation[row * 4 + ((row + 1) % 4)] = 1; });
      const feeds: Record<string, ort.Tensor> = {
        image: new ort.Tensor('float32', randomFloats(n, 21), [4, 1, 32, 32, 32]),
        target: new ort.Tensor('float32', randomFloats(n, 22), [4, 1, 32, 32, 32]),
        rotation: new ort.Tensor('float32', rotation, [4, 4]),
        jsdGroup: new ort.Tensor('float32', new Float32Array(256).fill(1, 0, 64).fill(1, 128, 192), [256]),
      };
      for (const name of lossGraph.trained) {
        const w = weights.get(name)!;
        feeds[name] = new ort.Tensor('float32', w.data as Float32Array, [...w.shape]);
      }
      const out = await session.run(feeds);
      await session.release();
      const wrong: string[] = [];
      for (const name of lossGraph.trained) {
        const grad = out[gradients.get(name)!]!.data as Float32Array;
        let largest = 0;
        for (const v of grad) largest = Math.max(largest, Math.abs(v));
        const must = reaches[term].includes(groupOf(name));
        if (must ? !(largest > 0) : largest !== 0) wrong.push(`${name} (${groupOf(name)}): max |grad| ${largest}`);
      }
      assert.deepEqual(wrong, [], `${term}: gradients ${reaches[term].join(', ')} only`);
    });
  }
});

describe('withPretrainedEncoder', () => {
  it('gives a 4-channel model the encoder that embeds 4 copies of a channel as the 1-channel one embeds it', { timeout: 60_000 }, async () => {
    const pretrained = initialStoredWeights(config1, 3);
    const config4 = { ...config1, inChannels: 4 };
    const merged = withPretrainedEncoder(initialStoredWeights(config4, 4), pretrained);
    const run = async (config: ModelConfig, weights: typeof merged, image: Float32Array): Promise<Float32Array[]> => {
      const graph = buildModelPart(config, 'encoder', null, { stored: weights, batch: 1 }).graph;
      const session = await ort.InferenceSession.create(serializeModel(graph), { intraOpNumThreads: 2 });
      const out = await session.run({ image: new ort.Tensor('float32', image, [1, config.inChannels, 32, 32, 32]) });
      await session.release();
      return HIDDEN_STATES.map((h) => out[h]!.data as Float32Array);
    };
    const channel = randomFloats(32 ** 3, 11);
    const four = new Float32Array(4 * channel.length);
    for (let c = 0; c < 4; c++) four.set(channel, c * channel.length);
    const a = await run(config1, pretrained, channel);
    const b = await run(config4, merged, four);
    a.forEach((h, i) => {
      let worst = 0;
      for (let k = 0; k < h.length; k++) worst = Math.max(worst, Math.abs(h[k]! - b[i]![k]!));
      assert.ok(worst < 1e-3, `hidden${i} differs by ${worst}`);
    });
    const fresh = await run(config4, initialStoredWeights(config4, 4), four);
    assert.ok(Math.abs(fresh[4]![0]! - b[4]![0]!) > 1e-6, 'without the transfer the encoder differs (the check can fail)');
  });

  it('refuses weights of another shape', () => {
    const other = initialStoredWeights({ ...config1, featureSize: 24 }, 1);
    assert.throws(() => withPretrainedEncoder(initialStoredWeights(config1, 1), other), /pre-trained weight .* is \[/);
  });
});
