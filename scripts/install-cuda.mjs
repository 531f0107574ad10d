// Adds ONNX Runtime's CUDA 12 execution provider to node_modules/onnxruntime-node by running onnxruntime-node's
// own installer, which downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from nuget.org (not from the npm registry).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ortDir = path.join(root, 'node_modules', 'onnxruntime-node');
const installer = path.join(ortDir, 'script', 'install.js');
const binDir = path.join(ortDir, 'bin', 'napi-v6', process.platform, process.arch);
// The files install-metadata.js lists for 'linux/x64:cuda12'.
const providers = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so',
  'libonnxruntime_providers_tensorrt.so'];
const log = (msg) => console.log(`install:cuda: ${msg}`);
const fail = (msg) => { console.error(`install:cuda: ${msg}`); process.exit(1); };

if (`${process.platform}-${process.arch}` !== 'linux-x64') {
  fail(`onnxruntime-node publishes its CUDA provider for linux-x64 only, not ${process.platform}-${process.arch}. `
    + 'On Windows the bundled runtime already includes DirectML.');
}
if (!existsSync(installer)) fail(`${path.relative(root, installer)} not found; run npm install first.`);
const missing = () => providers.filter((f) => !existsSync(path.join(binDir, f)));
if (missing().length === 0) {
  log(`already installed in ${path.relative(root, binDir)}; nothing to do.`);
  process.exit(0);
}

const { version } = JSON.parse(readFileSync(path.join(ortDir, 'package.json'), 'utf8'));
log(`running onnxruntime-node ${version}'s installer with ONNXRUNTIME_NODE_INSTALL=cuda12.`);
log(`it downloads Microsoft.ML.OnnxRuntime.Gpu.Linux ${version} from https://api.nuget.org (several hundred MB)`);
log(`and copies ${providers.join(', ')} into ${path.relative(root, binDir)}.`);

const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
// ORT 1.30's parseInstallFlag returns undefined for 'cuda12', so the installer takes its default path, which quits
// silently when these npm variables make it look like ORT's own `npm ci`; on linux-x64 that path installs cuda12.
for (const name of ['npm_config_local_prefix', 'npm_package_json', 'ONNXRUNTIME_NODE_INSTALL_CUDA',
  'npm_config_onnxruntime_node_install_cuda']) delete env[name];

const res = spawnSync(process.execPath, [installer], { cwd: ortDir, env, stdio: 'inherit' });
if (res.status !== 0) {
  fail(`the installer failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`}). It needs to reach `
    + 'https://api.nuget.org: check that you are online, or set GLOBAL_AGENT_HTTPS_PROXY for a proxy. '
    + 'The CPU runtime is unaffected.');
}
if (missing().length > 0) fail(`the installer finished but ${missing().join(', ')} are still missing.`);
log('done. The CUDA provider also needs the CUDA 12 and cuDNN libraries that ONNX Runtime expects on the library path.');
log('It stays in this checkout: `npm run package` leaves libonnxruntime_providers_* out of the .vsix.');
