import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkModelFile, checkTrainedForSegmenting, readModelCard, runInference, scanChannels } from '../../core/inference';
import { cardPathFor, labelNamesOf, type ModelCard } from '../../core/models';
import { checkOutputFolders, checkOutputs, type ReadFile } from '../output-paths';
import { readChannelImages } from '../channel-files';
import { NIFTI_INTENT_LABEL, writeNiftiFile, type ReadLimits } from '../../core/nifti';
import { BUNDLED_MODEL_RELATIVE, bundledModelPath } from '../bundled-model';
import { progressLine } from '../progress-line';
import { diceLine, foreignLabels, readReferenceLabels, referenceConvention } from '../reference-dice';
import { withBratsLabels, type BratsLabels } from '../../core/labels/brats-labels';
import { UsageError } from '../usage-error';
import { inferenceWorkerScript } from '../worker-script';
import { interruptSignal } from './infer';
import { inferenceOptionSpec, inferenceOptionUsage, parseInferenceOptions } from './inference-options';

export const segmentUsage = `swinfuse segment IMAGE... -o MASK.nii.gz [--model MODEL.onnx] [--label REF.nii.gz] [--probabilities PROB.nii.gz]
                 [--brats-labels 2021|2023] [--overlap 0.5] [--device auto|cpu|cuda] [--threads N] [--crop-margin M | --no-crop]

Segments a scan: one 3D file per channel in the model card's order (BraTS: flair t1ce t1 t2), one 4D file with
the channels on the 4th axis, or one 3D file of a BraTS case whose other modalities lie beside it (BraTS 2021
CASE_flair/_t1ce/_t1/_t2 or 2023 CASE-t2f/-t1c/-t1n/-t2w, found by suffix). Each channel is z-scored over its
non-zero voxels, windows run in the orientation the model was trained in, and the mask is written as uint8 labels
with the exact geometry of the image named first.
${inferenceOptionUsage.replace(/^( {2}--model .*)$/m, `$1\n                default: the bundled model, ${BUNDLED_MODEL_RELATIVE} in the package (beside dist/)`)}
  -o, --output     the label mask to write (.nii or .nii.gz)
  --label          a reference label mask on the image's voxel grid: after writing, print the Dice of the mask
                   against it (BraTS models: regions WT, TC, ET; others: each label) with voxel counts
  --probabilities  also write the per-class probabilities, float32, one volume per class
  --brats-labels   for a BraTS model, the label numbers to write: 2021 (enhancing tumour 4, the default) or 2023 (3);
                   necrotic core 1 and edema 2 in both. --label references are read in whichever they use
  --crop-margin    run windows only over the non-zero region grown by M voxels (default 16); outside it is background
  --no-crop        run windows over the whole volume, as MONAI's sliding_window_inference does
  --max-voxels     refuse images claiming more voxels than this before reading them`;

const NIFTI_NAME = /\.nii(\.gz)?$/i;

export async function runSegment(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...inferenceOptionSpec, output: { type: 'string', short: 'o' }, probabilities: { type: 'string' }, label: { type: 'string' },
      'crop-margin': { type: 'string' }, 'no-crop': { type: 'boolean' }, 'max-voxels': { type: 'string' },
      'brats-labels': { type: 'string' },
    },
  });
  if (values.help) return out(segmentUsage);
  const options = parseInferenceOptions({ ...values, model: values.model ?? bundledModelPath() });
  if (positionals.length === 0) throw new UsageError('segment needs at least one IMAGE');
  const mask = values.output;
  if (!mask) throw new UsageError('-o MASK.nii.gz is required');
  const written = [mask, values.probabilities].filter((p): p is string => p !== undefined);
  for (const path of written) {
    if (!NIFTI_NAME.test(path)) throw new UsageError(`${path}: outputs must end in .nii or .nii.gz`);
  }
  const reads = (images: readonly string[]): ReadFile[] => [
    ...images.map((path) => ({ path, what: 'an input image' })),
    ...(values.label === undefined ? [] : [{ path: values.label, what: 'the --label reference' }]),
    { path: options.model, what: 'the model' }, { path: cardPathFor(options.model), what: 'the model card' },
  ];
  checkOutputs('segment', written, reads(positionals));
  checkOutputFolders(written);
  if (values['no-crop'] && values['crop-margin'] !== undefined) throw new UsageError('--crop-margin and --no-crop exclude each other');
  const cropMargin = values['no-crop'] ? null : values['crop-margin'] === undefined ? 16 : Number(values['crop-margin']);
  if (cropMargin !== null && (!Number.isInteger(cropMargin) || cropMargin < 0)) throw new UsageError(`--crop-margin must be a whole number ≥ 0, got "${values['crop-margin']}"`);
  const maxVoxels = values['max-voxels'] === undefined ? undefined : Number(values['max-voxels']);
  if (maxVoxels !== undefined && (!Number.isInteger(maxVoxels) || maxVoxels < 1)) throw new UsageError(`--max-voxels must be a positive whole number, got "${values['max-voxels']}"`);

  if (values.model === undefined && !existsSync(options.model)) {
    throw new UsageError(`no --model given and the bundled model ${BUNDLED_MODEL_RELATIVE} is missing (looked for ${options.model}); ` +
      'give --model MODEL.onnx, a model written by swinfuse import');
  }
  checkModelFile(options.model);
  const card = withLabelConvention(readModelCard(options.model), values['brats-labels']);
  checkTrainedForSegmenting(card, options.model);
  const started = performance.now();
  const limits: ReadLimits = maxVoxels === undefined ? {} : { maxVoxels };
  let images = await readChannelImages(positionals, card, limits, (line) => process.stderr.write(`${line}\n`));
  checkOutputs('segment', written, reads(images.map((i) => i.file))); // siblings found beside the image are inputs too
  const scan = scanChannels(images, card);
  // The mask takes the geometry of the image named first, also when its siblings come before it in the card's order.
  const primary = images.find((image) => image.file === positionals[0]) ?? images[0]!;
  images = []; // the float32 channels are all the worker needs; let the stored voxels go
  // Read and checked before the (long) inference, so that a reference on the wrong grid fails at once.
  const referenceLabels = values.label === undefined ? undefined : await readReferenceLabels(values.label, primary, limits);
  const foreign = referenceLabels && foreignLabels(referenceLabels, card.labels);
  if (foreign) process.stderr.write(`note: ${values.label}: ${foreign}\n`);
  const convention = referenceLabels && referenceConvention(referenceLabels, card.labels);
  if (convention) process.stderr.write(`note: ${values.label}: ${convention}\n`);
  const bundled = values.model === undefined ? ' (bundled)' : '';
  process.stderr.write(`${card.name}${bundled}: ${scan.spatialShape.join('×')} × ${card.inChannels} channels, ${primary.axcodes} → ${card.orientation}\n`);

  const progress = progressLine();
  const result = await runInference({
    kind: 'segment', session: { model: options.model, device: options.device, threads: options.threads },
    card, channels: scan.channels, spatialShape: scan.spatialShape, plan: scan.plan, spacing: scan.spacing,
    overlap: options.overlap, sigmaScale: 0.125, cropMargin, keepProbabilities: values.probabilities !== undefined,
  }, {
    workerScript: inferenceWorkerScript, signal: interruptSignal(),
    onDevice: (_, note) => process.stderr.write(`device: ${note}\n`),
    onProgress: progress.update,
  });
  progress.end();
  process.stderr.write(`${gridNote(card, scan.spacing, result)}\n`);

  const geometry = { geometry: primary.header, version: primary.header.version };
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
  if (referenceLabels && values.label) out(diceLine(result.labels, referenceLabels, card.labels, values.label));
}

/** Where the windows ran: the model's spacing (the image box resampled to it and the probabilities back) or the image's. */
function gridNote(card: ModelCard, spacing: readonly number[], result: { region: { size: readonly number[] } | null; modelGrid: { spacing: readonly number[]; shape: readonly number[] } | null }): string {
  const mm = (v: readonly number[]): string => `${v.map((x) => +x.toFixed(3)).join('×')} mm`;
  if (result.modelGrid && result.region) {
    return `grid: the ${result.region.size.join('×')} box resampled to the model's ${mm(result.modelGrid.spacing)} ` +
      `(${result.modelGrid.shape.join('×')} voxels), probabilities resampled back to the image's ${mm(spacing)}`;
  }
  return card.spacing
    ? `grid: the image is at the model's spacing (${mm(card.spacing)}); no resampling`
    : `grid: ${card.name}'s card names no training spacing, so it runs on the image's own ${mm(spacing)} grid`;
}

/** The card with its BraTS label numbers in the convention --brats-labels asks for. */
function withLabelConvention(card: ModelCard, year: string | undefined): ModelCard {
  if (year === undefined) return card;
  if (year !== '2021' && year !== '2023') throw new UsageError(`--brats-labels must be 2021 or 2023, got "${year}"`);
  if (card.labels.scheme !== 'brats') throw new UsageError(`--brats-labels applies to BraTS models; ${card.name} writes ${card.labels.scheme} labels`);
  return { ...card, labels: withBratsLabels(card.labels, year as BratsLabels) };
}

function describeLabels(labels: Uint8Array, info: ModelCard['labels']): string {
  const counts = new Map<number, number>();
  for (const v of labels) if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 0) return 'no voxel labelled';
  const names = labelNamesOf(info);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${names.get(v) ?? `label ${v}`} (${v}) ${n} voxels`).join(', ');
}
