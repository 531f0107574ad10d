export { NiftiError } from './nifti-error';
export type { Mat4, NiftiDatatype, NiftiGeometry, NiftiHeader, NiftiVolume, VoxelScaling, VoxelVolume } from './types';
export type { VoxelArray } from './datatypes';
export { SUPPORTED_DATATYPES } from './datatypes';
export { DEFAULT_MAX_VOXELS, type ReadLimits } from './layout';
export { readNifti, readNiftiFile, type ReadOptions } from './read';
export { axcodesFromAffine, bestAffine, qformMatrix, sformMatrix, fallbackMatrix } from './affine';
export {
  planReorientation, invertReorientation, reorientAffine, reorientVoxels, reorientedShape, type Reorientation,
} from './reorient';
export { toRas, fromRas, type OrientedVolume } from './ras';
export { gridDifference, GRID_TOLERANCE, type Grid } from './grid';
export { encodeNifti, writeNiftiFile, NIFTI_INTENT_LABEL, type NiftiWriteInput } from './write';
export { flatIndex, scaledValueAt, scaledSummary, scaledFloat32, spatialShape, channelCount } from './volume';
