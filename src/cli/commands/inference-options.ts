import type { DeviceRequest } from '../../core/inference';
import { UsageError } from '../usage-error';

export const inferenceOptionSpec = {
  model: { type: 'string' }, overlap: { type: 'string' }, device: { type: 'string' }, threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const inferenceOptionUsage = `  --model       the ONNX model (from swinfuse import; its card MODEL.json must sit beside it)
  --overlap     how much neighbouring windows overlap, 0 to <1 (default 0.5, as in the paper)
  --device      auto (CUDA if its provider loads, else CPU; default), cpu, or cuda (fail if CUDA cannot run)
  --threads     CPU threads for onnxruntime (default: one per physical core)`;

export interface InferenceOptions {
  readonly model: string;
  readonly overlap: number;
  readonly device: DeviceRequest;
  readonly threads: number;
}

export function parseInferenceOptions(values: { model?: string; overlap?: string; device?: string; threads?: string }): InferenceOptions {
  if (!values.model) throw new UsageError('--model MODEL.onnx is required');
  const overlap = values.overlap === undefined ? 0.5 : Number(values.overlap);
  if (!Number.isFinite(overlap) || overlap < 0 || overlap >= 1) throw new UsageError(`--overlap must be at least 0 and below 1, got "${values.overlap}"`);
  return { model: values.model, overlap, device: parseDevice(values.device), threads: parseThreads(values.threads) };
}

export function parseDevice(value: string | undefined): DeviceRequest {
  const device = value ?? 'auto';
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda') throw new UsageError(`--device must be auto, cpu or cuda, got "${device}"`);
  return device;
}

/** 0 (the default) means one per physical core. */
export function parseThreads(value: string | undefined): number {
  if (value === undefined) return 0;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a positive whole number, got "${value}"`);
  return threads;
}
