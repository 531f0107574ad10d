// The one message protocol between the inference worker and whoever starts it (CLI, extension host).
import type { ModelCard } from '../models';
import type { Reorientation } from '../nifti/reorient';
import type { Device, SessionSettings } from './ort-session';

export interface WindowSettings {
  /** Fraction each window overlaps its neighbour, as MONAI's `overlap` (0.5 in the paper). */
  readonly overlap: number;
  /** Gaussian blending width as a fraction of the window (MONAI's sigma_scale, 0.125). */
  readonly sigmaScale: number;
}

/** Raw mode, for checking against MONAI: blended logits of a (C, D, H, W) C-ordered array, nothing else. */
export interface RawInferenceJob extends WindowSettings {
  readonly kind: 'raw';
  readonly session: SessionSettings;
  readonly input: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

/** A scan's channels in their stored layout (first axis fastest, channel-major), scaled but not normalized. */
export interface SegmentationJob extends WindowSettings {
  readonly kind: 'segment';
  readonly session: SessionSettings;
  readonly card: ModelCard;
  readonly channels: Float32Array;
  readonly spatialShape: readonly [number, number, number];
  /** Takes the stored layout to the orientation the model card asks for. */
  readonly plan: Reorientation;
  /** Voxel size in mm along the stored axes (the lengths of the affine's columns). */
  readonly spacing: readonly [number, number, number];
  /** Crop to the non-zero bounding box grown by this many voxels; null runs windows over the whole volume. */
  readonly cropMargin: number | null;
  readonly keepProbabilities: boolean;
}

export type InferenceJob = RawInferenceJob | SegmentationJob;

export interface RawInferenceResult {
  readonly kind: 'raw';
  /** (outC, D, H, W), C order. */
  readonly output: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly windows: number;
}

export interface SegmentationResult {
  readonly kind: 'segment';
  /** Label values in the stored layout of the input. */
  readonly labels: Uint8Array;
  /** Per-class probabilities, channel-major in the stored layout, when asked for. */
  readonly probabilities: Float32Array | null;
  readonly outChannels: number;
  readonly windows: number;
  /** The region the windows covered, in the model's orientation; null when the image has no non-zero voxel. */
  readonly region: { readonly start: readonly number[]; readonly size: readonly number[] } | null;
  /** The grid the windows ran on when the region was resampled to the card's spacing; null on the image's grid. */
  readonly modelGrid: { readonly spacing: readonly number[]; readonly shape: readonly number[] } | null;
}

export type InferenceResult = RawInferenceResult | SegmentationResult;

export interface StartRequest {
  readonly type: 'start';
  readonly job: InferenceJob;
  /** Int32 slot 0 becomes 1 to cancel; shared so the worker sees it even while onnxruntime blocks its loop. */
  readonly cancelFlag: SharedArrayBuffer;
}

export type WorkerEvent =
  | { readonly type: 'device'; readonly device: Device; readonly note: string }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: InferenceResult }
  | { readonly type: 'failed'; readonly error: WorkerError };

/** An error as it crosses the thread boundary, with the fields its class is rebuilt from. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  /** ModelFileError */
  readonly file?: string;
  readonly problem?: string;
  /** InferenceCancelledError */
  readonly windowsDone?: number;
  readonly windowsTotal?: number;
}

/** The buffers a result hands over without copying. */
export function resultTransferList(result: InferenceResult): ArrayBuffer[] {
  const buffers = result.kind === 'raw' ? [result.output.buffer] : [result.labels.buffer, result.probabilities?.buffer];
  return buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

export function jobTransferList(job: InferenceJob): ArrayBuffer[] {
  const buffer = job.kind === 'raw' ? job.input.buffer : job.channels.buffer;
  return buffer instanceof ArrayBuffer ? [buffer] : [];
}
