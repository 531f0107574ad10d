// A model and its card are one unit: MODEL.onnx carries its card in its metadata (`swinfuse.card`), and MODEL.json
// beside it is a copy for people and tools, tied to that model by a `pairId` written into both. Two files cannot be
// renamed into place at once, so a reader decides: the card beside the model when it carries the model's pairId (a
// hand edit that keeps it is honoured), otherwise the card inside the model. A kill between the two renames, or a
// card that failed to write, therefore never pairs a new model with an old card, or leaves it with none.
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../io/atomic-write';
import { readOnnxMetadataValue } from '../onnx/model-metadata';
import { cardPathFor, type ModelCard } from './model-card';

export const CARD_METADATA_KEY = 'swinfuse.card';

export interface WrittenPair {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly bytes: number;
}

/**
 * Writes MODEL.onnx (made by `serialize`, given the card's JSON to embed) and then MODEL.json, each atomically, with a
 * fresh pairId in both. The model goes first: a reader that finds the new model before its card reads the card
 * inside it.
 */
export async function writeModelPair(modelPath: string, card: ModelCard, serialize: (cardJson: string) => Uint8Array): Promise<WrittenPair> {
  const paired: ModelCard = { ...card, pairId: randomBytes(8).toString('hex') };
  const cardJson = JSON.stringify(paired, null, 2) + '\n';
  const model = serialize(cardJson);
  const cardPath = cardPathFor(modelPath);
  await writeFileAtomic(modelPath, model);
  await writeFileAtomic(cardPath, new TextEncoder().encode(cardJson));
  return { modelPath, cardPath, card: paired, bytes: model.length };
}

export type CardSource = 'beside' | 'embedded';

/**
 * Which card text belongs to the model at `modelPath`: `beside` (the JSON file's text, undefined if missing) when it
 * carries the pairId of the card embedded in the model, or when the model embeds none (models written before cards
 * were embedded, foreign ONNX files); else the embedded card's text.
 */
export function pairedCardText(modelPath: string, beside: string | undefined): { text: string | undefined; source: CardSource } {
  const embedded = readOnnxMetadataValue(modelPath, CARD_METADATA_KEY);
  const embeddedId = embedded === undefined ? undefined : pairIdOf(embedded);
  if (embedded === undefined) return { text: beside, source: 'beside' };
  if (embeddedId === undefined) return beside !== undefined ? { text: beside, source: 'beside' } : { text: embedded, source: 'embedded' };
  if (beside !== undefined && pairIdOf(beside) === embeddedId) return { text: beside, source: 'beside' };
  return { text: embedded, source: 'embedded' };
}

function pairIdOf(json: string): string | undefined {
  try {
    const id = (JSON.parse(json) as { pairId?: unknown }).pairId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
