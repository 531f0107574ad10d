import { InferenceInputError } from './execution-errors';
import type { ModelGeometry } from './model-geometry';
import type { PipelineHooks } from './run-hooks';
import { slidingWindowInference } from './sliding-window';
import { cOrderView } from './volume-view';
import type { RawInferenceJob, RawInferenceResult } from './worker-protocol';

/** MONAI's sliding_window_inference on an array as given: no normalization, crop or activation. */
export async function inferRaw(job: RawInferenceJob, model: ModelGeometry, hooks: PipelineHooks): Promise<RawInferenceResult> {
  const [channels, d, h, w] = job.shape;
  if (channels !== model.inChannels) {
    throw new InferenceInputError(`the model takes ${model.inChannels} input channels, the array has ${channels}`);
  }
  const shape = [model.outChannels, d, h, w] as const;
  const output = new Float32Array(model.outChannels * d * h * w);
  const { windows } = await slidingWindowInference(cOrderView(job.input, job.shape), model.outChannels, hooks.run,
    cOrderView(output, shape), { roi: [...model.roi], overlap: job.overlap, sigmaScale: job.sigmaScale,
      isCancelled: hooks.isCancelled, onWindow: hooks.onWindow });
  return { kind: 'raw', output, shape, windows };
}
