// A trained model as files: the graph rebuilt from its card and weights, the card embedded in the ONNX metadata and
// written beside it as NAME.json, both atomically. Fine-tuned models and the recipe's models are written this way.
import { writeFileAtomic } from '../io/atomic-write';
import { buildModelPart, cardPathFor, type ModelCard, type WeightTensor } from '../models';
import { serializeModel } from '../onnx';
import { configOfCard } from './step-graph';

export interface WrittenModel {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly bytes: number;
}

export async function writeModelFiles(path: string, card: ModelCard, weights: ReadonlyMap<string, WeightTensor>,
  docString: string): Promise<WrittenModel> {
  const graph = buildModelPart(configOfCard(card), 'full', null, { stored: weights, storeAsFloat16: card.weightsDtype === 'float16' }).graph;
  const cardJson = JSON.stringify(card, null, 2) + '\n';
  const bytes = serializeModel(graph, { docString, metadata: { 'swinfuse.card': cardJson } });
  const cardPath = cardPathFor(path);
  await writeFileAtomic(path, bytes);
  await writeFileAtomic(cardPath, new TextEncoder().encode(cardJson));
  return { modelPath: path, cardPath, card, bytes: bytes.length };
}
