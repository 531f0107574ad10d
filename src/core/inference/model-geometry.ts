import { InferenceInputError } from './execution-errors';
import type { OpenedSession } from './ort-session';

/** What the sliding window needs to know about the model, read from the ONNX graph's own input and output. */
export interface ModelGeometry {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly roi: readonly [number, number, number];
}

/** Reads channels and window size from shapes like [N, C, S, S, S]; a symbolic spatial size cannot be windowed. */
export function modelGeometry(opened: OpenedSession, model: string): ModelGeometry {
  const fixed = (shape: readonly (number | string)[], what: string): number[] => {
    if (shape.length !== 5 || shape.slice(1).some((d) => typeof d !== 'number' || d < 1)) {
      throw new InferenceInputError(`${model}: the model ${what} is [${shape.join(', ')}]; a 3D segmentation model has [N, C, D, H, W] with fixed C, D, H, W`);
    }
    return shape.slice(1) as number[];
  };
  const [inChannels, d, h, w] = fixed(opened.inputShape, 'input');
  const [outChannels, od, oh, ow] = fixed(opened.outputShape, 'output');
  if (d !== od || h !== oh || w !== ow) {
    throw new InferenceInputError(`${model}: the output window ${od}×${oh}×${ow} differs from the input window ${d}×${h}×${w}`);
  }
  return { inChannels: inChannels!, outChannels: outChannels!, roi: [d!, h!, w!] };
}
