// `npm run test:electron`: the extension in a real desktop VS Code (Electron) through @vscode/test-electron, for
// machines that can download VS Code (it fetches a build from update.code.visualstudio.com into .vscode-test/).
// Where nothing but the npm registry is reachable, use `npm run test:vscode` (code-server) instead.
//
//   npm run test:electron                          # latest stable VS Code
//   VSCODE_VERSION=1.95.0 npm run test:electron    # a given version (the engines minimum)
//   VSCODE_EXECUTABLE=/path/to/code npm run test:electron   # an installed VS Code, no download
//
// It builds the development bundles, loads the checkout itself as the extension (--extensionDevelopmentPath) with
// every other extension disabled, opens a temporary workspace holding a copy of samples/ch2bet.nii.gz and runs
// test/electron/suite.ts in the extension host. (On Linux without a display, run it under xvfb-run.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';

const repo = path.resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const built = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');

  // VS Code require()s the tests module: bundle the suite to CommonJS (the repo itself is ESM).
  const suiteDir = path.join(repo, '.tmp', 'electron-suite');
  mkdirSync(suiteDir, { recursive: true });
  writeFileSync(path.join(suiteDir, 'package.json'), '{ "type": "commonjs" }\n');
  await build({ entryPoints: [path.join(repo, 'test', 'electron', 'suite.ts')], outfile: path.join(suiteDir, 'index.js'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });

  const sandbox = mkdtempSync(path.join(tmpdir(), 'swinfuse-electron-'));
  try {
    const workspace = path.join(sandbox, 'workspace');
    mkdirSync(workspace);
    copyFileSync(path.join(repo, 'samples', 'ch2bet.nii.gz'), path.join(workspace, 'ch2bet.nii.gz'));
    return await runTests({
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
        : { version: process.env.VSCODE_VERSION ?? 'stable' }),
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(suiteDir, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(sandbox, 'user-data'),
        '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust', '--disable-telemetry'],
    });
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
}

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  console.error(`test:electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
