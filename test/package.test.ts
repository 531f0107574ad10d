import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { extractZip, zipEntries } from './helpers/zip-entries';

const repo = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
const BIN = 'extension/node_modules/onnxruntime-node/bin/napi-v6/';
const NOT_MIRRORED = new Set(['.git', 'node_modules', 'dist', '.tmp', 'out', '.vscode-test']);

// Packaging rebuilds dist/ for production, while other test files run dist/cli.js in parallel: package a mirror
// of the repo (hard links where possible, node_modules linked) so the real dist/ and repo root stay untouched.
let root = '';
before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'swinfuse-package-'));
  mirror(repo, root, true);
  symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'junction');
});
after(() => rmSync(root, { recursive: true, force: true }));

function mirror(from: string, to: string, top: boolean): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (top && (NOT_MIRRORED.has(entry.name) || entry.name.endsWith('.vsix'))) continue;
    // Nested installs (the code-server harness in test/vscode) are never packaged; mirroring them only costs time.
    if (!top && entry.name === 'node_modules') continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(dst);
      mirror(src, dst, false);
    } else if (entry.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), dst);
    } else {
      try { linkSync(src, dst); } catch { copyFileSync(src, dst); }
    }
  }
}

function packageFor(target: string): string {
  const res = spawnSync(process.execPath, ['scripts/package.mjs', '--target', target], {
    cwd: root, encoding: 'utf8', timeout: 600_000,
  });
  assert.equal(res.status, 0, `packaging ${target} failed:\n${res.stdout}\n${res.stderr}`);
  return path.join(root, `swinfuse-vscode-${target}-${version}.vsix`);
}

function checkEntries(names: string[], binDir: string): void {
  // vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
  // dist/package.json marks the CommonJS bundles as such inside an ESM ("type": "module") package.
  const ort = 'node_modules/onnxruntime-node';
  const common = 'node_modules/onnxruntime-common';
  for (const required of ['package.json', 'readme.md', 'LICENSE.txt', 'dist/package.json', 'dist/extension.js',
    'dist/webview.js', 'dist/cli.js', 'dist/inference-worker.js', `${ort}/package.json`, `${ort}/dist/index.js`, `${common}/package.json`,
    `${common}/dist/cjs/index.js`, `${common}/dist/cjs/package.json`,
    `${ort}/bin/napi-v6/${binDir}/onnxruntime_binding.node`]) {
    assert.ok(names.includes(`extension/${required}`), `missing extension/${required}`);
  }
  const misplaced = names.filter((n) => n.startsWith(BIN) && !n.startsWith(`${BIN}${binDir}/`));
  assert.deepEqual(misplaced, [], 'binaries of other platforms');
  const otherModules = names.filter((n) => n.startsWith('extension/node_modules/')
    && !/^extension\/node_modules\/onnxruntime-(node|common)\//.test(n));
  assert.deepEqual(otherModules, [], 'node_modules beyond onnxruntime-node/-common');
  const forbidden = names.filter((n) => /\.ts$/.test(n) || /\.map$/.test(n) || /fixtures/.test(n)
    || /^extension\/(src|test|scripts|bench|samples|dist\/bench)\//.test(n)
    || /^extension\/node_modules\/onnxruntime-node\/(script|lib)\//.test(n)
    || /libonnxruntime_providers_/.test(n));
  assert.deepEqual(forbidden, [], 'sources, tests, maps or installer files in the vsix');
}

/** The files under models/ (bundled models, their cards and sample cases), relative to the repo, with their bytes. */
function bundledModelFiles(dir = path.join(repo, 'models')): { name: string; bytes: number }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a checkout without bundled models
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return bundledModelFiles(full);
    return e.isFile() ? [{ name: path.relative(repo, full).split(path.sep).join('/'), bytes: statSync(full).size }] : [];
  });
}

function checkVsix(target: string, binDir: string, maxMiB: number, log: (msg: string) => void): string {
  const started = Date.now();
  const file = packageFor(target);
  const names = zipEntries(file).map((e) => e.name);
  const mib = statSync(file).size / 2 ** 20;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`${path.basename(file)}: ${names.length} entries, ${mib.toFixed(1)} MiB, packaged in ${seconds} s`);
  checkEntries(names, binDir);
  // Bundled models ship whole, sample case included (.vscodeignore's models/**); float weights barely compress, so
  // the size budget is the one for the code and the runtime plus whatever models/ holds.
  const models = bundledModelFiles();
  for (const m of models) assert.ok(names.includes(`extension/${m.name}`), `missing extension/${m.name}`);
  const budget = maxMiB + models.reduce((sum, m) => sum + m.bytes, 0) / 2 ** 20;
  assert.ok(mib < budget, `${target} vsix is ${mib.toFixed(1)} MiB, over ${budget.toFixed(1)} MiB (${maxMiB} MiB + models/)`);
  // Cross-check the hand-written zip reader where Info-ZIP is installed.
  const unzip = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (unzip.status === 0) assert.deepEqual(unzip.stdout.trim().split('\n').sort(), [...names].sort());
  return file;
}

test('rejects an unsupported target before building', () => {
  const res = spawnSync(process.execPath, ['scripts/package.mjs', '--target', 'darwin-x64'], {
    cwd: repo, encoding: 'utf8',
  });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /unsupported target "darwin-x64"/);
});

test('linux-x64 vsix holds the bundles and only linux/x64 ONNX Runtime binaries', { timeout: 600_000 }, (t) => {
  const file = checkVsix('linux-x64', 'linux/x64', 60, (msg) => t.diagnostic(msg));
  if (`${process.platform}-${process.arch}` !== 'linux-x64') return;
  // The packaged files alone must load: the CommonJS bundle inside the ESM package (with a stub 'vscode') and the
  // native runtime, with nothing leaking in from the repo.
  const dir = mkdtempSync(path.join(tmpdir(), 'swinfuse-vsix-'));
  try {
    extractZip(file, dir);
    const ext = path.join(dir, 'extension');
    const script = `const M = require('node:module'), load = M._load, ids = [];
      const none = () => ({ dispose() {} });
      const vscode = {
        commands: { registerCommand: (id) => (ids.push(id), none()) },
        window: {
          createOutputChannel: none, registerCustomEditorProvider: (viewType) => (ids.push(viewType), none()),
          createTreeView: (view) => (ids.push(view), none()),
        },
        workspace: { onDidChangeConfiguration: none }, Disposable: { from: none },
        Uri: { joinPath: (base, ...parts) => ({ fsPath: [base.fsPath, ...parts].join('/') }) },
      };
      M._load = function (r, ...a) { return r === 'vscode' ? vscode : load.call(this, r, ...a); };
      require(${JSON.stringify(path.join(ext, 'dist', 'extension.js'))}).activate({ subscriptions: [], extensionUri: { fsPath: '/nonexistent/ext' }, globalStorageUri: { fsPath: '/nonexistent/storage' } });
      const ort = require(${JSON.stringify(path.join(ext, 'node_modules', 'onnxruntime-node'))});
      // The packaged inference worker loads onnxruntime too, and answers a job for a missing model with its error.
      const { Worker } = require('node:worker_threads');
      const worker = new Worker(${JSON.stringify(path.join(ext, 'dist', 'inference-worker.js'))});
      worker.on('message', (m) => {
        if (m.type !== 'failed') return;
        process.stdout.write(ids.sort().join() + ' ' + typeof ort.InferenceSession.create + ' ' + m.error.name + ': ' + m.error.problem);
        void worker.terminate();
      });
      worker.postMessage({ type: 'start', cancelFlag: new SharedArrayBuffer(4),
        job: { kind: 'raw', session: { model: 'missing.onnx', device: 'cpu' }, input: new Float32Array(8), shape: [1, 2, 2, 2], overlap: 0.5, sigmaScale: 0.125 } });`;
    const res = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    // Every command, custom editor and view the packaged manifest contributes is registered on activation, and
    // nothing else.
    const contributes = (JSON.parse(readFileSync(path.join(ext, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[]; customEditors: { viewType: string }[]; views: Record<string, { id: string }[]> };
    }).contributes;
    const declared = [...contributes.commands.map((c) => c.command), ...contributes.customEditors.map((e) => e.viewType),
      ...Object.values(contributes.views).flat().map((v) => v.id)].sort();
    assert.equal(res.stdout, `${declared.join()} function ModelFileError: no such model file`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('win32-x64 vsix holds only win32/x64 ONNX Runtime binaries', { timeout: 600_000 }, (t) => {
  checkVsix('win32-x64', 'win32/x64', 80, (msg) => t.diagnostic(msg));
});
