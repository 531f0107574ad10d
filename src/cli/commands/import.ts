import { parseArgs } from 'node:util';
import { cardPathFor, importCheckpoint, type Arch, type LabelScheme } from '../../core/models';
import { checkOutputFolders, checkOutputs } from '../output-paths';
import { UsageError } from '../usage-error';

export const importUsage = `swinfuse import CHECKPOINT --arch swinunetr|swinfuse --in-channels C --out-channels K
                --feature-size F --roi S [--dim-heads H] [--labels brats|softmax] [--channels a,b,...]
                [--orientation RAS] [--float16] [--max-tensor-bytes 4G] -o MODEL.onnx

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
  --float16        store weights as float16 (half the file; cast to float32 at load)
  --max-tensor-bytes  the most memory reading the checkpoint's tensors may take (default 4G; K, M, G suffixes)
  -o, --output     the ONNX file to write (its card goes beside it as MODEL.json); never the checkpoint itself`;

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
      labels: { type: 'string' }, channels: { type: 'string' }, orientation: { type: 'string' },
      float16: { type: 'boolean' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
      'max-tensor-bytes': { type: 'string' },
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

  const started = performance.now();
  const result = await importCheckpoint({
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
    float16: values.float16 ?? false,
    ...(maxTensorBytes === undefined ? {} : { limits: { maxTensorBytes } }),
  });
  const mib = (result.bytes / 2 ** 20).toFixed(1);
  out(`wrote ${result.modelPath} (${mib} MiB) and ${result.cardPath} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
