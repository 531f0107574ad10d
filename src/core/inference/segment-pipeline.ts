import { checkModelCard } from './model-card-file';
import { InferenceInputError } from './execution-errors';
import { foregroundBox } from './foreground';
import { argmaxLabelMap, bratsLabelMap, sigmoidInPlace, softmaxChannelsInPlace } from './heads';
import type { ModelGeometry } from './model-geometry';
import { normalizeNonzeroPerChannel } from './normalize';
import { resampleLinear, resampleScan, sameSpacing } from './resample';
import type { PipelineHooks } from './run-hooks';
import { slidingWindowInference } from './sliding-window';
import { cOrderView, niftiView, subView, type Vec3, type VolumeView } from './volume-view';
import type { SegmentationJob, SegmentationResult } from './worker-protocol';
import type { ModelCard } from '../models';

/**
 * A scan's channels to a label mask, as the paper's MONAI pipeline does it: the model's orientation (a strided view,
 * no copy), the foreground box, then either windows on the image's own grid or, when the card names the spacing the
 * model was trained at, windows on a copy of the box resampled to it (toModelSpacing, and fromModelSpacing for the way
 * back); per-channel z-score over non-zero voxels, Gaussian-blended sliding windows, the card's activation, and the
 * per-class probabilities on the image's grid, thresholded or argmaxed only there. The mask comes out in the image's
 * own layout.
 */
export async function segmentChannels(job: SegmentationJob, model: ModelGeometry, hooks: PipelineHooks): Promise<SegmentationResult> {
  const card = checkModelCard(job.card, job.session.model);
  if (card.inChannels !== model.inChannels || card.outChannels !== model.outChannels || model.roi.some((r) => r !== card.roi)) {
    throw new InferenceInputError(`${job.session.model}: the model card says ${card.inChannels} → ${card.outChannels} channels at roi ${card.roi}, ` +
      `the ONNX graph takes ${model.inChannels} → ${model.outChannels} at ${model.roi.join('×')}`);
  }
  const [x, y, z] = job.spatialShape;
  const voxels = x * y * z;
  if (job.channels.length !== voxels * card.inChannels) {
    throw new InferenceInputError(`the model takes ${card.inChannels} channels (${card.channels.join(', ')}); ` +
      `the image holds ${job.channels.length / voxels} channels of ${x}×${y}×${z}`);
  }
  const outChannels = card.outChannels;
  const probabilities = new Float32Array(outChannels * voxels);
  fillBackground(probabilities, card.activation, outChannels, voxels);
  const input = niftiView(job.channels, [x, y, z], card.inChannels, job.plan);
  const output = niftiView(probabilities, [x, y, z], outChannels, job.plan);
  const spatial = input.shape.slice(1) as [number, number, number];
  const region = job.cropMargin === null ? { start: [0, 0, 0] as Vec3, size: spatial } : foregroundBox(input, job.cropMargin);
  // The image's voxel size along the model's axes.
  const imageSpacing = job.plan.sourceAxisOf.map((a) => job.spacing[a]!) as unknown as Vec3;
  const resample = card.spacing !== undefined && !sameSpacing(imageSpacing, card.spacing);

  let windows = 0;
  let modelGrid: readonly number[] | null = null;
  if (!region) {
    hooks.onWindow(0, 0);
  } else if (!resample) {
    normalizeNonzeroPerChannel(job.channels, card.inChannels, voxels);
    ({ windows } = await slidingWindowInference(subView(input, region.start, region.size), outChannels, hooks.run,
      subView(output, region.start, region.size), windowOptions(job, model, hooks)));
    activate(card, subView(output, region.start, region.size));
  } else {
    const onModelGrid = toModelSpacing(subView(input, region.start, region.size), imageSpacing, card.spacing!);
    const gridShape = onModelGrid.shape.slice(1) as unknown as Vec3;
    modelGrid = gridShape;
    const logitsView = niftiView(new Float32Array(outChannels * gridShape[0] * gridShape[1] * gridShape[2]), gridShape, outChannels);
    ({ windows } = await slidingWindowInference(onModelGrid, outChannels, hooks.run, logitsView, windowOptions(job, model, hooks)));
    activate(card, logitsView);
    fromModelSpacing(logitsView, card.spacing!, imageSpacing, subView(output, region.start, region.size));
  }

  const labels = card.labels.scheme === 'brats'
    ? bratsLabelMap(probabilities, voxels, card.labels)
    : argmaxLabelMap(probabilities, outChannels, voxels, card.labels.classes);
  return {
    kind: 'segment', labels, probabilities: job.keepProbabilities ? probabilities : null, outChannels, windows,
    region: region ? { start: [...region.start], size: [...region.size] } : null,
    modelGrid: modelGrid ? { spacing: [...card.spacing!], shape: [...modelGrid] } : null,
  };
}

function windowOptions(job: SegmentationJob, model: ModelGeometry, hooks: PipelineHooks) {
  return { roi: [...model.roi] as [number, number, number], overlap: job.overlap, sigmaScale: job.sigmaScale, isCancelled: hooks.isCancelled, onWindow: hooks.onWindow };
}

/** Into the model's grid: the box resampled to the model's spacing (resampleScan), then z-scored per channel. */
function toModelSpacing(box: VolumeView, from: Vec3, to: Vec3): VolumeView {
  const channels = box.shape[0];
  const { data, shape } = resampleScan(box, from, to);
  normalizeNonzeroPerChannel(data, channels, shape[0] * shape[1] * shape[2]);
  return niftiView(data, shape, channels);
}

/** Back to the image's grid: the per-class probabilities resampled onto the box (linear, as Invertd does). */
function fromModelSpacing(probabilities: VolumeView, from: Vec3, to: Vec3, box: VolumeView): void {
  resampleLinear(probabilities, from, to, box);
}

/** The card's activation over a (K, …) view of logits, in place. */
function activate(card: ModelCard, view: VolumeView): void {
  const [k, d, h, w] = view.shape;
  const voxels = d * h * w;
  const apply = (data: Float32Array): void => {
    if (card.activation === 'sigmoid') sigmoidInPlace(data);
    else softmaxChannelsInPlace(data, k, voxels);
  };
  // Both activations work voxel by voxel across channels, so any spatial layout of a whole channel-major array will do.
  if (view.offset === 0 && view.strides[0] === voxels && view.data.length === k * voxels) return apply(view.data);
  // A box inside the image: gather, activate, scatter.
  const staged = cOrderView(new Float32Array(k * voxels), [k, d, h, w]);
  copyInto(view, staged);
  apply(staged.data);
  copyInto(staged, view);
}

/** Copies a view's values into another of the same shape. */
function copyInto(from: VolumeView, to: VolumeView): void {
  const [c, d, h, w] = from.shape;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < h; j++) {
        let a = from.offset + ch * from.strides[0] + i * from.strides[1] + j * from.strides[2];
        let b = to.offset + ch * to.strides[0] + i * to.strides[1] + j * to.strides[2];
        for (let k = 0; k < w; k++, a += from.strides[3], b += to.strides[3]) to.data[b] = from.data[a]!;
      }
    }
  }
}

/** Outside the region nothing ran: those voxels are background with certainty. */
function fillBackground(probabilities: Float32Array, activation: 'sigmoid' | 'softmax', channels: number, voxels: number): void {
  if (activation === 'softmax') probabilities.fill(1, 0, voxels);
}

