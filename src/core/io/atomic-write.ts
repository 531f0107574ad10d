import { randomBytes } from 'node:crypto';
import { readdirSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `.NAME.<pid>.<8 hex>.tmp`: what writeFileAtomic leaves behind if its process dies between open and rename. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Writes a file so that a crash or a full disk never leaves a half-written file in its place: the bytes go to a
 * temporary file in the same folder (same filesystem, so the rename is atomic), are flushed to disk, and only then
 * replace the target. Temporary files that an earlier, killed process left in the folder are removed first.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  removeAbandonedTempFiles(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`cannot write ${path}: ${err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EACCES' ? 'permission denied' : err.message}`);
    });
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes our temporary files in `folder` whose writing process no longer runs (a `kill -9`, a power cut): they can
 * never be renamed into place, and a model's is as large as the model. A live writer's files are left alone.
 */
export function removeAbandonedTempFiles(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processRuns(pid)) continue;
    try {
      unlinkSync(join(folder, name));
      removed.push(name);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it runs, as another user
  }
}
