// Every command that writes checks its outputs against every file it reads, as the file system sees them
// (src/core/io/same-file.ts), and the folders it writes into, before any long work starts.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sameFilePath as sameFile } from '../core/io/same-file';
import { UsageError } from './usage-error';

/** A file a command reads, and what it is to the command ("an input image", "the base model"). */
export interface ReadFile {
  readonly path: string;
  readonly what: string;
}

/** Refuses an output that is one of the files read, naming both; and two outputs that are one file. */
export function checkOutputs(command: string, outputs: readonly string[], reads: readonly ReadFile[]): void {
  for (const [i, output] of outputs.entries()) {
    const clash = reads.find((r) => sameFile(output, r.path));
    if (clash) {
      const alias = resolve(output) === resolve(clash.path) ? '' : ` (the same file as ${clash.path})`;
      throw new UsageError(`${output} is ${clash.what}${alias}; ${command} never writes over its inputs: choose another output`);
    }
    const twin = outputs.slice(0, i).find((other) => sameFile(other, output));
    if (twin) throw new UsageError(`${output} and ${twin} are one file; give each output its own`);
  }
}

/** Before any long work: the folder each output goes into exists and can be written. */
export function checkOutputFolders(outputs: readonly string[]): void {
  for (const output of outputs) {
    const folder = dirname(resolve(output));
    let isFolder = false;
    try {
      isFolder = statSync(folder).isDirectory();
    } catch {
      throw new UsageError(`cannot write ${output}: its folder ${folder} does not exist`);
    }
    if (!isFolder) throw new UsageError(`cannot write ${output}: ${folder} is not a folder`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw new UsageError(`cannot write ${output}: its folder ${folder} is not writable`);
    }
  }
}
