// `swinfuse import --encoder-only`: the paper's workflow, self-supervised pre-training then fine-tuning, starts from
// a checkpoint that holds only a pre-trained Swin encoder. Two layouts are read:
// - the SwinFUSE paper's (and MONAI's Pretrain) SSLHead: `swinViT.*` beside rotation_head, contrastive_head and the
//   reconstruction `conv`, saved with epoch and optimizer under DDP's `module.`;
// - MONAI's published model_swinvit.pt: the encoder's own keys (`patch_embed.*`, `layers{1-4}.0.*`, older MLP names
//   `mlp.fc1`/`mlp.fc2`) under `module.`, as SwinUNETR.load_from reads them.
// The encoder's weights are taken as saved; everything after it (the decoder and the output head) starts as torch and
// MONAI initialise it, seeded, and the card says that the decoder is untrained until a fine-tuning trains it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkStateDict, CheckpointError, loadCheckpoint, toFloat32, type LoadOptions, type StateDict, type Tensor } from '../checkpoint';
import { serializeModel } from '../onnx';
import { checkConfig, type ModelConfig } from './config';
import { BRATS_CHANNELS, makeModelCard, type LabelScheme, type ModelCard } from './model-card';
import { CARD_METADATA_KEY, writeModelPair, type WrittenPair } from './model-pair';
import { randomStateDict } from './random-weights';
import { expectedStateDict } from './state-dict-layout';
import { relativePositionIndex } from './swin-geometry';
import { buildSegmentationModel } from './swin-unetr';
import type { WeightTensor } from './weights';

export type EncoderLayout = 'ssl-head' | 'monai-swinvit';

export interface EncoderImportRequest {
  readonly checkpoint: string;
  readonly config: ModelConfig;
  readonly labels: LabelScheme;
  readonly output: string;
  readonly channels?: readonly string[];
  readonly orientation?: string;
  readonly spacing?: readonly [number, number, number];
  /** Seeds the fresh decoder and head. */
  readonly seed: number;
  readonly limits?: LoadOptions;
}

/** The encoder's weights under the model's key names, whichever layout the checkpoint has. */
export function encoderWeights(dict: StateDict, file: string, note?: (line: string) => void): { layout: EncoderLayout; weights: Map<string, Tensor> } {
  const keys = [...dict.keys()];
  const ssl = keys.some((k) => k.startsWith('swinViT.'));
  const layout: EncoderLayout = ssl ? 'ssl-head' : 'monai-swinvit';
  if (!ssl && !keys.some((k) => k.startsWith('patch_embed.') || k.startsWith('layers1.'))) {
    throw new CheckpointError(file, 'no Swin encoder in it: expected swinViT.* keys (an SSLHead or SwinUNETR checkpoint) or ' +
      'patch_embed.* and layers1-4.* (MONAI\'s model_swinvit.pt)');
  }
  const weights = new Map<string, Tensor>();
  const leftOut: string[] = [];
  for (const [key, tensor] of dict) {
    const name = ssl ? key : `swinViT.${key}`;
    if (!name.startsWith('swinViT.')) {
      leftOut.push(key);
      continue;
    }
    weights.set(name.replace(/\.mlp\.fc1\./, '.mlp.linear1.').replace(/\.mlp\.fc2\./, '.mlp.linear2.'), tensor);
  }
  if (leftOut.length > 0) {
    const heads = [...new Set(leftOut.map((k) => k.split('.')[0]!))];
    note?.(`${file}: took the encoder only, left out ${heads.slice(0, 8).join(', ')}${heads.length > 8 ? ` and ${heads.length - 8} more` : ''}`);
  }
  return { layout, weights };
}

/**
 * A model's weights with the encoder from `encoder` and everything else fresh (randomStateDict: torch's defaults,
 * seeded). A single-channel patch embedding going into a model of C channels is spread over them, each channel
 * getting w/C: C copies of one image then embed exactly as that image did in pre-training, and the pre-trained
 * filters are kept (the paper's fine-tuning script instead starts the patch embedding afresh).
 */
export function withEncoder(config: ModelConfig, encoder: ReadonlyMap<string, Tensor>, seed: number, file: string,
  note?: (line: string) => void): { weights: Map<string, WeightTensor>; spread: boolean } {
  const fresh = randomStateDict(config, seed);
  const expected = expectedStateDict(config);
  const wanted = [...expected.keys()].filter((k) => k.startsWith('swinViT.'));
  const weights = new Map(fresh);
  let spread = false;
  const checked: StateDict = new Map();
  for (const key of wanted) {
    const t = encoder.get(key);
    if (t) checked.set(key, t);
  }
  // The index buffers are the same in every Swin model; a checkpoint that left them out is given MONAI's.
  for (const key of wanted.filter((k) => k.endsWith('relative_position_index') && !checked.has(k))) {
    const index = relativePositionIndex();
    checked.set(key, { dtype: 'float32', shape: expected.get(key)!, data: Float32Array.from(index) });
  }
  const embed = checked.get('swinViT.patch_embed.proj.weight');
  if (embed && embed.shape[1] === 1 && config.inChannels > 1) {
    const [f, , ...k] = embed.shape;
    const inner = k.reduce((a, b) => a * b, 1);
    const source = toFloat32(embed);
    const data = new Float32Array(f! * config.inChannels * inner);
    for (let o = 0; o < f!; o++) for (let c = 0; c < config.inChannels; c++) for (let i = 0; i < inner; i++) {
      data[(o * config.inChannels + c) * inner + i] = source[o * inner + i]! / config.inChannels;
    }
    checked.set('swinViT.patch_embed.proj.weight', { dtype: 'float32', shape: [f!, config.inChannels, ...k], data });
    spread = true;
  }
  const encoderOnly = new Map([...expected].filter(([k]) => k.startsWith('swinViT.')));
  const extra = [...encoder.keys()].filter((k) => !encoderOnly.has(k));
  // Keys the model has no place for (as SwinUNETR.load_from, which reads only what it needs) are said, not refused,
  // unless they are the DIM's: then the architecture asked for is the wrong one.
  if (extra.some((k) => k.startsWith('swinViT.mh'))) for (const k of extra) checked.set(k, encoder.get(k)!);
  else if (extra.length > 0) note?.(`${file}: left out ${extra.length} encoder key${extra.length === 1 ? '' : 's'} the model has no place for (${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''})`);
  try {
    checkStateDict(checked, encoderOnly, file);
  } catch (err) {
    if (err instanceof CheckpointError && config.arch === 'swinfuse' && !encoder.has('swinViT.mh1.in_proj_weight')) {
      throw new CheckpointError(file, `${err.problem} (it holds no DIM: try --arch swinunetr)`);
    }
    if (err instanceof CheckpointError && config.arch === 'swinunetr' && encoder.has('swinViT.mh1.in_proj_weight')) {
      throw new CheckpointError(file, `${err.problem} (it holds a DIM: try --arch swinfuse)`);
    }
    throw err;
  }
  for (const [key, t] of checked) weights.set(key, { shape: t.shape, data: toFloat32(t) });
  return { weights, spread };
}

export async function importEncoderCheckpoint(req: EncoderImportRequest): Promise<WrittenPair> {
  checkConfig(req.config);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(req.checkpoint);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CheckpointError(req.checkpoint, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dict = loadCheckpoint(bytes, req.checkpoint, req.limits);
  const { layout, weights: encoder } = encoderWeights(dict, req.checkpoint, req.limits?.onNote);
  const { weights, spread } = withEncoder(req.config, encoder, req.seed, req.checkpoint, req.limits?.onNote);
  if (spread) req.limits?.onNote?.(`${req.checkpoint}: its patch embedding takes 1 channel; spread over ${req.config.inChannels} (each w/${req.config.inChannels})`);
  const graph = buildSegmentationModel(req.config, (key) => weights.get(key)!);
  const channels = req.channels ?? (req.labels === 'brats' && req.config.inChannels === 4
    ? [...BRATS_CHANNELS]
    : Array.from({ length: req.config.inChannels }, (_, i) => `channel${i}`));
  const base = makeModelCard(req.config, {
    name: basename(req.output).replace(/\.onnx$/i, ''), channels, labels: req.labels, orientation: req.orientation,
    spacing: req.spacing, source: { checkpoint: basename(req.checkpoint), sha256 },
  });
  const card: ModelCard = {
    ...base,
    decoderTrained: false,
    lineage: [{
      kind: 'encoder-import', checkpoint: basename(req.checkpoint), layout, sha256, seed: req.seed,
      patchEmbedding: spread ? `spread from 1 channel over ${req.config.inChannels}` : 'as saved',
      note: 'encoder pre-trained; decoder and head freshly initialised (torch defaults): fine-tune before segmenting',
    }],
  };
  return writeModelPair(req.output, card, (cardJson) => serializeModel(graph, {
    docString: `${card.arch} encoder from ${card.source.checkpoint}, decoder untrained`,
    metadata: { [CARD_METADATA_KEY]: cardJson },
  }));
}
