// Training patches from one corrected case: centres by positive/negative balance and corrections, crops, light
// augmentation, and the batch tensors a training step takes. Deterministic for a seed.
import type { LabelInfo } from '../models/model-card';
import { mulberry32 } from '../models/random-weights';
import type { Vec3, VolumeView } from '../inference/volume-view';
import { cropPatch, flipPatch, scaleShiftChannels, type PatchData } from './patch-crop';
import { centreCandidates, chooseCentre, patchStart, type PatchKind } from './patch-sampling';
import { targetChannels, targetsFor } from './targets';

export interface AugmentOptions {
  /** Probability of mirroring along each axis, drawn per axis (MONAI RandFlip prob, one per spatial axis); default 0.5. */
  readonly flipProbability?: number;
  /** Intensities are scaled by 1 + U(−scale, scale) per channel (MONAI RandScaleIntensity factors); default 0.1. */
  readonly scale?: number;
  /** Then shifted by U(−shift, shift) per channel (MONAI RandShiftIntensity offsets); default 0.1. */
  readonly shift?: number;
}

export interface PatchSamplingOptions {
  readonly count: number;
  /** Patch size: the model's roi, one number for a cube or (d, h, w). */
  readonly roi: number | Vec3;
  readonly seed: number;
  /** Share of positive centres among positive/negative ones; default 0.5 (MONAI pos = neg = 1). */
  readonly positiveRatio?: number;
  /** Share of patches centred near corrected voxels, when a corrected map with any voxels is given; default 0.5. */
  readonly correctedFraction?: number;
  /** |x| above which a voxel of some channel counts as inside the image (negative centres); default 0. */
  readonly imageThreshold?: number;
  /** Augmentation; false for none. */
  readonly augment?: AugmentOptions | false;
}

export interface TrainingPatch extends PatchData {
  readonly kind: PatchKind;
  /** The chosen centre voxel (d, h, w) in the volume, and the patch's first voxel (may be < 0 when padded). */
  readonly centre: Vec3;
  readonly start: Vec3;
  /** The augmentation applied, after cropping: flips per axis (d, h, w), then x·scale + shift per channel. */
  readonly flipped: readonly [boolean, boolean, boolean];
  readonly scales: readonly number[];
  readonly shifts: readonly number[];
}

/**
 * N patches of roi voxels from the image (C channels, any layout a VolumeView describes: as stored or reoriented
 * to the model's orientation) and its corrected label mask. `corrected` (optional, non-zero where the user edited)
 * draws a share of centres to the corrections. Patches are cropped (padded at borders), flipped alike in image and
 * labels, and intensity-scaled and shifted per channel. The same seed gives the same patches.
 */
export function samplePatches(image: VolumeView<Float32Array>, labels: VolumeView<Uint8Array>,
  options: PatchSamplingOptions, corrected?: VolumeView<Uint8Array> | null): TrainingPatch[] {
  const size = patchSize(options.roi);
  if (!Number.isSafeInteger(options.count) || options.count < 1) throw new Error(`samplePatches: count is ${options.count}; it must be a positive integer`);
  const augment = options.augment === false ? null : checkAugment(options.augment ?? {});
  const random = mulberry32(options.seed);
  const candidates = centreCandidates(image, labels, corrected, options.imageThreshold ?? 0);
  const centreOptions = {
    positiveRatio: options.positiveRatio, correctedFraction: options.correctedFraction,
    correctedJitter: size.map((s) => Math.floor(s / 4)) as unknown as Vec3,
  };
  const patches: TrainingPatch[] = [];
  for (let i = 0; i < options.count; i++) {
    const { centre, kind } = chooseCentre(candidates, random, centreOptions);
    const start = patchStart(centre, size, candidates.shape);
    let patch = cropPatch(image, labels, start, size);
    const channels = patch.channels;
    let flipped: [boolean, boolean, boolean] = [false, false, false];
    let scales = new Array<number>(channels).fill(1);
    let shifts = new Array<number>(channels).fill(0);
    if (augment) {
      flipped = [random() < augment.flipProbability, random() < augment.flipProbability, random() < augment.flipProbability];
      scales = scales.map(() => 1 + (random() * 2 - 1) * augment.scale);
      shifts = shifts.map(() => (random() * 2 - 1) * augment.shift);
      patch = flipPatch(patch, flipped);
      scaleShiftChannels(patch, scales, shifts);
    }
    patches.push({ ...patch, kind, centre, start, flipped, scales, shifts });
  }
  return patches;
}

/** The tensors of one training step, C order: image [N, C, d, h, w], target [N, K, d, h, w], weight [N, 1, d, h, w]. */
export interface PatchBatch {
  readonly image: { readonly data: Float32Array; readonly dims: number[] };
  readonly target: { readonly data: Float32Array; readonly dims: number[] };
  /** 1 inside the volume, 0 on padding: the losses' voxel weight. */
  readonly weight: { readonly data: Float32Array; readonly dims: number[] };
}

/** Stacks patches of one size into a batch, with targets for the card's heads (BraTS regions or one-hot classes). */
export function patchBatch(patches: readonly PatchData[], info: LabelInfo): PatchBatch {
  const first = patches[0];
  if (!first) throw new Error('patchBatch: no patches');
  const voxels = first.size[0] * first.size[1] * first.size[2];
  const k = targetChannels(info);
  const n = patches.length;
  const image = new Float32Array(n * first.channels * voxels);
  const target = new Float32Array(n * k * voxels);
  const weight = new Float32Array(n * voxels);
  patches.forEach((p, i) => {
    if (p.channels !== first.channels || p.size.join() !== first.size.join()) {
      throw new Error(`patchBatch: patch ${i} has ${p.channels} channel(s) of ${p.size.join('×')}, patch 0 ${first.channels} of ${first.size.join('×')}`);
    }
    image.set(p.image, i * first.channels * voxels);
    target.set(targetsFor(p.labels, info), i * k * voxels);
    weight.set(p.valid, i * voxels);
  });
  const spatial = [...first.size];
  return {
    image: { data: image, dims: [n, first.channels, ...spatial] },
    target: { data: target, dims: [n, k, ...spatial] },
    weight: { data: weight, dims: [n, 1, ...spatial] },
  };
}

function patchSize(roi: number | Vec3): Vec3 {
  const size: Vec3 = typeof roi === 'number' ? [roi, roi, roi] : roi;
  if (size.length !== 3 || size.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new Error(`samplePatches: roi ${JSON.stringify(roi)} is not a positive integer or three of them`);
  }
  return size;
}

function checkAugment(a: AugmentOptions): Required<AugmentOptions> {
  const out = { flipProbability: a.flipProbability ?? 0.5, scale: a.scale ?? 0.1, shift: a.shift ?? 0.1 };
  if (!(out.flipProbability >= 0 && out.flipProbability <= 1)) throw new Error(`samplePatches: flipProbability is ${out.flipProbability}; it must be within 0..1`);
  if (!(out.scale >= 0 && out.scale < 1)) throw new Error(`samplePatches: augment scale is ${out.scale}; it must be within 0..1 (exclusive)`);
  if (!(out.shift >= 0 && Number.isFinite(out.shift))) throw new Error(`samplePatches: augment shift is ${out.shift}; it must be a number ≥ 0`);
  return out;
}
