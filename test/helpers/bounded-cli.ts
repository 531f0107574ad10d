// Runs the built CLI as a user would, but under bounds a test can assert: a V8 heap limit, a wall-clock limit (a
// generous timeout, not a timing assertion) and the peak resident memory the process reached, read back from it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './paths';

export interface BoundedResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the whole process, MiB (NaN when it was killed before it could say). */
  readonly peakMiB: number;
}

export function runBoundedCli(args: readonly string[], options: { heapMiB?: number; timeoutMs?: number; cwd?: string } = {}): BoundedResult {
  const dir = mkdtempSync(join(tmpdir(), 'swinfuse-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${options.heapMiB ?? 256}`, '--require', join(import.meta.dirname, 'max-rss.cjs'), cliPath, ...args], {
      encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: { ...process.env, SWINFUSE_TEST_RSS_FILE: rssFile },
      cwd: options.cwd, maxBuffer: 64 * 2 ** 20,
    });
    let peakMiB = NaN;
    try {
      peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
    } catch {
      // killed (timeout, out of memory): no figure
    }
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, peakMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
