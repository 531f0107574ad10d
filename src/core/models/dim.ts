import { ops, type GraphBuilder, type Tensor } from '../onnx';
import type { WeightBinder } from './weights';

/**
 * SwinFUSE's domain-invariance module as the released code runs it: the patch embedding (N, F, G, G, G) viewed as
 * (L = N, B = F·G, E = G²) and fed to two sequence-first torch MultiheadAttention modules, so attention runs along
 * the batch axis; the result is their mean, viewed back. With one image per run (L = 1) each reduces to its value
 * and output projections, but the graph keeps the general form so batches match PyTorch.
 */
export function domainInvarianceModule(g: GraphBuilder, p: Tensor, w: WeightBinder, heads: number): Tensor {
  const [, f, grid] = p.type.shape as [unknown, number, number];
  const e = grid * grid;
  const b = f * grid;
  const hd = e / heads;
  const seq = ops.reshape(g, p, [-1, b, e]); // (L, B, E)

  const attention = (key: string): Tensor => g.scope(key, () => {
    const proj = (i: number, scale = 1): Tensor => ops.linear(g, seq,
      w.linearWeight(`${key}.in_proj_weight`, [i * e, (i + 1) * e], scale), w.vector(`${key}.in_proj_bias`, [i * e, (i + 1) * e], scale));
    const split = (t: Tensor): Tensor => ops.reshape(g, t, [-1, b, heads, hd]); // (L, B, h, hd)
    const q = ops.transpose(g, split(proj(0, hd ** -0.5)), [1, 2, 0, 3]); // (B, h, L, hd)
    const kT = ops.transpose(g, split(proj(1)), [1, 2, 3, 0]); // (B, h, hd, L)
    const v = ops.transpose(g, split(proj(2)), [1, 2, 0, 3]);
    let out = ops.matmul(g, ops.softmax(g, ops.matmul(g, q, kT), -1), v); // (B, h, L, hd)
    out = ops.reshape(g, ops.transpose(g, out, [2, 0, 1, 3]), [-1, b, e]); // (L, B, E)
    return ops.linear(g, out, w.linearWeight(`${key}.out_proj.weight`), w.param(`${key}.out_proj.bias`));
  });

  const mean = ops.mul(g, ops.add(g, attention('swinViT.mh1'), attention('swinViT.mh2')), g.scalar(0.5));
  return ops.reshape(g, mean, [-1, f, grid, grid, grid]);
}
