// Whether two paths name one file as the file system sees it: after symlinks on both sides (a linked folder, a
// linked file), and by identity (a hard link is the same file under another name). Comparing path strings misses all
// three, and then a write meant for a new file replaces the one it was read from.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The path with every symlink resolved, also when the file itself does not exist yet (its folder may be a link). */
export function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    try {
      return join(realpathSync.native(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The same real path, or (both existing) the same device and inode. */
export function sameFilePath(a: string, b: string): boolean {
  if (realPath(a) === realPath(b)) return true;
  const [ia, ib] = [identity(a), identity(b)];
  return ia !== undefined && ia === ib;
}
