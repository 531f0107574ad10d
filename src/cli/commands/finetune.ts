import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkModelFile, readModelCard } from '../../core/inference';
import { cardPathFor } from '../../core/models';
import { readNiftiFile } from '../../core/nifti';
import { readChannelImages } from '../channel-files';
import { sameSpacing } from '../../core/inference/resample';
import { checkOutputFolders, checkOutputs } from '../output-paths';
import { DEFAULT_FINETUNE, type FinetuneSettings } from '../../core/training/finetune';
import { finetuneInputs } from '../../core/training/finetune-inputs';
import { finetunedName } from '../../core/training/lineage';
import type { FinetuneJob } from '../../core/training/finetune-protocol';
import { runFinetune } from '../../core/training/run-finetune';
import { TRAIN_SCOPES, type TrainScope } from '../../core/training/step-graph';
import { formatLoss, stepProgress } from '../step-progress';
import { UsageError } from '../usage-error';
import { finetuneWorkerScript } from '../worker-script';
import { interruptSignal } from './infer';
import { parseDevice, parseThreads } from './inference-options';

export const finetuneUsage = `swinfuse finetune IMAGE... --mask MASK.nii.gz --model MODEL.onnx [-o NEW.onnx] [--steps ${DEFAULT_FINETUNE.steps}]
                  [--train head|decoder|all] [--lr ${DEFAULT_FINETUNE.lr}] [--seed ${DEFAULT_FINETUNE.seed}] [--device auto|cpu|cuda] [--threads N] [--json]

Adapts a model to one corrected case: a few AdamW steps on patches of the scan around the mask's labels, then
writes the adapted model and its card (with the run in its lineage) under a new name. The base model is never
written. Images are given as for segment (one 3D file per channel in the card's order, or one 4D file); the mask
must label the first image's voxel grid (another axis order is fine; another grid is refused, never resampled).
  --mask        the corrected label mask (BraTS models: 0, 1, 2, 4; softmax models: the card's class labels)
  --model       the model to start from (its card MODEL.json must sit beside it)
  -o, --output  the adapted model to write (.onnx; its card NEW.json goes beside it).
                Default: MODEL's folder, named <card name>-ft-<UTC time>.onnx
  --steps       training steps, one patch each (default ${DEFAULT_FINETUNE.steps})
  --train       what learns: head (the output convolution), decoder (everything outside the Swin encoder; default),
                or all (the encoder too: slowest, most memory)
  --lr          AdamW learning rate (default ${DEFAULT_FINETUNE.lr})
  --seed        seed of the patch sampling and augmentation (default ${DEFAULT_FINETUNE.seed}); the same seed, same patches
  --device      auto (CUDA if its provider loads, else CPU; default), cpu, or cuda (fail if CUDA cannot run)
  --threads     CPU threads for onnxruntime (default: one per physical core)
  --json        stdout: one JSON line per step {"step","loss","ms"}, then {"done":true,"model","steps","lossFirst","lossLast"}
  --max-voxels  refuse images claiming more voxels than this before reading them`;

interface FinetuneArgs {
  readonly images: readonly string[];
  readonly mask: string;
  readonly model: string;
  readonly output: string | undefined;
  readonly settings: FinetuneSettings;
  readonly json: boolean;
  readonly maxVoxels: number | undefined;
}

export async function runFinetuneCommand(argv: string[], out: (text: string) => void): Promise<void> {
  const args = parseFinetuneArgs(argv);
  if (!args) return out(finetuneUsage);
  const started = performance.now();
  checkModelFile(args.model);
  const card = readModelCard(args.model);
  const output = args.output ?? join(dirname(args.model), `${finetunedName(card.name)}.onnx`);
  checkOutput(output, args);

  const limits = args.maxVoxels === undefined ? {} : { maxVoxels: args.maxVoxels };
  const images = await readChannelImages(args.images, card, limits, (line) => process.stderr.write(`${line}\n`));
  checkOutput(output, { ...args, images: images.map((image) => image.file) }); // siblings found beside the image too
  const mask = await readNiftiFile(args.mask, limits);
  const inputs = finetuneInputs(images, mask, card);
  const { settings } = args;
  const counts = [...inputs.labelCounts].filter(([label]) => label !== 0).map(([label, n]) => `${label}: ${n}`).join(', ') || 'no labels';
  process.stderr.write(`${card.name}: training the ${settings.scope} for ${settings.steps} steps (lr ${settings.lr}, seed ${settings.seed}) ` +
    `on ${inputs.spatialShape.join('×')} × ${card.inChannels} channels; mask voxels per label ${counts}` +
    `${inputs.maskReoriented ? `; mask reoriented ${inputs.maskReoriented} onto the image's layout` : ''}` +
    `${card.spacing && !sameSpacing(modelAxes(inputs.spacing, inputs.plan), card.spacing) ? `; image and mask resampled to the model's ${card.spacing.join('×')} mm grid` : ''}\n`);

  const job: FinetuneJob = {
    model: args.model, card, channels: inputs.channels, labels: inputs.labels, corrected: null,
    spatialShape: inputs.spatialShape, plan: inputs.plan, spacing: inputs.spacing, settings, output,
    caseNames: { images: images.map((image) => basename(image.file)), mask: basename(args.mask) },
  };
  const progress = stepProgress();
  const result = await runFinetune(job, {
    workerScript: finetuneWorkerScript, signal: interruptSignal('step'),
    onDevice: (_, note) => process.stderr.write(`device: ${note}\n`),
    onStep: (r) => (args.json ? out(JSON.stringify({ step: r.step, loss: r.loss, ms: Math.round(r.ms * 10) / 10 })) : progress(r)),
  });
  const first = result.losses[0]!;
  const last = result.losses[result.losses.length - 1]!;
  if (args.json) {
    out(JSON.stringify({ done: true, model: result.modelPath, steps: result.losses.length, lossFirst: first, lossLast: last }));
  } else {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out(`wrote ${result.modelPath} and ${result.cardPath}: ${result.losses.length} steps on ${result.device}, ` +
      `loss ${formatLoss(first)} → ${formatLoss(last)} in ${seconds} s`);
  }
}

/** The parsed arguments, or null for --help. */
function parseFinetuneArgs(argv: string[]): FinetuneArgs | null {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      mask: { type: 'string' }, model: { type: 'string' }, output: { type: 'string', short: 'o' }, steps: { type: 'string' },
      train: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, device: { type: 'string' },
      threads: { type: 'string' }, json: { type: 'boolean' }, 'max-voxels': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  if (positionals.length === 0) throw new UsageError('finetune needs at least one IMAGE');
  if (!values.mask) throw new UsageError('--mask MASK.nii.gz is required');
  if (!values.model) throw new UsageError('--model MODEL.onnx is required');
  const steps = values.steps === undefined ? DEFAULT_FINETUNE.steps : Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a whole number ≥ 1, got "${values.steps}"`);
  const scope = (values.train ?? DEFAULT_FINETUNE.scope) as TrainScope;
  if (!TRAIN_SCOPES.includes(scope)) throw new UsageError(`--train must be ${TRAIN_SCOPES.join(', ')}, got "${values.train}"`);
  const lr = values.lr === undefined ? DEFAULT_FINETUNE.lr : Number(values.lr);
  if (!Number.isFinite(lr) || lr <= 0) throw new UsageError(`--lr must be a number > 0, got "${values.lr}"`);
  const seed = values.seed === undefined ? DEFAULT_FINETUNE.seed : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${values.seed}"`);
  const maxVoxels = values['max-voxels'] === undefined ? undefined : Number(values['max-voxels']);
  if (maxVoxels !== undefined && (!Number.isInteger(maxVoxels) || maxVoxels < 1)) throw new UsageError(`--max-voxels must be a positive whole number, got "${values['max-voxels']}"`);
  if (values.output !== undefined && !/\.onnx$/i.test(values.output)) throw new UsageError(`${values.output}: the adapted model must be an .onnx file`);
  return {
    images: positionals, mask: values.mask, model: values.model, output: values.output, json: values.json === true, maxVoxels,
    settings: {
      ...DEFAULT_FINETUNE, steps, scope, lr, seed, device: parseDevice(values.device), threads: parseThreads(values.threads),
    },
  };
}

/** A stored-axes spacing along the model's axes. */
function modelAxes(spacing: readonly number[], plan: { readonly sourceAxisOf: readonly number[] }): [number, number, number] {
  return plan.sourceAxisOf.map((a) => spacing[a]!) as [number, number, number];
}

/** The adapted model and its card get their own files: never the base model's, nor an input's. */
function checkOutput(output: string, args: FinetuneArgs): void {
  const written = [output, cardPathFor(output)];
  checkOutputs('finetune', written, [
    { path: args.model, what: 'the base model' }, { path: cardPathFor(args.model), what: "the base model's card" },
    ...args.images.map((path) => ({ path, what: 'an input image' })), { path: args.mask, what: 'the --mask' },
  ]);
  checkOutputFolders(written);
}
