// A segmentation model cut where fine-tuning needs it: the Swin encoder (image → its five hidden states) and the
// rest (image + hidden states → logits). Training the decoder with a frozen encoder runs the encoder once per patch
// and keeps it out of the training-step graph. Each part can be built from checkpoint weights or from the weights
// of a model file we wrote (rebuilt as stored, so the rebuilt model is that model).
import { GraphBuilder, ops, type Graph, type GraphStyle, type InitializerOptions, type Tensor } from '../onnx';
import { checkConfig, type ModelConfig } from './config';
import { domainInvarianceModule } from './dim';
import { relativePositionIndex } from './swin-geometry';
import { swinViT } from './swin-vit';
import { resBlock, upBlock } from './unetr-decoder';
import { WeightBinder, type WeightLookup, type WeightTensor } from './weights';

export type ModelPart = 'full' | 'encoder' | 'decoder';

export interface PartOptions extends InitializerOptions {
  /** The batch dimension: a name (symbolic) or a number (static shapes). */
  readonly batch?: string | number;
  /** "literal" only to measure the fused graph against a straightforward one (bench:model). */
  readonly style?: GraphStyle;
  /** Weights of a model file (readStoredModel), by initializer name, instead of checkpoint weights. */
  readonly stored?: ReadonlyMap<string, WeightTensor>;
}

export interface BuiltPart {
  readonly graph: Graph;
  /** The weight initializers the part uses, in binding order: what training may update. */
  readonly weights: readonly string[];
}

/** Names of the encoder's hidden states, as graph outputs of `encoder` and inputs of `decoder`. */
export const HIDDEN_STATES = ['hidden0', 'hidden1', 'hidden2', 'hidden3', 'hidden4'] as const;

/** Shapes of the hidden states for a batch dimension `batch`: [N, F·2^i, S/2^(i+1), …]. */
export function hiddenShapes(config: ModelConfig, batch: string | number): (string | number)[][] {
  return HIDDEN_STATES.map((_, i) => {
    const side = config.roi / 2 ** (i + 1);
    return [batch, config.featureSize * 2 ** i, side, side, side];
  });
}

export function buildModelPart(config: ModelConfig, part: ModelPart, lookup: WeightLookup | null, options: PartOptions = {}): BuiltPart {
  checkConfig(config);
  const g = new GraphBuilder(`${config.arch}${part === 'full' ? '' : `-${part}`}`, options.style);
  const w = new WeightBinder(g, lookup ?? storedOnlyLookup, options, options.stored);
  const batch = options.batch ?? 'N';
  const s = config.roi;
  const image = g.input('image', 'float32', [batch, config.inChannels, s, s, s]);
  let hidden: Tensor[];
  if (part === 'decoder') {
    hidden = hiddenShapes(config, batch).map((shape, i) => g.input(HIDDEN_STATES[i]!, 'float32', shape));
  } else {
    const dim = config.arch === 'swinfuse'
      ? (x0: Tensor) => domainInvarianceModule(g, x0, w, config.dimHeads ?? 3)
      : undefined;
    hidden = swinViT(g, image, w, dim, config.patchNorm === true);
  }
  if (part === 'encoder') {
    hidden.forEach((h, i) => g.output(h, HIDDEN_STATES[i]!));
    return { graph: g.build(), weights: [...w.bound] };
  }
  const enc0 = resBlock(g, image, w, 'encoder1.layer');
  const enc1 = resBlock(g, hidden[0]!, w, 'encoder2.layer');
  const enc2 = resBlock(g, hidden[1]!, w, 'encoder3.layer');
  const enc3 = resBlock(g, hidden[2]!, w, 'encoder4.layer');
  const dec4 = resBlock(g, hidden[4]!, w, 'encoder10.layer');
  const dec3 = upBlock(g, dec4, hidden[3]!, w, 'decoder5');
  const dec2 = upBlock(g, dec3, enc3, w, 'decoder4');
  const dec1 = upBlock(g, dec2, enc2, w, 'decoder3');
  const dec0 = upBlock(g, dec1, enc1, w, 'decoder2');
  const out = upBlock(g, dec0, enc0, w, 'decoder1');
  const logits = g.scope('out', () => ops.conv(g, out, w.param('out.conv.conv.weight'), w.param('out.conv.conv.bias')));
  g.output(logits, 'logits');
  return { graph: g.build(), weights: [...w.bound] };
}

/** With stored weights, the only checkpoint value still read is the relative position index, which is MONAI's. */
function storedOnlyLookup(key: string): WeightTensor {
  if (key.endsWith('.attn.relative_position_index')) {
    const index = relativePositionIndex();
    return { shape: [index.length], data: Float32Array.from(index) };
  }
  throw new Error(`rebuilding from a model file: no checkpoint value "${key}"`);
}
