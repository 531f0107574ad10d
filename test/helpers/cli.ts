import { spawnSync } from 'node:child_process';
import { cliPath } from './paths';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI (dist/cli.js), as a user would. */
export function runCli(args: string[], timeoutMs = 30_000): CliResult {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start };
}
