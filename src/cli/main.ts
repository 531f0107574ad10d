import { oneLine } from '../core/io/file-text';
import { NiftiError } from '../core/nifti';
import { CheckpointError } from '../core/checkpoint';
import { finetuneUsage, runFinetuneCommand } from './commands/finetune';
import { importUsage, runImport } from './commands/import';
import { inferUsage, runInfer } from './commands/infer';
import { infoUsage, runInfo } from './commands/info';
import { runSegment, segmentUsage } from './commands/segment';
import { runSynth, synthUsage } from './commands/synth';
import { UsageError } from './usage-error';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly run: (argv: string[], out: (text: string) => void) => Promise<void>;
}

const commands: Readonly<Record<string, Command>> = {
  info: { summary: 'print a NIfTI file\'s header, geometry and value summary', usage: infoUsage, run: runInfo },
  import: { summary: 'convert a SwinUNETR/SwinFUSE PyTorch checkpoint to ONNX with its model card', usage: importUsage, run: runImport },
  segment: { summary: 'segment a scan (one file per channel, or one 4D file) into a label mask', usage: segmentUsage, run: runSegment },
  finetune: { summary: 'adapt a model to one corrected case (scan + mask) and write it under a new name', usage: finetuneUsage, run: runFinetuneCommand },
  infer: { summary: 'raw sliding-window logits of a .npy array, for checking against MONAI', usage: inferUsage, run: runInfer },
  synth: { summary: 'generate a synthetic BraTS-like case (T1, T1ce, T2, FLAIR, CT and labels) from a seed', usage: synthUsage, run: runSynth },
};

const help = `swinfuse: SwinFUSE segmentation tools for NIfTI scans

Usage: swinfuse COMMAND [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run "swinfuse COMMAND --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(text + '\n');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`);
    await command.run(rest, out);
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${describe(err)}\n`);
    return 2;
  }
}

/**
 * One line, no stack: NiftiError already names the file; argument errors point at --help. Whatever a file put into
 * the message, the line carries no control character and stays readable (src/core/io/file-text.ts).
 */
function describe(err: unknown): string {
  return oneLine(describeError(err));
}

function describeError(err: unknown): string {
  if (err instanceof NiftiError || err instanceof CheckpointError) return err.message;
  if (err instanceof UsageError) return `${err.message} (see swinfuse --help)`;
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return `${(err as Error).message} (see swinfuse --help)`;
  return (err as Error)?.message?.split('\n')[0] ?? String(err);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`error: ${describe(err)}\n`); process.exitCode = 2; },
);
