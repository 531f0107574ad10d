// Builds one platform-specific .vsix: production bundles plus onnxruntime-node with only that platform's binaries.
// Usage: node scripts/package.mjs [--target linux-x64|linux-arm64|darwin-arm64|win32-x64|win32-arm64]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// VS Code target -> onnxruntime-node bin folder. ORT 1.30 publishes no darwin-x64, alpine or armhf builds.
const ORT_BIN = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
const BIN_PREFIX = 'node_modules/onnxruntime-node/bin/napi-v6';

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(args, what) {
  const started = Date.now();
  // stdin closed: a vsce y/N prompt must abort, not hang a CI job.
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) fail(`${what} failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`})`);
  console.log(`package: ${what} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function parseTarget(argv) {
  const i = argv.findIndex((a) => a === '--target' || a.startsWith('--target='));
  if (i < 0) return `${process.platform}-${process.arch}`;
  const value = argv[i].includes('=') ? argv[i].slice('--target='.length) : argv[i + 1];
  if (!value) fail('--target needs a value');
  return value;
}

const target = parseTarget(process.argv.slice(2));
const binDir = ORT_BIN[target];
if (!binDir) fail(`unsupported target "${target}"; choose one of ${Object.keys(ORT_BIN).join(', ')}`);

// CUDA/TensorRT providers (from `npm run install:cuda`) are hundreds of MB and need a local CUDA install.
const binFiles = readdirSync(path.join(root, BIN_PREFIX, binDir))
  .filter((f) => !f.startsWith('libonnxruntime_providers_'))
  .filter((f) => statSync(path.join(root, BIN_PREFIX, binDir, f)).isFile());
if (!binFiles.includes('onnxruntime_binding.node')) fail(`${BIN_PREFIX}/${binDir} has no onnxruntime_binding.node`);

run(['scripts/build.mjs', '--production'], 'production build');
for (const f of ['dist/package.json', 'dist/extension.js', 'dist/webview.js', 'dist/cli.js', 'dist/inference-worker.js', 'dist/finetune-worker.js']) {
  if (!existsSync(path.join(root, f))) fail(`${f} missing after the build`);
}

// Same allow-list as .vscodeignore, but with this target's binaries listed file by file instead of all platforms'.
const baseIgnore = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
  .split(/\r?\n/)
  .filter((line) => !line.includes('onnxruntime-node/bin/'));
const ignoreFile = path.join(root, '.tmp', `vscodeignore.${target}`);
mkdirSync(path.dirname(ignoreFile), { recursive: true });
writeFileSync(ignoreFile, [...baseIgnore, `# ${target} only, written by scripts/package.mjs:`,
  ...binFiles.map((f) => `!${BIN_PREFIX}/${binDir}/${f}`), ''].join('\n'));

const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `swinfuse-vscode-${target}-${version}.vsix`);
rmSync(out, { force: true });
run([
  'node_modules/@vscode/vsce/vsce', 'package',
  '--target', target,
  '--out', out,
  '--ignoreFile', ignoreFile,
  // npm (not yarn) lists the production dependency folders; the ignore file then keeps only ORT's.
  '--dependencies', '--no-yarn',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
], 'vsce package');
if (!existsSync(out)) fail(`vsce exited without writing ${out}`);
console.log(`package: wrote ${path.basename(out)} (${(statSync(out).size / 2 ** 20).toFixed(1)} MiB)`);
