// Installs code-server (VS Code for the browser, with a Node extension host) into test/vscode/node_modules from this
// folder's own package.json and lockfile, apart from the extension's dependencies. Idempotent: a stamp records what
// was installed, so a second run costs a hash and a few stat calls.
//
// Offline-safe: only the npm registry is contacted. @vscode/ripgrep's postinstall would download rg from GitHub, so
// its download cache is pre-filled with Debian's /usr/bin/rg; native modules (node-pty, kerberos, spdlog, argon2…)
// build from source against the local Node headers.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const HARNESS_DIR = import.meta.dirname;
export const CODE_SERVER_VERSION = '4.100.3';
const CODE_SERVER_DIR = path.join(HARNESS_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
const STAMP = path.join(HARNESS_DIR, 'node_modules', '.swinfuse-code-server.json');
const INSTALL_LOG = path.join(HARNESS_DIR, 'node_modules', '.swinfuse-code-server-install.log');
// What @vscode/ripgrep 1.15.11 (code-server 4.100.3's) looks for in its cache before it downloads.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET: Partial<Record<string, string>> = {
  x64: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
  arm64: 'ripgrep-v13.0.0-10-aarch64-unknown-linux-musl.tar.gz',
};
// Files whose absence means the install is broken even if the stamp is there (the postinstall builds them).
const BUILT = [
  'out/node/entry.js',
  'lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
];

export interface InstallResult {
  /** false when the cached install was reused. */
  readonly installed: boolean;
  readonly seconds: number;
}

function stampValue(): string {
  const lock = readFileSync(path.join(HARNESS_DIR, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  return JSON.stringify({ lock: hash, node: process.version, platform: process.platform, arch: process.arch });
}

export function codeServerInstalled(): boolean {
  if (!existsSync(STAMP) || BUILT.some((f) => !existsSync(path.join(CODE_SERVER_DIR, f)))) return false;
  return readFileSync(STAMP, 'utf8').trim() === stampValue();
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

/**
 * The Debian packages a fresh box lacks for the install and the test (.ci/run installs the same list): chromium
 * drives the workbench, Debian's rg stands in for the one @vscode/ripgrep downloads, kerberos needs the krb5
 * headers, and node-gyp needs a C++ toolchain and Python.
 */
export function missingSystemPackages(): string[] {
  const missing: string[] = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!existsSync('/usr/bin/rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/gssapi/gssapi_krb5.h')) missing.push('libkrb5-dev');
  if (!onPath('g++')) missing.push('g++');
  if (!onPath('make')) missing.push('make');
  if (!onPath('python3')) missing.push('python3');
  return missing;
}

export async function ensureCodeServer(log: (line: string) => void = console.log): Promise<InstallResult> {
  const started = Date.now();
  if (codeServerInstalled()) return { installed: false, seconds: (Date.now() - started) / 1000 };
  if (process.platform !== 'linux') throw new Error('the code-server harness installs on Linux only');
  const asset = RIPGREP_ASSET[process.arch];
  if (!asset) throw new Error(`no ripgrep cache name for arch ${process.arch}`);
  const missing = missingSystemPackages();
  if (missing.length > 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} (apt-get install -y ${missing.join(' ')}; .ci/run does this)`);
  }
  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20 (its postinstall refuses others); this is ${process.version}`);
  }

  // A private TMPDIR holding the ripgrep "download": a tarball with Debian's rg at its top.
  const tmp = mkdtempSync(path.join(tmpdir(), 'swinfuse-code-server-install-'));
  try {
    const pack = path.join(tmp, 'rg-pack');
    mkdirSync(pack);
    copyFileSync('/usr/bin/rg', path.join(pack, 'rg'));
    mkdirSync(path.join(tmp, RIPGREP_CACHE));
    await run('tar', ['-czf', path.join(tmp, RIPGREP_CACHE, asset), '-C', pack, 'rg'], HARNESS_DIR, process.env, log);

    const env: NodeJS.ProcessEnv = {
      ...inheritedEnv(),
      TMPDIR: tmp,
      // node-pty's install script fetches node-gyp through npx.
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ONNXRUNTIME_NODE_INSTALL: 'skip',
      // npm 11 blocks dependencies' install scripts unless approved in the installing project's package.json, and
      // code-server's postinstall runs two nested `npm install`s (lib/vscode, lib/vscode/extensions) whose
      // package.json we do not control, where the native modules are built. This install is isolated in its own
      // folder and pinned by our lockfile and code-server's npm-shrinkwrap.json files, so allow them all here.
      npm_config_dangerously_allow_all_scripts: 'true',
    };
    // node-gyp must build against the running Node's headers, never download them.
    const headers = path.resolve(path.dirname(process.execPath), '..');
    if (!env.npm_config_nodedir) {
      if (!existsSync(path.join(headers, 'include', 'node', 'node.h'))) {
        throw new Error(`no Node headers at ${headers}/include/node (node-gyp would download them): install Node with `
          + 'its headers, or set npm_config_nodedir to a folder holding include/node');
      }
      env.npm_config_nodedir = headers;
    }
    rmSync(STAMP, { force: true });
    log(`code-server: installing ${CODE_SERVER_VERSION} into ${path.relative(process.cwd(), HARNESS_DIR) || '.'}/node_modules `
      + '(its native modules build from source: about a minute on 2 cores)');
    await run('npm', ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], HARNESS_DIR, env, log, INSTALL_LOG);
    const broken = BUILT.filter((f) => !existsSync(path.join(CODE_SERVER_DIR, f)));
    if (broken.length > 0) throw new Error(`code-server install finished without ${broken.join(', ')}`);
    writeFileSync(STAMP, `${stampValue()}\n`);
    const seconds = (Date.now() - started) / 1000;
    log(`code-server: installed in ${seconds.toFixed(0)} s`);
    return { installed: true, seconds };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The environment without what `npm run` exports about the calling project (its prefix, package, approvals). */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_)|^npm_config_(local_prefix|allow_scripts)$/i.test(key)) delete env[key];
  }
  return env;
}

/** Runs a command; with logFile its output goes there and only its tail is shown on failure. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void,
  logFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (logFile) {
        mkdirSync(path.dirname(logFile), { recursive: true });
        writeFileSync(logFile, output);
      }
      if (code === 0) return resolve();
      const tail = output.split('\n').slice(-60).join('\n');
      log(tail);
      reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}) in ${cwd}${logFile ? `; full log: ${logFile}` : ''}`));
    });
  });
}

// `node --import tsx test/vscode/code-server.ts` installs (or checks) code-server on its own.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(HARNESS_DIR, 'code-server.ts')) {
  const result = await ensureCodeServer();
  console.log(result.installed ? `installed in ${result.seconds.toFixed(0)} s` : 'code-server already installed');
}
