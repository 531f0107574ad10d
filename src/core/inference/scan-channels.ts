import { gridDifference } from '../nifti/grid';
import { planReorientation, type Reorientation } from '../nifti/reorient';
import type { NiftiVolume } from '../nifti';
import { channelCount, scaledFloat32, spatialShape } from '../nifti/volume';
import type { ModelCard } from '../models';
import { InferenceInputError } from './execution-errors';

/** The channels of one scan, ready for the worker: float32, channel-major, in the first image's stored layout. */
export interface ScanChannels {
  readonly channels: Float32Array;
  readonly spatialShape: readonly [number, number, number];
  /** From the stored layout to the model card's orientation. */
  readonly plan: Reorientation;
  /** Voxel size in mm along the stored axes. */
  readonly spacing: readonly [number, number, number];
}

/**
 * Gathers a model's input channels from one 4D image or one 3D image per channel, in the card's channel order.
 * Every image must share the first one's voxel grid: a channel on another grid would be misregistered silently.
 */
export function scanChannels(images: readonly NiftiVolume[], card: ModelCard): ScanChannels {
  const first = images[0];
  const wanted = `the model takes ${card.inChannels} channel${card.inChannels === 1 ? '' : 's'} (${card.channels.join(', ')})`;
  if (!first) throw new InferenceInputError(`${wanted}; no image was given`);
  const shape = spatialShape(first.shape);
  if (first.shape.length > 4) throw new InferenceInputError(`${first.file}: a ${first.shape.length}D image cannot be a model input`);
  let given: number;
  if (images.length === 1) {
    given = channelCount(first.shape);
    if (given !== card.inChannels) {
      throw new InferenceInputError(`${wanted}; ${first.file} has ${given} (shape ${first.shape.join('×')}). ` +
        'Give one 4D file with the channels on the 4th axis, or one 3D file per channel in that order');
    }
  } else {
    given = images.length;
    const multi = images.find((image) => channelCount(image.shape) !== 1);
    if (multi) throw new InferenceInputError(`${multi.file}: with one file per channel each must be 3D, this one has shape ${multi.shape.join('×')}`);
    if (given !== card.inChannels) {
      throw new InferenceInputError(`${wanted}; got ${given} files: ${images.map((i) => i.file).join(', ')}`);
    }
    for (const image of images.slice(1)) checkSameGrid(first, image);
  }
  const voxels = shape[0] * shape[1] * shape[2];
  const channels = new Float32Array(voxels * card.inChannels);
  if (images.length === 1) channels.set(scaledFloat32(first));
  else images.forEach((image, c) => channels.set(scaledFloat32(image), c * voxels));
  return { channels, spatialShape: shape, plan: planReorientation(first.affine, shape, card.orientation), spacing: voxelSpacing(first.affine) };
}

/** The length of each voxel axis in mm: the norms of the affine's first three columns (oblique images included). */
export function voxelSpacing(affine: readonly (readonly number[])[]): [number, number, number] {
  return [0, 1, 2].map((k) => Math.hypot(affine[0]![k]!, affine[1]![k]!, affine[2]![k]!)) as [number, number, number];
}

function checkSameGrid(reference: NiftiVolume, image: NiftiVolume): void {
  const difference = gridDifference(reference, image);
  if (difference) {
    throw new InferenceInputError(`${image.file} is not on ${reference.file}'s voxel grid: ${difference}. ` +
      'Every channel must share one voxel grid; resample the channels to one grid first');
  }
}
