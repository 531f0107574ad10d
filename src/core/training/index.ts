// Pieces of the few-step fine-tuning loop: losses and the AdamW update as ONNX subgraphs, patch sampling and
// targets for one corrected case, and hard Dice to measure the result.
export * from './losses';
export * from './adamw';
export * from './targets';
export { cropPatch, flipPatch, scaleShiftChannels, type PatchData } from './patch-crop';
export { centreCandidates, chooseCentre, patchStart, type CentreCandidates, type CentreChoice, type CentreOptions, type PatchKind } from './patch-sampling';
export * from './patches';
export * from './dice';
export * from './step-graph';
export * from './finetune';
export * from './finetuned-model';
export * from './finetune-protocol';
export { runFinetune, type FinetuneRunOptions } from './run-finetune';
export * from './lineage';
