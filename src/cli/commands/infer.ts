import { parseArgs } from 'node:util';
import { checkModelFile, runInference } from '../../core/inference';
import { writeFileAtomic } from '../../core/io/atomic-write';
import { encodeNpy, readNpyFile } from '../../core/npy';
import { progressLine } from '../progress-line';
import { checkOutputFolders, checkOutputs } from '../output-paths';
import { UsageError } from '../usage-error';
import { inferenceWorkerScript } from '../worker-script';
import { inferenceOptionSpec, inferenceOptionUsage, parseInferenceOptions } from './inference-options';

export const inferUsage = `swinfuse infer --model MODEL.onnx --npy-in X.npy --npy-out Y.npy [--overlap 0.5] [--device auto|cpu|cuda]
               [--threads N]

Raw sliding-window inference, for checking against MONAI's sliding_window_inference: a (1, C, D, H, W) float32
array goes in, Gaussian-blended logits (1, K, D, H, W) come out. No normalization, crop or activation.
${inferenceOptionUsage}
  --npy-in      the input array
  --npy-out     where to write the logits (float32 .npy)`;

export async function runInfer(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ...inferenceOptionSpec, 'npy-in': { type: 'string' }, 'npy-out': { type: 'string' } },
  });
  if (values.help) return out(inferUsage);
  if (positionals.length > 0) throw new UsageError(`infer takes no positional arguments, got "${positionals.join(' ')}"`);
  const options = parseInferenceOptions(values);
  const input = values['npy-in'];
  const output = values['npy-out'];
  if (!input || !output) throw new UsageError('--npy-in X.npy and --npy-out Y.npy are required');
  checkOutputs('infer', [output], [{ path: input, what: 'the --npy-in array' }, { path: options.model, what: 'the model' }]);
  checkOutputFolders([output]);
  checkModelFile(options.model);

  const array = await readNpyFile(input);
  if (array.dtype !== 'float32' || array.shape.length !== 5 || array.shape[0] !== 1) {
    throw new UsageError(`${input}: infer takes a float32 array of shape (1, C, D, H, W), got ${array.dtype} (${array.shape.join(', ')})`);
  }
  const [, c, d, h, w] = array.shape as [number, number, number, number, number];
  const progress = progressLine();
  const started = performance.now();
  const result = await runInference({
    kind: 'raw', session: { model: options.model, device: options.device, threads: options.threads },
    input: array.data, shape: [c, d, h, w], overlap: options.overlap, sigmaScale: 0.125,
  }, {
    workerScript: inferenceWorkerScript, signal: interruptSignal(),
    onDevice: (_, note) => process.stderr.write(`device: ${note}\n`),
    onProgress: progress.update,
  });
  progress.end();
  await writeFileAtomic(output, encodeNpy([1, ...result.shape], result.output));
  out(`wrote ${output} (1, ${result.shape.join(', ')}) from ${result.windows} windows on ${result.device} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Ctrl-C cancels at the next window (or training step) boundary instead of killing the process mid-write. */
export function interruptSignal(unit: 'window' | 'step' = 'window'): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write(`\ncancelling after the current ${unit}…\n`);
    controller.abort();
  });
  return controller.signal;
}
