import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkModelFile, readModelCard, runInference, scanChannels } from '../../core/inference';
import { labelNamesOf, type ModelCard } from '../../core/models';
import { NIFTI_INTENT_LABEL, readNiftiFile, writeNiftiFile, type NiftiVolume } from '../../core/nifti';
import { progressLine } from '../progress-line';
import { UsageError } from '../usage-error';
import { inferenceWorkerScript } from '../worker-script';
import { interruptSignal } from './infer';
import { inferenceOptionSpec, inferenceOptionUsage, parseInferenceOptions } from './inference-options';

export const segmentUsage = `swinfuse segment IMAGE... --model MODEL.onnx -o MASK.nii.gz [--probabilities PROB.nii.gz]
                 [--overlap 0.5] [--device auto|cpu|cuda] [--threads N] [--crop-margin M | --no-crop]

Segments a scan: one 3D file per channel in the model card's order (BraTS: flair t1ce t1 t2), or one 4D file with
the channels on the 4th axis. Each channel is z-scored over its non-zero voxels, windows run in the orientation the
model was trained in, and the mask is written as uint8 labels with the first image's exact geometry.
${inferenceOptionUsage}
  -o, --output     the label mask to write (.nii or .nii.gz)
  --probabilities  also write the per-class probabilities, float32, one volume per class
  --crop-margin    run windows only over the non-zero region grown by M voxels (default 16); outside it is background
  --no-crop        run windows over the whole volume, as MONAI's sliding_window_inference does
  --max-voxels     refuse images claiming more voxels than this before reading them`;

const NIFTI_NAME = /\.nii(\.gz)?$/i;

export async function runSegment(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...inferenceOptionSpec, output: { type: 'string', short: 'o' }, probabilities: { type: 'string' },
      'crop-margin': { type: 'string' }, 'no-crop': { type: 'boolean' }, 'max-voxels': { type: 'string' },
    },
  });
  if (values.help) return out(segmentUsage);
  const options = parseInferenceOptions(values);
  if (positionals.length === 0) throw new UsageError('segment needs at least one IMAGE');
  const mask = values.output;
  if (!mask) throw new UsageError('-o MASK.nii.gz is required');
  const written = [mask, values.probabilities].filter((p): p is string => p !== undefined);
  for (const path of written) {
    if (!NIFTI_NAME.test(path)) throw new UsageError(`${path}: outputs must end in .nii or .nii.gz`);
    if (positionals.some((image) => resolve(image) === resolve(path))) throw new UsageError(`${path} is an input image; segment never writes over its inputs`);
  }
  if (written.length === 2 && resolve(written[0]!) === resolve(written[1]!)) throw new UsageError('--probabilities must differ from -o');
  if (values['no-crop'] && values['crop-margin'] !== undefined) throw new UsageError('--crop-margin and --no-crop exclude each other');
  const cropMargin = values['no-crop'] ? null : values['crop-margin'] === undefined ? 16 : Number(values['crop-margin']);
  if (cropMargin !== null && (!Number.isInteger(cropMargin) || cropMargin < 0)) throw new UsageError(`--crop-margin must be a whole number ≥ 0, got "${values['crop-margin']}"`);
  const maxVoxels = values['max-voxels'] === undefined ? undefined : Number(values['max-voxels']);
  if (maxVoxels !== undefined && (!Number.isInteger(maxVoxels) || maxVoxels < 1)) throw new UsageError(`--max-voxels must be a positive whole number, got "${values['max-voxels']}"`);

  checkModelFile(options.model);
  const card = readModelCard(options.model);
  const started = performance.now();
  let images: NiftiVolume[] = [];
  for (const file of positionals) images.push(await readNiftiFile(file, maxVoxels === undefined ? {} : { maxVoxels }));
  const scan = scanChannels(images, card);
  const reference = images[0]!;
  images = []; // the float32 channels are all the worker needs; let the stored voxels go
  process.stderr.write(`${card.name}: ${scan.spatialShape.join('×')} × ${card.inChannels} channels, ${reference.axcodes} → ${card.orientation}\n`);

  const progress = progressLine();
  const result = await runInference({
    kind: 'segment', session: { model: options.model, device: options.device, threads: options.threads },
    card, channels: scan.channels, spatialShape: scan.spatialShape, plan: scan.plan,
    overlap: options.overlap, sigmaScale: 0.125, cropMargin, keepProbabilities: values.probabilities !== undefined,
  }, {
    workerScript: inferenceWorkerScript, signal: interruptSignal(),
    onDevice: (_, note) => process.stderr.write(`device: ${note}\n`),
    onProgress: progress.update,
  });
  progress.end();

  const geometry = { geometry: reference.header, version: reference.header.version };
  await writeNiftiFile(mask, {
    ...geometry, shape: scan.spatialShape, data: result.labels, intentCode: NIFTI_INTENT_LABEL,
    description: `swinfuse segment ${card.name}`.slice(0, 79),
  });
  if (values.probabilities && result.probabilities) {
    await writeNiftiFile(values.probabilities, {
      ...geometry, shape: [...scan.spatialShape, result.outChannels], data: result.probabilities,
      description: `swinfuse probabilities ${card.name}`.slice(0, 79),
    });
  }
  out(`wrote ${written.join(' and ')}: ${describeLabels(result.labels, card.labels)}; ${result.windows} windows on ${result.device} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function describeLabels(labels: Uint8Array, info: ModelCard['labels']): string {
  const counts = new Map<number, number>();
  for (const v of labels) if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 0) return 'no voxel labelled';
  const names = labelNamesOf(info);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${names.get(v) ?? `label ${v}`} (${v}) ${n} voxels`).join(', ');
}
