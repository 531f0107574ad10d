import { ops, type GraphBuilder, type Tensor } from '../onnx';
import { relativeBiasTensor, shiftMaskTensor } from './swin-attention-constants';
import { blockWindow, shiftMask } from './swin-geometry';
import type { WeightBinder } from './weights';

/**
 * One Swin block on a channels-last cubic grid (N, G, G, G, C), as MONAI computes it: pad, cyclic shift, windowed
 * attention with relative-position bias (and the shift mask, both folded into one constant), reverse, crop; then
 * the MLP. No per-window loops: windows are a reshape/transpose of the whole grid.
 */
export function swinBlock(g: GraphBuilder, x: Tensor, w: WeightBinder, key: string, heads: number, shifted: boolean): Tensor {
  const [, size, , , c] = x.type.shape as [unknown, number, number, number, number];
  const { window, shift } = blockWindow(size, shifted);
  const padded = Math.ceil(size / window) * window;
  const per = padded / window;
  const nW = per ** 3;
  const n = window ** 3;
  const hd = c / heads;

  const h = g.scope(`${key}.attn`, () => {
    let y = ops.layerNorm(g, x, w.param(`${key}.norm1.weight`), w.param(`${key}.norm1.bias`));
    y = ops.pad(g, y, [0, 0, 0, 0, 0, 0, padded - size, padded - size, padded - size, 0]);
    for (const axis of [1, 2, 3]) y = ops.roll(g, y, -shift, axis);
    // window_partition: (N, P, P, P, C) → (N·nW, n, C)
    y = ops.reshape(g, y, [-1, per, window, per, window, per, window, c]);
    y = ops.transpose(g, y, [0, 1, 3, 5, 2, 4, 6, 7]);
    y = ops.reshape(g, y, [-1, n, c]);

    const scale = hd ** -0.5;
    const qkvW = `${key}.attn.qkv.weight`;
    const qkvB = `${key}.attn.qkv.bias`;
    const head = (t: Tensor, perm: number[]): Tensor => ops.transpose(g, ops.reshape(g, t, [-1, n, heads, hd]), perm);
    const q = head(ops.linear(g, y, w.linearWeight(qkvW, [0, c], scale), w.vector(qkvB, [0, c], scale)), [0, 2, 1, 3]);
    const kT = head(ops.linear(g, y, w.linearWeight(qkvW, [c, 2 * c]), w.vector(qkvB, [c, 2 * c])), [0, 2, 3, 1]);
    const v = head(ops.linear(g, y, w.linearWeight(qkvW, [2 * c, 3 * c]), w.vector(qkvB, [2 * c, 3 * c])), [0, 2, 1, 3]);

    let scores = ops.add(g, ops.matmul(g, q, kT), relativeBiasTensor(g, w, key, heads, n)); // (N·nW, heads, n, n)
    if (shift > 0 && g.style === 'literal') {
      scores = ops.reshape(g, scores, [-1, nW, heads, n, n]);
      scores = ops.add(g, scores, g.constant('float32', [nW, 1, n, n], shiftMask(padded, window, shift), 'shift_mask'));
      scores = ops.reshape(g, scores, [-1, heads, n, n]);
    } else if (shift > 0) {
      scores = ops.reshape(g, scores, [-1, nW, heads, n, n]);
      scores = ops.add(g, scores, shiftMaskTensor(g, padded, window, shift));
      scores = ops.reshape(g, scores, [-1, heads, n, n]);
    }
    let out = ops.matmul(g, ops.softmax(g, scores, -1), v); // (N·nW, heads, n, hd)
    out = ops.reshape(g, ops.transpose(g, out, [0, 2, 1, 3]), [-1, n, c]);
    out = ops.linear(g, out, w.linearWeight(`${key}.attn.proj.weight`), w.param(`${key}.attn.proj.bias`));

    // window_reverse, roll back, crop the padding
    out = ops.reshape(g, out, [-1, per, per, per, window, window, window, c]);
    out = ops.transpose(g, out, [0, 1, 4, 2, 5, 3, 6, 7]);
    out = ops.reshape(g, out, [-1, padded, padded, padded, c]);
    for (const axis of [1, 2, 3]) out = ops.roll(g, out, shift, axis);
    if (padded !== size) out = ops.slice(g, out, [0, 0, 0], [size, size, size], [1, 2, 3]);
    return out;
  });
  const afterAttn = ops.add(g, x, h);

  return g.scope(`${key}.mlp`, () => {
    let y = ops.layerNorm(g, afterAttn, w.param(`${key}.norm2.weight`), w.param(`${key}.norm2.bias`));
    y = ops.gelu(g, ops.linear(g, y, w.linearWeight(`${key}.mlp.linear1.weight`), w.param(`${key}.mlp.linear1.bias`)));
    y = ops.linear(g, y, w.linearWeight(`${key}.mlp.linear2.weight`), w.param(`${key}.mlp.linear2.bias`));
    return ops.add(g, afterAttn, y);
  });
}

/**
 * MONAI's v1 PatchMerging: the 8 sub-grids concatenated on channels in MONAI's order (offsets d,h,w = 000, 100,
 * 010, 001, 101, 010, 001, 111: two repeat, two never appear), LayerNorm(8C), Linear(8C → 2C, no bias).
 * Done as one space-to-depth reshape/transpose and a Gather of the 8 offsets instead of 8 strided slices.
 */
export function patchMerging(g: GraphBuilder, x: Tensor, w: WeightBinder, key: string): Tensor {
  return g.scope(`${key}`, () => {
    const [, size, , , c] = x.type.shape as [unknown, number, number, number, number];
    if (size % 2 !== 0) throw new Error(`patch merging at ${key}: grid ${size} is odd; roi must be divisible by 32`);
    const half = size / 2;
    if (g.style === 'literal') return literalPatchMerging(g, x, w, key);
    let y = ops.reshape(g, x, [-1, half, 2, half, 2, half, 2, c]);
    y = ops.transpose(g, y, [0, 1, 3, 5, 2, 4, 6, 7]); // (N, h, h, h, od, oh, ow, C)
    y = ops.reshape(g, y, [-1, half, half, half, 8, c]);
    const order = [0, 4, 2, 1, 5, 2, 1, 7]; // od·4 + oh·2 + ow for MONAI's x0..x7
    y = g.op('Gather', [y, g.int64s(order)], { axis: { type: 'int', value: 4 } });
    y = ops.reshape(g, y, [-1, half, half, half, 8 * c]);
    y = ops.layerNorm(g, y, w.param(`${key}.norm.weight`), w.param(`${key}.norm.bias`));
    return ops.linear(g, y, w.linearWeight(`${key}.reduction.weight`));
  });
}

/** MONAI's code as written: eight strided slices and a concat. */
function literalPatchMerging(g: GraphBuilder, x: Tensor, w: WeightBinder, key: string): Tensor {
  const offsets = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, 1]];
  const big = 1 << 30;
  const parts = offsets.map((o) => ops.slice(g, x, o, [big, big, big], [1, 2, 3], [2, 2, 2]));
  const y = ops.layerNorm(g, ops.concat(g, parts, -1), w.param(`${key}.norm.weight`), w.param(`${key}.norm.bias`));
  return ops.linear(g, y, w.linearWeight(`${key}.reduction.weight`));
}
