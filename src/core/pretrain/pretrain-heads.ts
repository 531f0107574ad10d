// The three pre-training heads of SwinFUSE (../shared/docs/swinfuse-reference.md): rotation = Linear(16F → 4) on
// the first bottleneck token, contrastive = Linear(16F → 512) on the second, reconstruction = conv3×3 /
// InstanceNorm / LeakyReLU / trilinear ×2 stages from the bottleneck back to the input channels (MONAI SSLHead's
// "vae" upsampling: 16F → 8F → 4F → 2F → F → F, then a 1×1×1 conv). The heads exist only during pre-training;
// their weights are graph inputs named `ssl.*`, initialized like torch's defaults.
import { ops, type GraphBuilder, type Tensor } from '../onnx';
import { mulberry32 } from '../models/random-weights';
import type { WeightTensor } from '../models';
import { ones, zeros } from '../models/weights';
import { upsampleTrilinear2x } from './ssl-losses';

export const CONTRAST_DIM = 512;
const ROTATIONS = 4;
/** Reconstruction stages: each halves the channels (down to F) and doubles the side. Five take S/32 back to S. */
const RECON_STAGES = 5;

export interface HeadShapes {
  readonly featureSize: number;
  readonly inChannels: number;
}

/** Shapes of every head weight, in a fixed order. Linear weights are stored [in, out] (x @ W + b). */
export function headWeightShapes({ featureSize: f, inChannels }: HeadShapes): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const bottleneck = 16 * f;
  shapes.set('ssl.rotation.weight', [bottleneck, ROTATIONS]);
  shapes.set('ssl.rotation.bias', [ROTATIONS]);
  shapes.set('ssl.contrast.weight', [bottleneck, CONTRAST_DIM]);
  shapes.set('ssl.contrast.bias', [CONTRAST_DIM]);
  let channels = bottleneck;
  for (let i = 0; i < RECON_STAGES; i++) {
    const next = Math.max(f, channels / 2);
    shapes.set(`ssl.recon.${i}.weight`, [next, channels, 3, 3, 3]);
    shapes.set(`ssl.recon.${i}.bias`, [next]);
    channels = next;
  }
  shapes.set('ssl.recon.out.weight', [inChannels, channels, 1, 1, 1]);
  shapes.set('ssl.recon.out.bias', [inChannels]);
  return shapes;
}

/** torch's default init for Linear and Conv: U(−1/√fan_in, 1/√fan_in) for weights and biases alike. */
export function initialHeadWeights(shapes: HeadShapes, seed: number): Map<string, WeightTensor> {
  const random = mulberry32(seed);
  const out = new Map<string, WeightTensor>();
  const all = headWeightShapes(shapes);
  for (const [name, shape] of all) {
    const weightShape = all.get(name.replace(/\.bias$/, '.weight'))!;
    // Linear [in, out]: fan-in is the first dim; conv [out, in, k, k, k]: in·k³.
    const fanIn = weightShape.length === 2 ? weightShape[0]! : weightShape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * bound;
    out.set(name, { shape, data });
  }
  return out;
}

export interface HeadOutputs {
  /** [B, 4] rotation logits. */
  readonly rotation: Tensor;
  /** [B, 512] contrastive embedding. */
  readonly contrast: Tensor;
  /** [B, Cin, S, S, S] the reconstructed image. */
  readonly recon: Tensor;
}

/**
 * The heads on the bottleneck [B, 16F, S/32, S/32, S/32]. `weight(name)` gives the head's weight tensor (a graph
 * input). At roi 32 the bottleneck is a single token, so both linear heads read it (with roi ≥ 64 they read tokens
 * 0 and 1, as the paper's heads do), and the reconstruction's first stage has no InstanceNorm (see below).
 */
export function pretrainHeads(g: GraphBuilder, bottleneck: Tensor, weight: (name: string) => Tensor): HeadOutputs {
  return g.scope('ssl', () => {
    const [batch, channels, d, h, w] = bottleneck.type.shape as number[];
    const tokens = d! * h! * w!;
    const flat = ops.transpose(g, ops.reshape(g, bottleneck, [batch!, channels!, tokens]), [0, 2, 1]);
    const token = (i: number): Tensor => ops.reshape(g, ops.slice(g, flat, [i], [i + 1], [1]), [batch!, channels!]);
    const rotation = ops.linear(g, token(0), weight('ssl.rotation.weight'), weight('ssl.rotation.bias'));
    const contrast = ops.linear(g, token(Math.min(1, tokens - 1)), weight('ssl.contrast.weight'), weight('ssl.contrast.bias'));
    let x = bottleneck;
    for (let i = 0; i < RECON_STAGES; i++) {
      x = ops.conv(g, x, weight(`ssl.recon.${i}.weight`), weight(`ssl.recon.${i}.bias`), { pads: [1, 1, 1, 1, 1, 1] });
      const [, c, ...side] = x.type.shape as number[];
      // InstanceNorm over a single voxel is identically 0: at roi 32 the bottleneck is 1³, and SSLHead's first norm
      // would cut the whole reconstruction, and so the inpainting loss, off from the encoder. It is left out there.
      if (side.every((n) => n === 1)) x = ops.leakyRelu(g, x, 0.01);
      else x = ops.leakyRelu(g, ops.instanceNorm(g, x, ones(g, c!), zeros(g, c!)), 0.01);
      x = upsampleTrilinear2x(g, x);
    }
    const recon = ops.conv(g, x, weight('ssl.recon.out.weight'), weight('ssl.recon.out.bias'));
    return { rotation, contrast, recon };
  });
}
