import { ops, type GraphBuilder, type Tensor } from '../onnx';
import { ones, zeros, type WeightBinder } from './weights';

const LEAKY_SLOPE = 0.01;

function instanceNorm(g: GraphBuilder, x: Tensor): Tensor {
  const c = x.type.shape[1] as number;
  return ops.instanceNorm(g, x, ones(g, c), zeros(g, c));
}

function conv3(g: GraphBuilder, x: Tensor, w: WeightBinder, key: string): Tensor {
  return ops.conv(g, x, w.param(key), null, { pads: [1, 1, 1, 1, 1, 1] });
}

/** MONAI's UnetResBlock (kernel 3, stride 1, instance norm without affine, LeakyReLU 0.01). */
export function resBlock(g: GraphBuilder, x: Tensor, w: WeightBinder, key: string): Tensor {
  return g.scope(key, () => {
    let y = ops.leakyRelu(g, instanceNorm(g, conv3(g, x, w, `${key}.conv1.conv.weight`)), LEAKY_SLOPE);
    y = instanceNorm(g, conv3(g, y, w, `${key}.conv2.conv.weight`));
    const inC = x.type.shape[1];
    const outC = y.type.shape[1];
    const skip = inC === outC ? x : instanceNorm(g, ops.conv(g, x, w.param(`${key}.conv3.conv.weight`), null));
    return ops.leakyRelu(g, ops.add(g, y, skip), LEAKY_SLOPE);
  });
}

/** MONAI's UnetrUpBlock: transposed conv ×2, concat with the skip, res block. */
export function upBlock(g: GraphBuilder, x: Tensor, skip: Tensor, w: WeightBinder, key: string): Tensor {
  const up = g.scope(key, () => ops.convTranspose(g, x, w.param(`${key}.transp_conv.conv.weight`), null, [2, 2, 2]));
  return resBlock(g, ops.concat(g, [up, skip], 1), w, `${key}.conv_block`);
}
