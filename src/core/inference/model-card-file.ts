import { readFileSync } from 'node:fs';
import { cardPathFor, pairedCardText, type ModelCard } from '../models';
import { fileText } from '../io/file-text';
import { ModelFileError } from './execution-errors';

/**
 * Reads and checks the model card beside MODEL.onnx. The card says how to prepare images and read outputs; guessing
 * those would silently produce wrong masks, so a missing or malformed card is an error.
 */
export function readModelCard(modelPath: string): ModelCard {
  const path = cardPathFor(modelPath);
  let beside: string | undefined;
  let unreadable: string | undefined;
  try {
    beside = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') unreadable = `cannot read the model card: ${(err as Error).message}`;
  }
  // The card that belongs to this model: the one beside it, or the one inside it when the file beside is missing,
  // unreadable or from another write (src/core/models/model-pair.ts).
  const { text, source } = pairedCardText(modelPath, beside);
  const where = source === 'beside' ? path : `${modelPath} (the card inside the model)`;
  if (text === undefined) {
    throw new ModelFileError(path, unreadable ?? `the model card is missing: ${modelPath} needs it beside it (swinfuse import writes one)`);
  }
  let card: unknown;
  try {
    card = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(where, `the model card is not valid JSON: ${(err as Error).message}`);
  }
  return checkModelCard(card, where);
}

/**
 * The whole card checked, every field the pipeline, the CLI and the editor read, so that a damaged or hand-edited
 * card fails here, naming the field, and never halfway through an inference (`Cannot read properties of null`).
 */
export function checkModelCard(value: unknown, where: string): ModelCard {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  const shown = (v: unknown): string => (v === undefined ? 'missing' : fileText(JSON.stringify(v) ?? String(v), 60));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError(where, 'model card: not a JSON object');
  const card = value as Record<string, unknown>;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const wholeNumber = (key: string, v: unknown, min: number, max = Infinity): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problem(`${key} must be a whole number ${max === Infinity ? `≥ ${min}` : `${min}..${max}`}, got ${shown(v)}`);
  };
  const text = (key: string, v: unknown): void => {
    if (typeof v !== 'string' || v.length === 0) problem(`${key} must be a non-empty string, got ${shown(v)}`);
  };

  if (card.format !== 'swinfuse-model-card') problem(`format is ${shown(card.format)}, not "swinfuse-model-card"`);
  if (card.formatVersion !== 1) problem(`formatVersion ${shown(card.formatVersion)} is not supported (1 is)`);
  text('name', card.name);
  if (card.arch !== 'swinunetr' && card.arch !== 'swinfuse') problem(`arch must be "swinunetr" or "swinfuse", got ${shown(card.arch)}`);
  for (const key of ['inChannels', 'outChannels', 'roi', 'featureSize'] as const) wholeNumber(key, card[key], 1);
  if (card.arch === 'swinfuse') wholeNumber('dimHeads', card.dimHeads, 1);
  if (card.decoderTrained !== undefined && typeof card.decoderTrained !== 'boolean') problem(`decoderTrained must be true or false, got ${shown(card.decoderTrained)}`);
  if (card.patchNorm !== undefined && typeof card.patchNorm !== 'boolean') problem(`patchNorm must be true or false, got ${shown(card.patchNorm)}`);
  if (!Array.isArray(card.channels) || card.channels.length !== card.inChannels || !card.channels.every((c) => typeof c === 'string' && c.length > 0)) {
    problem(`channels must name the ${shown(card.inChannels)} input channels, got ${shown(card.channels)}`);
  }
  if (card.normalization !== 'zscore-nonzero-per-channel') problem(`normalization ${shown(card.normalization)} is not supported`);
  if (card.activation !== 'sigmoid' && card.activation !== 'softmax') problem(`activation ${shown(card.activation)} is not sigmoid or softmax`);
  if (typeof card.orientation !== 'string' || !/^[RLAPSI]{3}$/i.test(card.orientation)) problem(`orientation ${shown(card.orientation)} is not like "RAS"`);
  if (card.spacing !== undefined && !(Array.isArray(card.spacing) && card.spacing.length === 3 && card.spacing.every((v) => typeof v === 'number' && v > 0 && v < 100))) {
    problem(`spacing must be three voxel sizes in mm, got ${shown(card.spacing)}`);
  }
  if (card.weightsDtype !== 'float32' && card.weightsDtype !== 'float16') problem(`weightsDtype ${shown(card.weightsDtype)} is not float32 or float16`);
  if (card.lineage !== undefined && !Array.isArray(card.lineage)) problem(`lineage must be a list, got ${shown(card.lineage)}`);
  const labels = card.labels;
  if (!isObject(labels)) {
    problem(`labels must be an object, got ${shown(labels)}`);
  } else if (labels.scheme === 'brats') {
    if (card.activation !== 'sigmoid' || card.outChannels !== 3) problem('BraTS labels need 3 sigmoid outputs');
    if (typeof labels.threshold !== 'number' || !(labels.threshold > 0 && labels.threshold < 1)) problem(`labels.threshold must be a number between 0 and 1, got ${shown(labels.threshold)}`);
    const map = labels.labelMap;
    if (!isObject(map)) problem(`labels.labelMap must map ET, TC and WT to labels, got ${shown(map)}`);
    else for (const region of ['ET', 'TC', 'WT']) wholeNumber(`labels.labelMap.${region}`, map[region], 1, 255);
    if (!isObject(labels.names) || !Object.values(labels.names).every((n) => typeof n === 'string')) problem(`labels.names must map labels to names, got ${shown(labels.names)}`);
  } else if (labels.scheme === 'softmax') {
    const classes = labels.classes;
    if (!Array.isArray(classes) || classes.length !== card.outChannels) {
      problem(`labels.classes must list one class per output channel (${shown(card.outChannels)}), got ${shown(classes)}`);
    } else {
      classes.forEach((c: unknown, i) => {
        if (!isObject(c)) return problem(`labels.classes[${i}] must be an object, got ${shown(c)}`);
        wholeNumber(`labels.classes[${i}].index`, c.index, 0, classes.length - 1);
        wholeNumber(`labels.classes[${i}].label`, c.label, 0, 255);
        text(`labels.classes[${i}].name`, c.name);
      });
    }
    if (card.activation !== 'softmax') problem('softmax labels need the softmax activation');
  } else {
    problem(`labels.scheme ${shown(labels.scheme)} is not brats or softmax`);
  }
  if (problems.length > 0) throw new ModelFileError(where, `model card: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? ` and ${problems.length - 6} more` : ''}`);
  return value as ModelCard;
}

/**
 * Refuses a model whose decoder and head were never trained (imported with --encoder-only and not yet fine-tuned
 * beyond its head): its masks would be noise that looks like a segmentation.
 */
export function checkTrainedForSegmenting(card: ModelCard, modelPath: string): void {
  if (card.decoderTrained !== false) return;
  throw new ModelFileError(modelPath, `${card.name}'s decoder and output head are untrained (imported with --encoder-only): ` +
    'its masks would be noise. Fine-tune it first on labelled cases (swinfuse finetune --train decoder, or all; or Fine-tune ' +
    'on This Case in the editor), then segment with the fine-tuned model');
}
