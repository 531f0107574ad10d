import { checkModelCard } from './model-card-file';
import { InferenceInputError } from './execution-errors';
import { foregroundBox } from './foreground';
import { argmaxLabelMap, bratsLabelMap, sigmoidInPlace, softmaxChannelsInPlace } from './heads';
import type { ModelGeometry } from './model-geometry';
import { normalizeNonzeroPerChannel } from './normalize';
import type { PipelineHooks } from './run-hooks';
import { slidingWindowInference } from './sliding-window';
import { niftiView, subView } from './volume-view';
import type { SegmentationJob, SegmentationResult } from './worker-protocol';

/**
 * A scan's channels to a label mask, as the paper's MONAI pipeline does it: per-channel z-score over non-zero
 * voxels, Gaussian-blended sliding windows in the model's orientation, then the card's activation and labels.
 * The orientation change is a strided view, so the mask comes out in the image's own layout with no copies.
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
  normalizeNonzeroPerChannel(job.channels, card.inChannels, voxels);

  const outChannels = card.outChannels;
  const logits = new Float32Array(outChannels * voxels);
  fillBackgroundLogits(logits, card.activation, outChannels, voxels);
  const input = niftiView(job.channels, [x, y, z], card.inChannels, job.plan);
  const output = niftiView(logits, [x, y, z], outChannels, job.plan);
  const spatial = input.shape.slice(1) as [number, number, number];
  const region = job.cropMargin === null ? { start: [0, 0, 0] as [number, number, number], size: spatial } : foregroundBox(input, job.cropMargin);
  let windows = 0;
  if (region) {
    ({ windows } = await slidingWindowInference(subView(input, region.start, region.size), outChannels, hooks.run,
      subView(output, region.start, region.size), { roi: [...model.roi], overlap: job.overlap, sigmaScale: job.sigmaScale,
        isCancelled: hooks.isCancelled, onWindow: hooks.onWindow }));
  } else {
    hooks.onWindow(0, 0);
  }

  if (card.activation === 'sigmoid') sigmoidInPlace(logits);
  else softmaxChannelsInPlace(logits, outChannels, voxels);
  const labels = card.labels.scheme === 'brats'
    ? bratsLabelMap(logits, voxels, card.labels)
    : argmaxLabelMap(logits, outChannels, voxels, card.labels.classes);
  return {
    kind: 'segment', labels, probabilities: job.keepProbabilities ? logits : null, outChannels, windows,
    region: region ? { start: [...region.start], size: [...region.size] } : null,
  };
}

/** Outside the cropped region nothing was run: those voxels are background with certainty. */
function fillBackgroundLogits(logits: Float32Array, activation: 'sigmoid' | 'softmax', channels: number, voxels: number): void {
  if (activation === 'sigmoid') {
    logits.fill(-Infinity);
  } else {
    logits.fill(0, 0, voxels);
    logits.fill(-Infinity, voxels, channels * voxels);
  }
}
