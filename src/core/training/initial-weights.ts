// Fresh random weights in the layout a written model file stores them (split attention projections, folded
// scales): the layout training steps take, so a model trained from scratch is built the same way as one trained
// from a file.
import { buildSegmentationModel, randomStateDict, type ModelConfig, type WeightTensor } from '../models';
import { readStoredModel, serializeModel } from '../onnx';

export function initialStoredWeights(config: ModelConfig, seed: number): Map<string, WeightTensor> {
  const checkpoint = randomStateDict(config, seed);
  const graph = buildSegmentationModel(config, (key) => checkpoint.get(key)!);
  return new Map(readStoredModel(serializeModel(graph), 'random weights').weights);
}
