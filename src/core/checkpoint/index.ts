export { CheckpointError } from './errors';
export type { StateDict, Tensor, TensorDtype } from './tensor';
export { DTYPE_BYTES, numelOf, toFloat32, halfToFloat32, bfloat16ToFloat32, halfBitsToNumber } from './tensor';
export { loadCheckpoint, loadCheckpointFile, type LoadOptions } from './load';
export { checkStateDict, diffStateDict, type StateDictDiff, type ShapeMismatch } from './check';
export { readSafetensors } from './safetensors';
export { openZip, ZipArchive, type ZipEntry } from './zip';
export { DEFAULT_MAX_TENSOR_BYTES, formatBytes, type LoadLimits } from './byte-budget';
