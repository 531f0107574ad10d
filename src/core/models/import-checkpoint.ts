import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkStateDict, CheckpointError, loadCheckpoint, toFloat32, type LoadOptions } from '../checkpoint';
import { serializeModel } from '../onnx';
import { checkConfig, type ModelConfig } from './config';
import { BRATS_CHANNELS, labelInfo, makeModelCard, type LabelScheme, type ModelCard } from './model-card';
import { CARD_METADATA_KEY, writeModelPair } from './model-pair';
import { expectedStateDict } from './state-dict-layout';
import { buildSegmentationModel } from './swin-unetr';

export interface ImportRequest {
  readonly checkpoint: string;
  readonly config: ModelConfig;
  readonly labels: LabelScheme;
  readonly output: string;
  readonly channels?: readonly string[];
  readonly orientation?: string;
  /** Voxel size in mm the model was trained at (the card's `spacing`). */
  readonly spacing?: readonly [number, number, number];
  readonly float16?: boolean;
  readonly producerVersion?: string;
  /** Bounds on reading the checkpoint (the memory its tensors may take), and where notes on what was left out go. */
  readonly limits?: LoadOptions;
}

export interface ImportResult {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly bytes: number;
}

/** Checkpoint → checked state dict → ONNX graph → MODEL.onnx and MODEL.json, both written atomically. */
export async function importCheckpoint(req: ImportRequest): Promise<ImportResult> {
  checkConfig(req.config);
  const channels = req.channels ?? (req.labels === 'brats' && req.config.inChannels === 4
    ? [...BRATS_CHANNELS]
    : Array.from({ length: req.config.inChannels }, (_, i) => `channel${i}`));
  if (channels.length !== req.config.inChannels) {
    throw new Error(`${channels.length} channel names given for a model with ${req.config.inChannels} input channels`);
  }
  labelInfo(req.labels, req.config.outChannels); // a label scheme the outputs cannot carry fails before the checkpoint is read

  let bytes: Uint8Array;
  try {
    bytes = await readFile(req.checkpoint);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CheckpointError(req.checkpoint, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dict = loadCheckpoint(bytes, req.checkpoint, req.limits);
  // A LayerNorm after the patch embedding is part of the architecture, and its keys say whether the checkpoint has one.
  const config: ModelConfig = dict.has('swinViT.patch_embed.norm.weight') ? { ...req.config, patchNorm: true } : req.config;
  if (config.patchNorm && !req.config.patchNorm) req.limits?.onNote?.(`${req.checkpoint}: has a LayerNorm after its patch embedding (as the SwinFUSE paper's fine-tuning adds); the model has it too`);
  try {
    checkStateDict(dict, expectedStateDict(config), req.checkpoint);
  } catch (err) {
    throw withArchHint(err, dict, config);
  }

  const graph = buildSegmentationModel(config, (key) => {
    const t = dict.get(key);
    if (!t) throw new CheckpointError(req.checkpoint, `missing key ${key}`);
    return { shape: t.shape, data: toFloat32(t) };
  }, { storeAsFloat16: req.float16 ?? false });

  const card = makeModelCard(config, {
    name: basename(req.output).replace(/\.onnx$/i, ''), channels, labels: req.labels, orientation: req.orientation,
    float16: req.float16, spacing: req.spacing, source: { checkpoint: basename(req.checkpoint), sha256 },
  });
  return writeModelPair(req.output, card, (cardJson) => serializeModel(graph, {
    producerVersion: req.producerVersion,
    docString: `${card.arch} imported from ${card.source.checkpoint}`,
    metadata: { [CARD_METADATA_KEY]: cardJson },
  }));
}

/** The commonest mistake is the wrong --arch: say so when the DIM keys alone tell them apart. */
function withArchHint(err: unknown, dict: ReadonlyMap<string, unknown>, config: ModelConfig): unknown {
  if (!(err instanceof CheckpointError)) return err;
  const hasDim = dict.has('swinViT.mh1.in_proj_weight');
  if (hasDim && config.arch === 'swinunetr') return new CheckpointError(err.file, `${err.problem} (it holds a DIM: try --arch swinfuse)`);
  if (!hasDim && config.arch === 'swinfuse') return new CheckpointError(err.file, `${err.problem} (it holds no DIM: try --arch swinunetr)`);
  return err;
}
