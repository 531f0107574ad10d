import { GraphBuilder, ops, type Graph, type GraphStyle, type InitializerOptions } from '../onnx';
import { checkConfig, type ModelConfig } from './config';
import { domainInvarianceModule } from './dim';
import { swinViT } from './swin-vit';
import { resBlock, upBlock } from './unetr-decoder';
import { WeightBinder, type WeightLookup } from './weights';

export interface BuildOptions extends InitializerOptions {
  /** The batch dimension's name in the graph's input and output. */
  readonly batch?: string;
  /** "literal" only to measure the fused graph against a straightforward one (bench:model). */
  readonly style?: GraphStyle;
}

/** SwinUNETR (MONAI 1.3) or SwinFUSE as one ONNX graph: `image` [N, Cin, S, S, S] → `logits` [N, Cout, S, S, S]. */
export function buildSegmentationModel(config: ModelConfig, lookup: WeightLookup, options: BuildOptions = {}): Graph {
  checkConfig(config);
  const g = new GraphBuilder(config.arch, options.style);
  const w = new WeightBinder(g, lookup, options);
  const s = config.roi;
  const image = g.input('image', 'float32', [options.batch ?? 'N', config.inChannels, s, s, s]);

  const dim = config.arch === 'swinfuse'
    ? (x0: Parameters<typeof domainInvarianceModule>[1]) => domainInvarianceModule(g, x0, w, config.dimHeads ?? 3)
    : undefined;
  const hidden = swinViT(g, image, w, dim);

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
  return g.build();
}
