export { type Arch, type ModelConfig, checkConfig } from './config';
export { buildSegmentationModel, type BuildOptions } from './swin-unetr';
export { expectedStateDict } from './state-dict-layout';
export { importCheckpoint, type ImportRequest, type ImportResult } from './import-checkpoint';
export { type ModelCard, type LabelScheme, cardPathFor, labelInfo, labelNamesOf, makeModelCard, BRATS_CHANNELS } from './model-card';
export type { WeightLookup, WeightTensor } from './weights';
export { mulberry32, randomStateDict } from './random-weights';
export { guessModelConfig, type GuessedConfig, type ShapeDict } from './guess-config';
export { buildModelPart, hiddenShapes, HIDDEN_STATES, type BuiltPart, type ModelPart, type PartOptions } from './model-parts';
