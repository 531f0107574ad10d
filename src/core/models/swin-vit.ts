import { ops, type GraphBuilder, type Tensor } from '../onnx';
import { SWIN_DEPTHS, SWIN_HEADS } from './config';
import { patchMerging, swinBlock } from './swin-block';
import { ones, zeros, type WeightBinder } from './weights';

/**
 * MONAI's SwinTransformer with normalize=True: the patch embedding and four stages. Returns the five hidden states
 * channels-first, each layer-normalised over channels without affine, as SwinUNETR's decoder takes them.
 * `afterEmbedding` is where SwinFUSE's DIM goes.
 */
export function swinViT(g: GraphBuilder, image: Tensor, w: WeightBinder, afterEmbedding?: (x0: Tensor) => Tensor, patchNorm = false): Tensor[] {
  const toLast = (t: Tensor): Tensor => ops.transpose(g, t, [0, 2, 3, 4, 1]);
  let x0 = g.scope('swinViT.patch_embed', () => {
    const embedded = ops.conv(g, image, w.param('swinViT.patch_embed.proj.weight'), w.param('swinViT.patch_embed.proj.bias'), { strides: [2, 2, 2] });
    if (!patchNorm) return embedded;
    // MONAI's PatchEmbed with a norm layer: LayerNorm over the channels of each token, weight and bias learnt.
    const normed = ops.layerNorm(g, toLast(embedded), w.param('swinViT.patch_embed.norm.weight'), w.param('swinViT.patch_embed.norm.bias'));
    return ops.transpose(g, normed, [0, 4, 1, 2, 3]);
  });
  if (afterEmbedding) x0 = afterEmbedding(x0);

  const normalizedFirst = (t: Tensor): Tensor => {
    const c = t.type.shape[4] as number;
    return ops.transpose(g, ops.layerNorm(g, t, ones(g, c), zeros(g, c)), [0, 4, 1, 2, 3]);
  };

  let x = toLast(x0);
  const hidden = [normalizedFirst(x)];
  for (let stage = 0; stage < 4; stage++) {
    const layer = `swinViT.layers${stage + 1}.0`;
    for (let block = 0; block < SWIN_DEPTHS[stage]!; block++) {
      x = swinBlock(g, x, w, `${layer}.blocks.${block}`, SWIN_HEADS[stage]!, block % 2 === 1);
    }
    x = patchMerging(g, x, w, `${layer}.downsample`);
    hidden.push(normalizedFirst(x));
  }
  return hidden;
}
