export { InferenceCancelledError } from './errors';
export { foregroundBox, type VoxelBox } from './foreground';
export {
  argmaxLabelMap, bratsLabelMap, sigmoidInPlace, softmaxChannelsInPlace, type BratsHeads,
} from './heads';
export { normalizeNonzeroPerChannel, type ChannelStats } from './normalize';
export { slidingWindowInference, type SlidingWindowOptions, type WindowRunner } from './sliding-window';
export {
  assertViewInBounds, cOrderView, niftiView, spatialSize, subView, viewToCOrder, type Vec3, type VolumeView,
} from './volume-view';
export { gaussianImportanceMap, planSlidingWindow, type WindowPlan } from './window-plan';
// Execution: the onnxruntime session, the worker thread and the pipelines it runs.
export { DeviceUnavailableError, InferenceInputError, ModelFileError } from './execution-errors';
export { checkModelFile, cudaProviderMissing, type Device, type DeviceRequest, type SessionSettings } from './ort-session';
export { checkModelCard, checkTrainedForSegmenting, readModelCard } from './model-card-file';
export { scanChannels, voxelSpacing, type ScanChannels } from './scan-channels';
export { runInference, type Ran, type RunOptions } from './engine';
export { EtaEstimator, formatDuration, type InferenceProgress } from './progress';
export type { InferenceJob, RawInferenceJob, RawInferenceResult, SegmentationJob, SegmentationResult } from './worker-protocol';
