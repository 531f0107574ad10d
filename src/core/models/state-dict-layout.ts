import { checkConfig, SWIN_DEPTHS, SWIN_HEADS, SWIN_WINDOW, type ModelConfig } from './config';

/**
 * Every key a MONAI 1.3 SwinUNETR (or SwinFUSE) state dict holds for this config, with its shape: what the importer
 * checks a checkpoint against before building anything.
 */
export function expectedStateDict(config: ModelConfig): Map<string, number[]> {
  checkConfig(config);
  const f = config.featureSize;
  const cin = config.inChannels;
  const m = new Map<string, number[]>();
  const table = (2 * SWIN_WINDOW - 1) ** 3;
  const n = SWIN_WINDOW ** 3;

  m.set('swinViT.patch_embed.proj.weight', [f, cin, 2, 2, 2]);
  m.set('swinViT.patch_embed.proj.bias', [f]);
  if (config.patchNorm) {
    m.set('swinViT.patch_embed.norm.weight', [f]);
    m.set('swinViT.patch_embed.norm.bias', [f]);
  }
  for (let stage = 0; stage < 4; stage++) {
    const c = f * 2 ** stage;
    const layer = `swinViT.layers${stage + 1}.0`;
    for (let b = 0; b < SWIN_DEPTHS[stage]!; b++) {
      const k = `${layer}.blocks.${b}`;
      m.set(`${k}.norm1.weight`, [c]);
      m.set(`${k}.norm1.bias`, [c]);
      m.set(`${k}.attn.relative_position_bias_table`, [table, SWIN_HEADS[stage]!]);
      m.set(`${k}.attn.relative_position_index`, [n, n]);
      m.set(`${k}.attn.qkv.weight`, [3 * c, c]);
      m.set(`${k}.attn.qkv.bias`, [3 * c]);
      m.set(`${k}.attn.proj.weight`, [c, c]);
      m.set(`${k}.attn.proj.bias`, [c]);
      m.set(`${k}.norm2.weight`, [c]);
      m.set(`${k}.norm2.bias`, [c]);
      m.set(`${k}.mlp.linear1.weight`, [4 * c, c]);
      m.set(`${k}.mlp.linear1.bias`, [4 * c]);
      m.set(`${k}.mlp.linear2.weight`, [c, 4 * c]);
      m.set(`${k}.mlp.linear2.bias`, [c]);
    }
    m.set(`${layer}.downsample.reduction.weight`, [2 * c, 8 * c]);
    m.set(`${layer}.downsample.norm.weight`, [8 * c]);
    m.set(`${layer}.downsample.norm.bias`, [8 * c]);
  }
  if (config.arch === 'swinfuse') {
    const e = (config.roi / 2) ** 2;
    for (const mh of ['mh1', 'mh2']) {
      m.set(`swinViT.${mh}.in_proj_weight`, [3 * e, e]);
      m.set(`swinViT.${mh}.in_proj_bias`, [3 * e]);
      m.set(`swinViT.${mh}.out_proj.weight`, [e, e]);
      m.set(`swinViT.${mh}.out_proj.bias`, [e]);
    }
  }
  const res = (key: string, inC: number, outC: number): void => {
    m.set(`${key}.conv1.conv.weight`, [outC, inC, 3, 3, 3]);
    m.set(`${key}.conv2.conv.weight`, [outC, outC, 3, 3, 3]);
    if (inC !== outC) m.set(`${key}.conv3.conv.weight`, [outC, inC, 1, 1, 1]);
  };
  res('encoder1.layer', cin, f);
  res('encoder2.layer', f, f);
  res('encoder3.layer', 2 * f, 2 * f);
  res('encoder4.layer', 4 * f, 4 * f);
  res('encoder10.layer', 16 * f, 16 * f);
  const ups: [string, number, number][] = [['decoder5', 16 * f, 8 * f], ['decoder4', 8 * f, 4 * f],
    ['decoder3', 4 * f, 2 * f], ['decoder2', 2 * f, f], ['decoder1', f, f]];
  for (const [key, inC, outC] of ups) {
    m.set(`${key}.transp_conv.conv.weight`, [inC, outC, 2, 2, 2]);
    res(`${key}.conv_block`, 2 * outC, outC);
  }
  m.set('out.conv.conv.weight', [config.outChannels, f, 1, 1, 1]);
  m.set('out.conv.conv.bias', [config.outChannels]);
  return m;
}
