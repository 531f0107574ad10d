// A trained model as files: the graph rebuilt from its card and weights, the card embedded in the ONNX metadata and
// written beside it as NAME.json, both atomically. Fine-tuned models and the recipe's models are written this way.
import { buildModelPart, CARD_METADATA_KEY, writeModelPair, type ModelCard, type WeightTensor, type WrittenPair } from '../models';
import { serializeModel } from '../onnx';
import { configOfCard } from './step-graph';

export type { WrittenPair as WrittenModel } from '../models';

export async function writeModelFiles(path: string, card: ModelCard, weights: ReadonlyMap<string, WeightTensor>,
  docString: string): Promise<WrittenPair> {
  const graph = buildModelPart(configOfCard(card), 'full', null, { stored: weights, storeAsFloat16: card.weightsDtype === 'float16' }).graph;
  return writeModelPair(path, card, (cardJson) => serializeModel(graph, { docString, metadata: { [CARD_METADATA_KEY]: cardJson } }));
}
