// Writing a fine-tuned model: the base model's graph rebuilt with the new weights, and a card that says where it
// came from. The base model is never written; the new one gets its own name.
import { writeFileAtomic } from '../io/atomic-write';
import { buildModelPart, cardPathFor, type ModelCard, type WeightTensor } from '../models';
import { serializeModel } from '../onnx';
import type { LineageEntry } from './lineage';
import { configOfCard } from './step-graph';

export interface WrittenModel {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly bytes: number;
}

/** Serializes the adapted model and its card beside it, both atomically; refuses to write over `baseModel`. */
export async function writeFinetunedModel(
  base: ModelCard, baseModel: string, weights: ReadonlyMap<string, WeightTensor>, output: string, entry: LineageEntry,
): Promise<WrittenModel> {
  if (output === baseModel || cardPathFor(output) === cardPathFor(baseModel)) {
    throw new Error(`${output}: a fine-tuned model never replaces its base model; choose another name`);
  }
  const name = output.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
  const card: ModelCard = { ...base, name, weightsDtype: 'float32', created: entry.created, lineage: [...base.lineage, entry] };
  const graph = buildModelPart(configOfCard(base), 'full', null, { stored: weights }).graph;
  const cardJson = JSON.stringify(card, null, 2) + '\n';
  const bytes = serializeModel(graph, {
    docString: `${card.arch} fine-tuned from ${base.name} on ${entry.case.images.join(', ')}`,
    metadata: { 'swinfuse.card': cardJson },
  });
  const cardPath = cardPathFor(output);
  await writeFileAtomic(output, bytes);
  await writeFileAtomic(cardPath, new TextEncoder().encode(cardJson));
  return { modelPath: output, cardPath, card, bytes: bytes.length };
}
