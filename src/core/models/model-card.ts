import type { ModelConfig } from './config';

export type LabelScheme = 'brats' | 'softmax';

/**
 * What a model needs from the images it is given and what its outputs mean: written beside every model as
 * MODEL.json and embedded in the ONNX metadata, so the inference engine and the editor never guess.
 */
export interface ModelCard extends ModelConfig {
  readonly format: 'swinfuse-model-card';
  readonly formatVersion: 1;
  readonly name: string;
  /** Input channel names, in the order the model takes them (e.g. BraTS: flair, t1ce, t1, t2). */
  readonly channels: readonly string[];
  readonly normalization: 'zscore-nonzero-per-channel';
  readonly activation: 'sigmoid' | 'softmax';
  readonly labels: LabelInfo;
  /** Voxel axis orientation the model was trained in; images are permuted and flipped to it and back. */
  readonly orientation: string;
  /**
   * Voxel size in mm the model was trained at, along the axes of `orientation`: images are resampled to it and the
   * probabilities back (src/core/inference/resample.ts). Absent: the model runs on each image's own grid.
   */
  readonly spacing?: readonly [number, number, number];
  readonly weightsDtype: 'float32' | 'float16';
  readonly source: { readonly checkpoint: string; readonly sha256: string };
  readonly created: string;
  /** Fine-tuning history: base model, case, steps, losses (empty for an import). */
  readonly lineage: readonly unknown[];
  /** Ties MODEL.json to the MODEL.onnx written with it (src/core/models/model-pair.ts); absent on older cards. */
  readonly pairId?: string;
  /**
   * false when the decoder and head are freshly initialised (`swinfuse import --encoder-only`): such a model is refused
   * for segmenting until a fine-tuning of the decoder (or all) trains it. Absent means trained.
   */
  readonly decoderTrained?: boolean;
}

export type LabelInfo =
  | {
    readonly scheme: 'brats';
    /** Sigmoid outputs, in order, thresholded at `threshold`. */
    readonly outputs: readonly ['TC', 'WT', 'ET'];
    readonly threshold: number;
    /** ET → 4, TC without ET → 1 (necrotic core), WT without TC → 2 (edema). */
    readonly labelMap: { readonly ET: number; readonly TC: number; readonly WT: number };
    readonly names: Readonly<Record<string, string>>;
  }
  | {
    readonly scheme: 'softmax';
    /** Class index → label value written in the mask (argmax over classes; class 0 is background). */
    readonly classes: readonly { readonly index: number; readonly label: number; readonly name: string }[];
  };

/** The mask values a model writes, with their names: the BraTS label names, or every softmax class (0 included). */
export function labelNamesOf(info: LabelInfo): Map<number, string> {
  return new Map(info.scheme === 'brats'
    ? Object.entries(info.names).map(([value, name]) => [Number(value), name])
    : info.classes.map((c) => [c.label, c.name]));
}

export const BRATS_CHANNELS = ['flair', 't1ce', 't1', 't2'] as const;

export function labelInfo(scheme: LabelScheme, outChannels: number): LabelInfo {
  if (scheme === 'brats') {
    if (outChannels !== 3) throw new Error(`BraTS labels need 3 sigmoid outputs (TC, WT, ET), the model has ${outChannels}`);
    return {
      scheme, outputs: ['TC', 'WT', 'ET'], threshold: 0.5, labelMap: { ET: 4, TC: 1, WT: 2 },
      names: { 1: 'necrotic core', 2: 'edema', 4: 'enhancing tumor' },
    };
  }
  if (outChannels < 2) throw new Error(`softmax labels need at least 2 classes, the model has ${outChannels}`);
  return {
    scheme,
    classes: Array.from({ length: outChannels }, (_, i) => ({ index: i, label: i, name: i === 0 ? 'background' : `class ${i}` })),
  };
}

export function cardPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

export interface CardDetails {
  readonly name: string;
  readonly channels: readonly string[];
  readonly labels: LabelScheme;
  readonly orientation?: string | undefined;
  readonly float16?: boolean | undefined;
  readonly spacing?: readonly [number, number, number] | undefined;
  readonly source: { readonly checkpoint: string; readonly sha256: string };
}

/** The card for a freshly made model (an import, or a benchmark's random weights): no fine-tuning lineage yet. */
export function makeModelCard(config: ModelConfig, details: CardDetails): ModelCard {
  return {
    format: 'swinfuse-model-card',
    formatVersion: 1,
    name: details.name,
    arch: config.arch,
    inChannels: config.inChannels,
    outChannels: config.outChannels,
    featureSize: config.featureSize,
    roi: config.roi,
    ...(config.arch === 'swinfuse' ? { dimHeads: config.dimHeads ?? 3 } : {}),
    ...(config.patchNorm ? { patchNorm: true } : {}),
    channels: details.channels,
    normalization: 'zscore-nonzero-per-channel',
    activation: details.labels === 'brats' ? 'sigmoid' : 'softmax',
    labels: labelInfo(details.labels, config.outChannels),
    orientation: details.orientation ?? 'RAS',
    ...(details.spacing ? { spacing: details.spacing } : {}),
    weightsDtype: details.float16 ? 'float16' : 'float32',
    source: details.source,
    created: new Date().toISOString(),
    lineage: [],
  };
}
