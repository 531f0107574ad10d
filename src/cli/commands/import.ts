import { parseArgs } from 'node:util';
import { cardPathFor, importCheckpoint, importEncoderCheckpoint, type Arch, type LabelScheme } from '../../core/models';
import { checkOutputFolders, checkOutputs } from '../output-paths';
import { UsageError } from '../usage-error';

export const importUsage = `swinfuse import CHECKPOINT --arch swinunetr|swinfuse --in-channels C --out-channels K
                --feature-size F --roi S [--dim-heads H] [--labels brats|softmax] [--channels a,b,...]
                [--orientation RAS] [--spacing X,Y,Z] [--float16] [--max-tensor-bytes 4G]
                [--encoder-only [--seed N]] -o MODEL.onnx

Converts a MONAI SwinUNETR or SwinFUSE checkpoint (.pt/.pth as torch.save writes it, or .safetensors) into an ONNX
model, and writes its model card MODEL.json beside it. Nothing in the checkpoint is executed.
  --arch           swinunetr, or swinfuse (Swin UNETR with the domain-invariance module)
  --in-channels    input channels C (4 for BraTS)
  --out-channels   output channels K (3 for BraTS: TC, WT, ET)
  --feature-size   F (48 in the paper)
  --roi            the cubic window size S the model runs on, divisible by 32 (96 in the paper)
  --dim-heads      attention heads of the DIM (swinfuse only; default 3)
  --labels         brats (3 sigmoid outputs → labels 1, 2, 4; default) or softmax (argmax over K classes)
  --channels       input channel names in model order (default for BraTS: flair,t1ce,t1,t2)
  --orientation    voxel orientation the model was trained in (default RAS)
  --spacing        voxel size in mm the model was trained at, along that orientation's axes (e.g. 1,1,1); images
                   are resampled to it for inference. Without it the model runs on each image's own grid
  --float16        store weights as float16 (half the file; cast to float32 at load)
  --max-tensor-bytes  the most memory reading the checkpoint's tensors may take (default 4G; K, M, G suffixes)
  --encoder-only   the checkpoint holds a pre-trained Swin encoder only (an SSLHead's swinViT.*, or MONAI's
                   model_swinvit.pt): the decoder and head start fresh (--seed, default 0), and the model must be
                   fine-tuned (swinfuse finetune --train decoder or all) before it segments
  -o, --output     the ONNX file to write (its card goes beside it as MODEL.json); never the checkpoint itself`;

/** "1,1,1" or "2" (isotropic): three voxel sizes in mm. */
function parseSpacing(value: string): [number, number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  const three = parts.length === 1 ? [parts[0]!, parts[0]!, parts[0]!] : parts;
  if (three.length !== 3 || three.some((v) => !Number.isFinite(v) || v <= 0 || v >= 100)) {
    throw new UsageError(`--spacing must be three voxel sizes in mm such as 1,1,1 (or one for all axes), got "${value}"`);
  }
  return three as [number, number, number];
}

/** "4G", "256M", "512K" or a number of bytes. */
function parseByteSize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B?)?$/i.exec(value.trim());
  const unit = m?.[2]?.[0]?.toUpperCase();
  const n = m ? Number(m[1]) * (unit === 'K' ? 2 ** 10 : unit === 'M' ? 2 ** 20 : unit === 'G' ? 2 ** 30 : 1) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} must be a size such as 4G, 256M or a number of bytes, got "${value}"`);
  return Math.floor(n);
}

function positiveInt(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

export async function runImport(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      arch: { type: 'string' }, 'in-channels': { type: 'string' }, 'out-channels': { type: 'string' },
      'feature-size': { type: 'string' }, roi: { type: 'string' }, 'dim-heads': { type: 'string' },
      labels: { type: 'string' }, channels: { type: 'string' }, orientation: { type: 'string' }, spacing: { type: 'string' },
      float16: { type: 'boolean' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
      'max-tensor-bytes': { type: 'string' }, 'encoder-only': { type: 'boolean' }, seed: { type: 'string' },
    },
  });
  if (values.help) return out(importUsage);
  if (positionals.length !== 1) throw new UsageError(`import takes exactly one CHECKPOINT, got ${positionals.length}`);
  const arch = values.arch;
  if (arch !== 'swinunetr' && arch !== 'swinfuse') throw new UsageError(`--arch must be swinunetr or swinfuse, got "${arch ?? ''}"`);
  const labels = values.labels ?? 'brats';
  if (labels !== 'brats' && labels !== 'softmax') throw new UsageError(`--labels must be brats or softmax, got "${labels}"`);
  if (!values.output) throw new UsageError('-o MODEL.onnx is required');
  if (!/\.onnx$/i.test(values.output)) throw new UsageError(`the output must end in .onnx, got "${values.output}"`);
  if (values['dim-heads'] !== undefined && arch !== 'swinfuse') throw new UsageError('--dim-heads applies to --arch swinfuse only');
  const written = [values.output, cardPathFor(values.output)];
  checkOutputs('import', written, [{ path: positionals[0]!, what: 'the checkpoint' }]);
  checkOutputFolders(written);
  const maxTensorBytes = values['max-tensor-bytes'] === undefined ? undefined : parseByteSize(values['max-tensor-bytes'], '--max-tensor-bytes');

  if (values.seed !== undefined && !values['encoder-only']) throw new UsageError('--seed applies to --encoder-only (it seeds the fresh decoder)');
  if (values['encoder-only'] && values.float16) throw new UsageError('--float16 and --encoder-only exclude each other: fine-tune first, then store the trained model');
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got "${values.seed}"`);

  const started = performance.now();
  const request = {
    checkpoint: positionals[0]!,
    config: {
      arch: arch as Arch,
      inChannels: positiveInt(values['in-channels'], '--in-channels'),
      outChannels: positiveInt(values['out-channels'], '--out-channels'),
      featureSize: positiveInt(values['feature-size'], '--feature-size'),
      roi: positiveInt(values.roi, '--roi'),
      ...(arch === 'swinfuse' ? { dimHeads: values['dim-heads'] === undefined ? 3 : positiveInt(values['dim-heads'], '--dim-heads') } : {}),
    },
    labels: labels as LabelScheme,
    output: values.output,
    ...(values.channels ? { channels: values.channels.split(',').map((s) => s.trim()) } : {}),
    ...(values.orientation ? { orientation: values.orientation.toUpperCase() } : {}),
    ...(values.spacing !== undefined ? { spacing: parseSpacing(values.spacing) } : {}),
    limits: { ...(maxTensorBytes === undefined ? {} : { maxTensorBytes }), onNote: (note: string) => process.stderr.write(`note: ${note}\n`) },
  };
  const result = values['encoder-only']
    ? await importEncoderCheckpoint({ ...request, seed })
    : await importCheckpoint({ ...request, float16: values.float16 ?? false });
  const mib = (result.bytes / 2 ** 20).toFixed(1);
  out(`wrote ${result.modelPath} (${mib} MiB) and ${result.cardPath} in ${((performance.now() - started) / 1000).toFixed(1)} s` +
    `${values['encoder-only'] ? '; its decoder is untrained: fine-tune it (swinfuse finetune --train decoder) before segmenting' : ''}`);
}
