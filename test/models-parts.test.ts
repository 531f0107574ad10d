// A model file read back and rebuilt is the same graph with the same weights (float16 files: the stored halves);
// the encoder and decoder parts compose to the full model in onnxruntime-node; the weight lists split at swinViT.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadCheckpointFile, toFloat32 } from '../src/core/checkpoint';
import { buildModelPart, HIDDEN_STATES, type ModelConfig } from '../src/core/models';
import { readStoredModel, serializeModel, type Graph } from '../src/core/onnx';
import { fromFloat16Bits, toFloat16Bits } from '../src/core/onnx/float16';
import { runCli } from './helpers/cli';
import { importArgs, modelFixtures } from './helpers/fixture-models';
import { maxAbsDiff, randomFloats } from './helpers/ort-run';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-parts-'));
after(() => rmSync(work, { recursive: true, force: true }));

function configOf(name: string): ModelConfig {
  const c = JSON.parse(readFileSync(join(modelFixtures, `${name}.json`), 'utf8'));
  return { arch: c.arch, inChannels: c.in_channels, outChannels: c.out_channels, featureSize: c.feature_size, roi: c.roi, dimHeads: c.dim_heads };
}

async function checkpointLookup(name: string) {
  const dict = await loadCheckpointFile(join(modelFixtures, `${name}.pt`));
  return (key: string) => {
    const t = dict.get(key);
    if (!t) throw new Error(`no ${key}`);
    return { shape: t.shape, data: toFloat32(t) };
  };
}

const structure = (g: Graph) => g.nodes.map((n) => `${n.op}(${n.inputs.join(',')})->${n.outputs.join(',')}`);

async function run(graph: Graph, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(serializeModel(graph), { intraOpNumThreads: 2 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('model files read back and rebuilt', () => {
  for (const name of ['swinunetr_f12', 'swinfuse_f12']) {
    it(`${name}: rebuilt from its own .onnx it is the checkpoint's graph, weight for weight (float32 and float16 files)`, async () => {
      const config = configOf(name);
      const original = buildModelPart(config, 'full', await checkpointLookup(name));
      for (const half of [false, true]) {
        const file = join(work, `${name}${half ? '-f16' : ''}.onnx`);
        const r = runCli([...importArgs(name, file), ...(half ? ['--float16'] : [])]);
        assert.equal(r.status, 0, r.stderr);
        const stored = readStoredModel(readFileSync(file), file);
        assert.ok(stored.metadata.get('swinfuse.card')?.includes('"swinfuse-model-card"'), 'the card is in the metadata');
        const rebuilt = buildModelPart(config, 'full', null, { stored: stored.weights });
        assert.deepEqual(structure(rebuilt.graph), structure(original.graph));
        assert.deepEqual(rebuilt.weights, original.weights);
        const byName = new Map(original.graph.initializers.map((i) => [i.name, i]));
        for (const init of rebuilt.graph.initializers) {
          const want = byName.get(init.name);
          assert.ok(want, `${init.name} is in the checkpoint's graph`);
          assert.deepEqual(init.shape, want.shape);
          if (init.dtype !== 'float32') continue;
          const a = init.data as Float32Array;
          const b = want.data as Float32Array;
          for (let i = 0; i < a.length; i++) {
            const expected = half && original.weights.includes(init.name) ? fromFloat16Bits(toFloat16Bits(b[i]!)) : b[i]!;
            if (!Object.is(a[i], expected)) assert.fail(`${init.name}[${i}]: ${a[i]} read back, ${expected} expected`);
          }
        }
      }
    });
  }

  it('swinfuse_f12: decoder(image, encoder(image)) is the full model; encoder weights are swinViT.*, the decoder\'s the rest', async () => {
    const config = configOf('swinfuse_f12');
    const lookup = await checkpointLookup('swinfuse_f12');
    const full = buildModelPart(config, 'full', lookup, { batch: 'N' });
    const encoder = buildModelPart(config, 'encoder', lookup);
    const decoder = buildModelPart(config, 'decoder', lookup);
    assert.ok(encoder.weights.length > 0 && encoder.weights.every((w) => w.startsWith('swinViT.')), 'encoder weights');
    assert.ok(decoder.weights.length > 0 && decoder.weights.every((w) => !w.startsWith('swinViT.')), 'decoder weights');
    assert.deepEqual([...encoder.weights, ...decoder.weights].sort(), [...full.weights].sort());
    const dims = [2, config.inChannels, config.roi, config.roi, config.roi]; // batch 2: the DIM attends across it
    const image = new ort.Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), 11), dims);
    const whole = (await run(full.graph, { image })).logits!;
    const hidden = await run(encoder.graph, { image });
    const parts = (await run(decoder.graph, { image, ...Object.fromEntries(HIDDEN_STATES.map((h) => [h, hidden[h]!])) })).logits!;
    assert.deepEqual(parts.dims, whole.dims);
    const diff = maxAbsDiff(parts.data as Float32Array, whole.data as Float32Array);
    assert.ok(diff <= 1e-5, `max |decoder∘encoder − full| = ${diff}`);
  });
});
