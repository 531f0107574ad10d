// Each graph pattern the models use, run in ORT, against a literal JavaScript transcription of what MONAI/PyTorch
// compute. The fused or factored forms must give the same numbers as the plain ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphBuilder, ops } from '../src/core/onnx';
import { domainInvarianceModule } from '../src/core/models/dim';
import { shiftMaskTensor } from '../src/core/models/swin-attention-constants';
import { patchMerging } from '../src/core/models/swin-block';
import { relativeIndexBlock, relativePositionIndex, shiftMask } from '../src/core/models/swin-geometry';
import { WeightBinder, type WeightTensor } from '../src/core/models/weights';
import { loadCheckpointFile, toFloat32 } from '../src/core/checkpoint';
import { maxAbsDiff, randomFloats, runGraph } from './helpers/ort-run';
import { sharedRoot } from './helpers/paths';

/** erf to ~1e-12 by its Maclaurin series (|x| small) or continued fraction, independent of any graph op. */
function erf(x: number): number {
  if (Math.abs(x) > 3) return Math.sign(x) * (1 - Math.exp(-x * x) / (Math.abs(x) * Math.sqrt(Math.PI)) * (1 - 1 / (2 * x * x)));
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= -x * x / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function binder(g: GraphBuilder, weights: Record<string, WeightTensor>): WeightBinder {
  return new WeightBinder(g, (k) => weights[k] ?? (() => { throw new Error(`no weight ${k}`); })());
}

describe('graph patterns against literal references', () => {
  it('GELU (erf form)', async () => {
    const g = new GraphBuilder('t');
    g.output(ops.gelu(g, g.input('x', 'float32', [1000])), 'y');
    const x = randomFloats(1000, 5).map((v) => v * 6);
    const y = (await runGraph(g, { x: { data: x, dims: [1000] } })).y!.data;
    assert.ok(maxAbsDiff(y, Array.from(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)))) < 1e-5);
  });

  it('LayerNorm over channels, eps 1e-5', async () => {
    const g = new GraphBuilder('t');
    const scale = randomFloats(8, 1);
    const bias = randomFloats(8, 2);
    g.output(ops.layerNorm(g, g.input('x', 'float32', [5, 8]), g.constant('float32', [8], scale), g.constant('float32', [8], bias)), 'y');
    const x = randomFloats(40, 3).map((v) => v * 4 + 1);
    const y = (await runGraph(g, { x: { data: x, dims: [5, 8] } })).y!.data;
    const ref: number[] = [];
    for (let r = 0; r < 5; r++) {
      const row = Array.from(x.subarray(r * 8, r * 8 + 8));
      const mean = row.reduce((a, b) => a + b) / 8;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 8;
      row.forEach((v, c) => ref.push(((v - mean) / Math.sqrt(variance + 1e-5)) * scale[c]! + bias[c]!));
    }
    assert.ok(maxAbsDiff(y, ref) < 1e-5);
  });

  it('torch.roll along each axis', async () => {
    for (const [shift, axis] of [[-3, 1], [3, 2], [5, 3], [0, 1]] as const) {
      const g = new GraphBuilder('t');
      g.output(ops.roll(g, g.input('x', 'float32', [1, 4, 5, 6]), shift, axis), 'y');
      const x = Float32Array.from({ length: 120 }, (_, i) => i);
      const y = (await runGraph(g, { x: { data: x, dims: [1, 4, 5, 6] } })).y!.data;
      const dims = [1, 4, 5, 6];
      const strides = [120, 30, 6, 1];
      const ref = new Float32Array(120);
      for (let i = 0; i < 120; i++) {
        const idx = dims.map((d, k) => Math.floor(i / strides[k]!) % d);
        idx[axis] = (((idx[axis]! - shift) % dims[axis]!) + dims[axis]!) % dims[axis]!; // out[i] = in[i - shift]
        ref[i] = x[idx.reduce((a, v, k) => a + v * strides[k]!, 0)]!;
      }
      assert.deepEqual(Array.from(y), Array.from(ref), `shift ${shift} axis ${axis}`);
    }
  });

  it("patch merging takes MONAI's 8 sub-grids in MONAI's order", async () => {
    const c = 3;
    const size = 4;
    const g = new GraphBuilder('t');
    const reduction = randomFloats(2 * c * 8 * c, 7);
    const w = binder(g, {
      'm.norm.weight': { shape: [8 * c], data: new Float32Array(8 * c).fill(1) },
      'm.norm.bias': { shape: [8 * c], data: new Float32Array(8 * c) },
      'm.reduction.weight': { shape: [2 * c, 8 * c], data: reduction },
    });
    g.output(patchMerging(g, g.input('x', 'float32', [1, size, size, size, c]), w, 'm'), 'y');
    const x = randomFloats(size ** 3 * c, 8);
    const y = (await runGraph(g, { x: { data: x, dims: [1, size, size, size, c] } })).y!.data;
    // x0..x7 = x[:, d0::2, h0::2, w0::2, :] for MONAI's offsets, concatenated, LayerNorm, Linear.
    const offsets = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, 1]];
    const half = size / 2;
    const ref: number[] = [];
    for (let d = 0; d < half; d++) for (let h = 0; h < half; h++) for (let ww = 0; ww < half; ww++) {
      const cat = offsets.flatMap(([od, oh, ow]) => Array.from({ length: c }, (_, ch) => x[(((2 * d + od!) * size + 2 * h + oh!) * size + 2 * ww + ow!) * c + ch]!));
      const mean = cat.reduce((a, b) => a + b) / cat.length;
      const sd = Math.sqrt(cat.reduce((a, b) => a + (b - mean) ** 2, 0) / cat.length + 1e-5);
      const normed = cat.map((v) => (v - mean) / sd);
      for (let o = 0; o < 2 * c; o++) ref.push(normed.reduce((a, v, i) => a + v * reduction[o * 8 * c + i]!, 0));
    }
    assert.ok(maxAbsDiff(y, ref) < 1e-4);
  });

  it("the factored shift mask equals MONAI's compute_mask", async () => {
    for (const [padded, window, shift] of [[14, 7, 3], [35, 7, 3], [21, 7, 3]] as const) {
      const g = new GraphBuilder('t');
      const dummy = g.input('x', 'float32', [1]);
      g.output(shiftMaskTensor(g, padded, window, shift), 'mask');
      g.output(dummy, 'unused');
      const got = (await runGraph(g, { x: { data: new Float32Array(1), dims: [1] } })).mask!;
      const nW = (padded / window) ** 3;
      const n = window ** 3;
      assert.deepEqual(got.dims, [nW, 1, n, n]);
      assert.equal(maxAbsDiff(got.data, shiftMask(padded, window, shift)), 0, `padded ${padded}`);
    }
  });

  it("our relative position index equals the buffer MONAI saved in the checkpoint, and its top-left blocks", async () => {
    const dict = await loadCheckpointFile(`${sharedRoot}/fixtures/models/swinunetr_f12.pt`);
    const stored = toFloat32(dict.get('swinViT.layers1.0.blocks.0.attn.relative_position_index')!);
    assert.deepEqual(Array.from(relativePositionIndex()), Array.from(stored));
    const block = relativeIndexBlock(64);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) assert.equal(block[i * 64 + j], stored[i * 343 + j]);
  });

  it("the DIM attends along the batch axis like torch's sequence-first MultiheadAttention", async () => {
    const [batch, f, grid, heads] = [3, 2, 4, 4];
    const e = grid * grid;
    const nb = f * grid;
    const hd = e / heads;
    const weights: Record<string, WeightTensor> = {};
    for (const [i, mh] of ['swinViT.mh1', 'swinViT.mh2'].entries()) {
      weights[`${mh}.in_proj_weight`] = { shape: [3 * e, e], data: randomFloats(3 * e * e, 10 + i) };
      weights[`${mh}.in_proj_bias`] = { shape: [3 * e], data: randomFloats(3 * e, 20 + i) };
      weights[`${mh}.out_proj.weight`] = { shape: [e, e], data: randomFloats(e * e, 30 + i) };
      weights[`${mh}.out_proj.bias`] = { shape: [e], data: randomFloats(e, 40 + i) };
    }
    const g = new GraphBuilder('t');
    g.output(domainInvarianceModule(g, g.input('p', 'float32', ['N', f, grid, grid, grid]), binder(g, weights), heads), 'y');
    const p = randomFloats(batch * f * grid ** 3, 9);
    const y = (await runGraph(g, { p: { data: p, dims: [batch, f, grid, grid, grid] } })).y!;
    assert.deepEqual(y.dims, [batch, f, grid, grid, grid]);

    // Literal: sequence L = batch, batch B = F·G, embedding E = G²; per (b, head) softmax over the L keys.
    const lin = (x: ArrayLike<number>, w: Float32Array, b: Float32Array, row0: number, rows: number): number[] =>
      Array.from({ length: rows }, (_, o) => Array.from(x).reduce((a, v, i) => a + v * w[(row0 + o) * e + i]!, b[row0 + o]!));
    const mha = (mh: string): number[] => {
      const inW = weights[`${mh}.in_proj_weight`]!.data;
      const inB = weights[`${mh}.in_proj_bias`]!.data;
      const out = new Array<number>(batch * nb * e).fill(0);
      for (let b = 0; b < nb; b++) {
        const tokens = Array.from({ length: batch }, (_, l) => p.subarray((l * nb + b) * e, (l * nb + b + 1) * e));
        const q = tokens.map((t) => lin(t, inW, inB, 0, e));
        const k = tokens.map((t) => lin(t, inW, inB, e, e));
        const v = tokens.map((t) => lin(t, inW, inB, 2 * e, e));
        const ctx = tokens.map(() => new Array<number>(e).fill(0));
        for (let h = 0; h < heads; h++) for (let l = 0; l < batch; l++) {
          const s = k.map((kk) => Array.from({ length: hd }, (_, d) => q[l]![h * hd + d]! * kk[h * hd + d]!).reduce((a, b2) => a + b2) / Math.sqrt(hd));
          const m = Math.max(...s);
          const ex = s.map((v2) => Math.exp(v2 - m));
          const z = ex.reduce((a, b2) => a + b2);
          for (let d = 0; d < hd; d++) ctx[l]![h * hd + d] = ex.reduce((a, w2, j) => a + (w2 / z) * v[j]![h * hd + d]!, 0);
        }
        ctx.forEach((cv, l) => lin(cv, weights[`${mh}.out_proj.weight`]!.data, weights[`${mh}.out_proj.bias`]!.data, 0, e)
          .forEach((v2, o) => { out[(l * nb + b) * e + o] = v2; }));
      }
      return out;
    };
    const a = mha('swinViT.mh1');
    const b = mha('swinViT.mh2');
    assert.ok(maxAbsDiff(y.data, a.map((v, i) => (v + b[i]!) / 2)) < 1e-4);
  });
});
