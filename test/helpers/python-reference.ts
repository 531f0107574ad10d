// The independent Python references (Debian's packages, never runtime dependencies). A test that needs one skips with
// the reason this gives, and `.ci/run` fails on that skip unless test/allowed-skips.json lists it with a reason.
import { spawnSync } from 'node:child_process';

/** Debian's python3; SWINFUSE_PYTHON points elsewhere (an empty or missing one shows what CI does without it). */
export const python = process.env.SWINFUSE_PYTHON ?? '/usr/bin/python3';

const known = new Map<string, boolean>();

/** false when `import MODULE` works in Debian's python3, else the skip reason naming the package that provides it. */
export function pythonSkip(module: string, debianPackage = `python3-${module}`): false | string {
  if (!known.has(module)) known.set(module, spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0);
  return known.get(module) ? false : `cross-check skipped: ${debianPackage} is not installed`;
}
