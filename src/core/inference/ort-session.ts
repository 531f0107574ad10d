import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { DeviceUnavailableError, ModelFileError } from './execution-errors';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';
export type Device = 'cpu' | 'cuda';

export interface SessionSettings {
  /** The model file, or with `bytes` the name messages give the in-memory model. */
  readonly model: string;
  /** A model built in memory (a training step), opened from these bytes instead of the file. */
  readonly bytes?: Uint8Array;
  readonly device: DeviceRequest;
  /** Intra-op threads; 0 or absent lets onnxruntime use one per physical core. */
  readonly threads?: number;
}

export interface OpenedSession {
  readonly session: Ort.InferenceSession;
  readonly device: Device;
  /** Which device runs and why, in words a user can act on. */
  readonly note: string;
  readonly inputName: string;
  readonly outputName: string;
  /** The model input's shape as stored, e.g. ['N', 4, 96, 96, 96]. */
  readonly inputShape: readonly (number | string)[];
  readonly outputShape: readonly (number | string)[];
}

/** Where onnxruntime-node keeps its native libraries for this platform: the CUDA provider must sit there too. */
export interface OrtLocation {
  readonly binDir: string;
}

const CUDA_LIBRARIES: Readonly<Record<string, readonly string[]>> = {
  linux: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
  win32: ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll'],
};

/** Why the CUDA provider cannot even be tried here, or null when its libraries are in place. */
export function cudaProviderMissing(location: OrtLocation, platform = process.platform): string | null {
  const libraries = CUDA_LIBRARIES[platform];
  if (!libraries) return `onnxruntime-node has no CUDA provider for ${platform}`;
  const missing = libraries.filter((name) => !existsSync(join(location.binDir, name)));
  if (missing.length === 0) return null;
  return `the CUDA provider is not installed (${missing.join(', ')} not in ${location.binDir}); ` +
    'run "npm run install:cuda" in the extension folder (see the README)';
}

/**
 * Opens the model on the requested device. `auto` tries CUDA and falls back to CPU with the reason; `cuda` fails
 * with the reason instead. The CPU arena is off so memory goes back to the system between windows and after a
 * cancel, rather than staying at its high-water mark.
 */
export async function openSession(ort: typeof Ort, location: OrtLocation, settings: SessionSettings): Promise<OpenedSession> {
  if (!settings.bytes) checkModelFile(settings.model);
  const bytes = settings.bytes;
  const create = (options: Ort.InferenceSession.SessionOptions): Promise<Ort.InferenceSession> => (bytes
    ? ort.InferenceSession.create(bytes, options)
    : ort.InferenceSession.create(settings.model, options));
  const threads = settings.threads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`threads must be a whole number ≥ 0, got ${threads}`);
  const base: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: false,
    intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3,
  };
  let fallback = '';
  if (settings.device !== 'cpu') {
    const missing = cudaProviderMissing(location);
    let failure = missing;
    if (!missing) {
      try {
        const session = await create({ ...base, executionProviders: ['cuda'] });
        return describe(session, 'cuda', settings.device === 'cuda' ? 'CUDA, as requested' : 'CUDA (auto: the CUDA provider loaded)', settings.model, !!bytes);
      } catch (err) {
        failure = `the CUDA provider did not load: ${firstLine(err)}`;
        if (looksLikeBadModel(err)) throw badModel(settings.model, err);
      }
    }
    if (settings.device === 'cuda') throw new DeviceUnavailableError(`CUDA was requested but ${failure}`);
    fallback = `CPU (auto: ${failure})`;
  }
  let session: Ort.InferenceSession;
  try {
    session = await create({ ...base, executionProviders: ['cpu'] });
  } catch (err) {
    throw badModel(settings.model, err);
  }
  return describe(session, 'cpu', fallback || 'CPU, as requested', settings.model, !!bytes);
}

/** Fails early, and clearly, on a missing, unreadable or empty model file. */
export function checkModelFile(model: string): void {
  let size: number;
  try {
    const stat = statSync(model);
    if (!stat.isFile()) throw new ModelFileError(model, 'is not a file');
    size = stat.size;
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(model, code === 'ENOENT' ? 'no such model file' : `cannot read the model: ${firstLine(err)}`);
  }
  if (size === 0) throw new ModelFileError(model, 'the model file is empty');
}

function describe(session: Ort.InferenceSession, device: Device, note: string, model: string, built: boolean): OpenedSession {
  const input = session.inputMetadata[0];
  const output = session.outputMetadata[0];
  // A graph built in memory (a training step) has many inputs and outputs by design; a model file must not.
  if (!built && (session.inputNames.length !== 1 || session.outputNames.length !== 1 || !input?.isTensor || !output?.isTensor)) {
    void session.release();
    throw new ModelFileError(model, `a segmentation model has one tensor input and one tensor output; this one has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`);
  }
  const shapeOf = (m: typeof input): readonly (number | string)[] => (m?.isTensor ? m.shape : []);
  return {
    session, device, note, inputName: input?.name ?? '', outputName: output?.name ?? '',
    inputShape: shapeOf(input), outputShape: shapeOf(output),
  };
}

function looksLikeBadModel(err: unknown): boolean {
  return /protobuf parsing failed|Load model|invalid model|ModelProto/i.test(String((err as Error)?.message ?? err));
}

function badModel(model: string, err: unknown): ModelFileError {
  const message = firstLine(err);
  if (/protobuf parsing failed/i.test(message)) {
    return new ModelFileError(model, 'not a valid ONNX model (protobuf parsing failed: the file is truncated, corrupt or not ONNX)');
  }
  return new ModelFileError(model, `onnxruntime cannot load this model: ${message}`);
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.trim();
}
