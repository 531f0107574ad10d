import { readFileSync } from 'node:fs';
import { cardPathFor, type ModelCard } from '../models';
import { ModelFileError } from './execution-errors';

/**
 * Reads and checks the model card beside MODEL.onnx. The card says how to prepare images and read outputs; guessing
 * those would silently produce wrong masks, so a missing or malformed card is an error.
 */
export function readModelCard(modelPath: string): ModelCard {
  const path = cardPathFor(modelPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === 'ENOENT'
      ? `the model card is missing: ${modelPath} needs it beside it (swinfuse import writes one)`
      : `cannot read the model card: ${(err as Error).message}`);
  }
  let card: unknown;
  try {
    card = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(path, `the model card is not valid JSON: ${(err as Error).message}`);
  }
  return checkModelCard(card, path);
}

export function checkModelCard(value: unknown, where: string): ModelCard {
  const fail = (problem: string): never => { throw new ModelFileError(where, `model card: ${problem}`); };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const card = value as Partial<ModelCard>;
  if (card.format !== 'swinfuse-model-card') fail(`format is ${JSON.stringify(card.format)}, not "swinfuse-model-card"`);
  if (card.formatVersion !== 1) fail(`formatVersion ${JSON.stringify(card.formatVersion)} is not supported (1 is)`);
  for (const key of ['inChannels', 'outChannels', 'roi'] as const) {
    const n = card[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`${key} must be a positive whole number, got ${JSON.stringify(n)}`);
  }
  if (!Array.isArray(card.channels) || card.channels.length !== card.inChannels) {
    fail(`channels must name the ${card.inChannels} input channels, got ${JSON.stringify(card.channels)}`);
  }
  if (card.normalization !== 'zscore-nonzero-per-channel') fail(`normalization ${JSON.stringify(card.normalization)} is not supported`);
  if (card.activation !== 'sigmoid' && card.activation !== 'softmax') fail(`activation ${JSON.stringify(card.activation)} is not sigmoid or softmax`);
  const labels = card.labels;
  if (labels?.scheme === 'brats') {
    if (card.activation !== 'sigmoid' || card.outChannels !== 3) fail('BraTS labels need 3 sigmoid outputs');
  } else if (labels?.scheme === 'softmax') {
    if (card.activation !== 'softmax' || labels.classes?.length !== card.outChannels) fail('softmax labels need one class per output channel');
    if (labels.classes.some((c) => !Number.isInteger(c.label) || c.label < 0 || c.label > 255)) fail('class labels must be 0..255 to fit a uint8 mask');
  } else {
    fail(`labels.scheme ${JSON.stringify((labels as { scheme?: unknown } | undefined)?.scheme)} is not brats or softmax`);
  }
  if (typeof card.orientation !== 'string' || !/^[RLAPSI]{3}$/i.test(card.orientation)) fail(`orientation ${JSON.stringify(card.orientation)} is not like "RAS"`);
  return card as ModelCard;
}
