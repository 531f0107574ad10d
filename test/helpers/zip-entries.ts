import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openZip } from '../../src/core/checkpoint';

/** Lists a zip's entries (a .vsix) with the same reader the checkpoint importer uses. */
export function zipEntries(file: string): { name: string }[] {
  return [...openZip(new Uint8Array(readFileSync(file)), file).entries.keys()].map((name) => ({ name }));
}

/** Writes every file entry under dir, refusing entries that would land outside it. */
export function extractZip(file: string, dir: string): void {
  const zip = openZip(new Uint8Array(readFileSync(file)), file);
  for (const name of zip.entries.keys()) {
    if (name.endsWith('/')) continue;
    const target = path.resolve(dir, name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`${file}: entry escapes: ${name}`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, zip.read(name));
  }
}
