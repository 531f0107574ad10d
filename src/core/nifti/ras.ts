import type { VoxelArray } from './datatypes';
import { invertReorientation, planReorientation, reorientAffine, reorientVoxels, reorientedShape, type Reorientation } from './reorient';
import type { NiftiVolume, VoxelVolume } from './types';
import { channelCount, spatialShape } from './volume';

/** Voxels laid out in a known orientation (RAS for display and inference), with the plan to go back. */
export interface OrientedVolume extends VoxelVolume {
  /** Takes the stored layout to this one; invert it to go back. */
  readonly plan: Reorientation;
}

/** Brings a volume to RAS (or another orientation) by permuting and flipping axes; channels stay on the 4th axis. */
export function toRas(volume: NiftiVolume, target = 'RAS'): OrientedVolume {
  const plan = planReorientation(volume.affine, spatialShape(volume.shape), target);
  const channels = channelCount(volume.shape);
  const spatial = reorientedShape(plan);
  return {
    shape: volume.shape.length > 3 ? [...spatial, channels] : spatial,
    datatype: volume.datatype,
    data: reorientVoxels(volume.data, plan, channels),
    scaling: volume.scaling,
    affine: reorientAffine(volume.affine, plan),
    axcodes: plan.toAxcodes,
    plan,
  };
}

/** Takes voxels computed in the oriented layout (a mask, probabilities) back to the image's stored layout. */
export function fromRas<T extends VoxelArray>(data: T, plan: Reorientation, channels = 1): T {
  return reorientVoxels(data, invertReorientation(plan), channels);
}
