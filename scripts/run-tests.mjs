// npm test's runner: every test/*.test.ts with Node's test runner, the spec report on stdout and a TAP copy in
// .tmp/test-report.tap, then the list of skipped tests (scripts/check-skips.mjs; .ci/run re-reads it with --strict).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const report = resolve(root, '.tmp', 'test-report.tap');
mkdirSync(resolve(root, '.tmp'), { recursive: true });
const files = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : readdirSync(resolve(root, 'test')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${report}`, ...files], { cwd: root, stdio: 'inherit' });
const skips = spawnSync(process.execPath, [resolve(root, 'scripts', 'check-skips.mjs'), report], { cwd: root, stdio: 'inherit' });
process.exit(run.status === 0 ? (skips.status ?? 1) : (run.status ?? 1));
