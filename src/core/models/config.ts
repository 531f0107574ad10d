export type Arch = 'swinunetr' | 'swinfuse';

/** What `swinfuse import` asks for; everything else about the architecture is fixed by MONAI 1.3's SwinUNETR. */
export interface ModelConfig {
  readonly arch: Arch;
  readonly inChannels: number;
  readonly outChannels: number;
  /** F: 48 in the paper, 12 in the tiny fixtures. */
  readonly featureSize: number;
  /** S: the cubic window the model sees, divisible by 32. */
  readonly roi: number;
  /** Heads of the DIM's two attention modules (SwinFUSE only); (S/2)² must divide by it. */
  readonly dimHeads?: number;
  /**
   * A LayerNorm (with weight and bias) after the patch embedding: MONAI's PatchEmbed with norm_layer, which the SwinFUSE
   * paper's brats_fine_tune.py puts in when it swaps in a 4-channel patch embedding. Its checkpoints then hold
   * `swinViT.patch_embed.norm.*`.
   */
  readonly patchNorm?: boolean;
}

export const SWIN_DEPTHS = [2, 2, 2, 2] as const;
export const SWIN_HEADS = [3, 6, 12, 24] as const;
export const SWIN_WINDOW = 7;

export function checkConfig(c: ModelConfig): void {
  const problems: string[] = [];
  if (c.arch !== 'swinunetr' && c.arch !== 'swinfuse') problems.push(`arch must be swinunetr or swinfuse, not "${c.arch}"`);
  for (const [name, v] of [['in channels', c.inChannels], ['out channels', c.outChannels], ['feature size', c.featureSize], ['roi', c.roi]] as const) {
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive whole number, not ${v}`);
  }
  if (c.roi % 32 !== 0) problems.push(`roi ${c.roi} must be divisible by 32 (the patch embedding and four mergings halve it five times)`);
  if (c.featureSize % 12 !== 0) problems.push(`feature size ${c.featureSize} must be divisible by 12 (stage heads are 3, 6, 12, 24)`);
  if (c.arch === 'swinfuse') {
    const e = (c.roi / 2) ** 2;
    const h = c.dimHeads ?? 3;
    if (!Number.isInteger(h) || h < 1 || e % h !== 0) problems.push(`DIM heads ${h} must divide the DIM embedding size (roi/2)² = ${e}`);
  }
  if (problems.length) throw new Error(`invalid model config: ${problems.join('; ')}`);
}
