// Writing a fine-tuned model: the base model's graph rebuilt with the new weights, and a card that says where it
// came from. The base model is never written; the new one gets its own name.
import { cardPathFor, type ModelCard, type WeightTensor } from '../models';
import type { LineageEntry } from './lineage';
import { writeModelFiles, type WrittenModel } from './model-file';

export type { WrittenModel } from './model-file';

/** Serializes the adapted model and its card beside it, both atomically; refuses to write over `baseModel`. */
export async function writeFinetunedModel(
  base: ModelCard, baseModel: string, weights: ReadonlyMap<string, WeightTensor>, output: string, entry: LineageEntry,
): Promise<WrittenModel> {
  if (output === baseModel || cardPathFor(output) === cardPathFor(baseModel)) {
    throw new Error(`${output}: a fine-tuned model never replaces its base model; choose another name`);
  }
  const name = output.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
  // A model imported with a fresh decoder (--encoder-only) counts as trained once the decoder itself has learnt.
  const decoderTrained = base.decoderTrained === false && entry.scope === 'head' ? false : undefined;
  const { decoderTrained: _, ...rest } = base;
  const card: ModelCard = {
    ...rest, ...(decoderTrained === false ? { decoderTrained } : {}), name, weightsDtype: 'float32', created: entry.created,
    lineage: [...base.lineage, entry],
  };
  return writeModelFiles(output, card, weights, `${card.arch} fine-tuned from ${base.name} on ${entry.case.images.join(', ')}`);
}
