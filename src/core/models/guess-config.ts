import { CheckpointError } from '../checkpoint';
import type { Arch } from './config';

/** What a state dict's tensor shapes say about the model that saved it. */
export interface GuessedConfig {
  readonly arch: Arch;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly featureSize: number;
  /**
   * SwinFUSE only: the roi its DIM was built for, read from the DIM's embedding size (roi/2)²; absent when that is
   * not a whole even number's square (then the import's shape check reports the DIM).
   */
  readonly roi?: number;
}

/** Only shapes are read, so anything shaped like a loaded tensor will do (tests pass bare shapes). */
export type ShapeDict = ReadonlyMap<string, { readonly shape: readonly number[] }>;

const PATCH_EMBED = 'swinViT.patch_embed.proj.weight';
const OUT_HEAD = 'out.conv.conv.weight';
const DIM_PREFIX = 'swinViT.mh1.';
const DIM_IN_PROJ = 'swinViT.mh1.in_proj_weight';

/**
 * Reads arch, input channels, output channels and feature size off a MONAI SwinUNETR/SwinFUSE state dict (key names
 * as src/core/models/state-dict-layout.ts lists them): the patch embedding weight is [F, C, 2, 2, 2], the output
 * head's 1×1×1 conv weight is [K, F, 1, 1, 1], and the DIM's `swinViT.mh1.*` keys mean SwinFUSE.
 *
 * What the weights cannot tell: a SwinUNETR's roi (its weights are the same for every window size: the attention
 * windows are 7³ whatever the roi), and the DIM's number of heads (torch's MultiheadAttention packs all heads into
 * one in_proj matrix, so any divisor of the embedding fits). Those must come from the user. A SwinFUSE's roi is
 * given as a hint, since its DIM embeds (roi/2)² values.
 *
 * Throws a CheckpointError naming `file` and what is missing when the dict is not laid out like a Swin UNETR.
 */
export function guessModelConfig(dict: ShapeDict, file: string): GuessedConfig {
  const patch = dict.get(PATCH_EMBED)?.shape;
  const head = dict.get(OUT_HEAD)?.shape;
  const missing = [[PATCH_EMBED, patch, 'the patch embedding'], [OUT_HEAD, head, 'the output head']]
    .filter(([, shape]) => !shape).map(([key, , what]) => `${key} (${what})`);
  if (missing.length) {
    throw new CheckpointError(file, `not a MONAI SwinUNETR/SwinFUSE state dict: it has no ${missing.join(' and no ')}; ` +
      `it holds ${dict.size} tensor${dict.size === 1 ? '' : 's'}${dict.size ? `, e.g. ${[...dict.keys()].slice(0, 3).join(', ')}` : ''}`);
  }
  if (!isShape(patch!, [null, null, 2, 2, 2])) {
    throw new CheckpointError(file, `${PATCH_EMBED} is ${fmt(patch!)}; a Swin UNETR patch embedding is [F, C, 2, 2, 2]`);
  }
  if (!isShape(head!, [null, null, 1, 1, 1])) {
    throw new CheckpointError(file, `${OUT_HEAD} is ${fmt(head!)}; a Swin UNETR output head is [K, F, 1, 1, 1]`);
  }
  const [featureSize, inChannels] = patch as [number, number];
  const [outChannels, headFeatures] = head as [number, number];
  if (headFeatures !== featureSize) {
    throw new CheckpointError(file, `the patch embedding has feature size ${featureSize} but the output head takes ` +
      `${headFeatures} features (${PATCH_EMBED} ${fmt(patch!)}, ${OUT_HEAD} ${fmt(head!)})`);
  }
  const isFuse = [...dict.keys()].some((k) => k.startsWith(DIM_PREFIX));
  if (!isFuse) return { arch: 'swinunetr', inChannels, outChannels, featureSize };
  const roi = dimRoi(dict.get(DIM_IN_PROJ)?.shape);
  return { arch: 'swinfuse', inChannels, outChannels, featureSize, ...(roi ? { roi } : {}) };
}

/** The DIM's in_proj_weight is [3E, E] with E = (roi/2)². */
function dimRoi(shape: readonly number[] | undefined): number | undefined {
  if (!shape || shape.length !== 2 || shape[0] !== 3 * shape[1]!) return undefined;
  const grid = Math.round(Math.sqrt(shape[1]!));
  return grid > 0 && grid * grid === shape[1] ? 2 * grid : undefined;
}

function isShape(shape: readonly number[], pattern: readonly (number | null)[]): boolean {
  return shape.length === pattern.length && shape.every((v, i) => Number.isInteger(v) && v > 0 && (pattern[i] === null || pattern[i] === v));
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
