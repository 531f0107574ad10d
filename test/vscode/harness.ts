// A real VS Code for end-to-end tests: code-server (VS Code 1.100 for the browser, Node extension host) with the
// packaged .vsix installed, driven through Debian's chromium by playwright-core. Each step is one function, so later
// tests (brush, undo/redo, save) reuse them:
//
//   packageVsix → createSandbox (copyIntoWorkspace) → installExtension → startServer → openWorkbench
//   → openFromExplorer → waitForEditorTab → webviewFrame (or openInCustomEditor: all three) → waitForRendered
//   → canvasStats / notifications / runCommand
//
// and, inside the viewer's webview, paneBox / sliceBox / edgeLetters / paneTitle, settle, screenshotImage +
// regionStats (pixels as the user sees them), selectOption and typeInto (its @vscode-elements controls).
//
// Everything lives in one temporary sandbox (extensions, user data, workspace, config) and is removed by
// `closeAll`; the processes started here are stopped by their own ids (code-server by its process group), also on
// SIGINT/SIGTERM and at exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { decodePng, type RgbaImage } from '../webview-png';
import { CODE_SERVER_ENTRY, ensureCodeServer } from './code-server';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.SWINFUSE_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots and logs for humans: the success screenshot, and everything useful when a step fails. */
export const ARTIFACTS = path.resolve(process.env.SWINFUSE_VSCODE_ARTIFACTS ?? path.join(REPO, '.tmp', 'vscode-test'));

// Generous for a 2-core machine with software WebGL, but bounded: the whole run stays well under 10 minutes.
export const TIMEOUTS = {
  package: 180_000,
  install: 180_000,
  serverStart: 60_000,
  workbench: 120_000,
  extension: 90_000,
  explorer: 60_000,
  editor: 60_000,
  webview: 90_000,
  rendered: 120_000,
  notification: 30_000,
  stop: 10_000,
};

// Software WebGL2 (SwiftShader through ANGLE) with GPU compositing, nothing phoning home: the flags of
// test/webview-harness.ts. Not --disable-gpu (which docs/vscode-e2e.md suggests): Chromium's software compositor then
// blanks the vertically mirrored part of a WebGL canvas wherever an element overlaps it (here: the viewer's help panel
// over the coronal pane blanked the bottom of the 3D pane), so pixel checks could not be trusted.
// SWINFUSE_CHROMIUM_ARGS (space-separated) replaces them.
export const CHROMIUM_ARGS = process.env.SWINFUSE_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? ['--no-sandbox',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--no-first-run'];

/** User settings for a quiet, deterministic workbench. */
const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'editor.accessibilitySupport': 'off',
  'files.hotExit': 'off',
};

// ---------------------------------------------------------------------------------------------------------------
// Processes: every one started here is tracked and stopped by id, whatever way the run ends.

const children = new Set<ChildProcess>();
const browsers = new Set<Browser>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // its own process group (spawned detached): the server and what it forked
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sandboxes = new Set<string>();

process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
  for (const root of sandboxes) {
    try { rmSync(root, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of children) killGroup(child, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

/** Stops a process group: SIGTERM, then SIGKILL if it is still there after TIMEOUTS.stop. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (!children.has(child) || child.pid === undefined) return;
  const pid = child.pid;
  killGroup(child, 'SIGTERM');
  const deadline = Date.now() + TIMEOUTS.stop;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(child, 'SIGKILL');
  while (groupAlive(pid) && Date.now() < deadline + 5_000) await sleep(100);
  children.delete(child);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

/** Builds the .vsix for this platform with `npm run package` (production bundles), or takes SWINFUSE_VSIX. */
export function packageVsix(): string {
  if (process.env.SWINFUSE_VSIX) return path.resolve(process.env.SWINFUSE_VSIX);
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(REPO, `swinfuse-vscode-${process.platform}-${process.arch}-${version}.vsix`);
  const res = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'package.mjs')], {
    cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'], timeout: TIMEOUTS.package,
  });
  if (res.status !== 0) throw new Error(`npm run package failed (${res.error?.message ?? res.status ?? res.signal})`);
  if (!existsSync(vsix)) throw new Error(`npm run package did not write ${vsix}`);
  return vsix;
}

export interface Sandbox {
  readonly root: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly workspace: string;
  /** code-server's config file, so it never writes ~/.config/code-server. */
  readonly config: string;
  /** code-server's stdout and stderr. */
  readonly serverLog: string;
}

/** A fresh temporary sandbox; the workspace folder gets copies of `files` (absolute paths). */
export function createSandbox(files: readonly string[]): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'swinfuse-vscode-'));
  sandboxes.add(root);
  const sandbox: Sandbox = {
    root,
    extensionsDir: path.join(root, 'extensions'),
    userDataDir: path.join(root, 'user-data'),
    workspace: path.join(root, 'workspace'),
    config: path.join(root, 'config.yaml'),
    serverLog: path.join(root, 'code-server.log'),
  };
  for (const dir of [sandbox.extensionsDir, path.join(sandbox.userDataDir, 'User'), sandbox.workspace]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(path.join(sandbox.userDataDir, 'User', 'settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  writeFileSync(sandbox.config, 'auth: none\ncert: false\n');
  for (const file of files) copyIntoWorkspace(sandbox, file);
  return sandbox;
}

/** Merges `settings` into the sandbox's user settings (before code-server starts). */
export function addUserSettings(sandbox: Sandbox, settings: Record<string, unknown>): void {
  const file = path.join(sandbox.userDataDir, 'User', 'settings.json');
  writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...settings }, null, 2)}\n`);
}

/** Copies a file into the sandbox's workspace folder, under `name` (default: its own); returns the copy's path. */
export function copyIntoWorkspace(sandbox: Sandbox, file: string, name = path.basename(file)): string {
  const target = path.join(sandbox.workspace, name);
  copyFileSync(file, target);
  return target;
}

function serverArgs(sandbox: Sandbox): string[] {
  return [CODE_SERVER_ENTRY, '--config', sandbox.config, '--auth', 'none', '--user-data-dir', sandbox.userDataDir,
    '--extensions-dir', sandbox.extensionsDir, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'];
}

function serverEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  // code-server keeps logs and state under XDG folders; keep them in the sandbox.
  return { ...process.env, XDG_CONFIG_HOME: path.join(sandbox.root, 'xdg-config'),
    XDG_DATA_HOME: path.join(sandbox.root, 'xdg-data'), XDG_CACHE_HOME: path.join(sandbox.root, 'xdg-cache') };
}

/** Installs the .vsix into the sandbox's extensions folder (code-server --install-extension) and checks it is there. */
export async function installExtension(sandbox: Sandbox, vsix: string): Promise<string> {
  // Absolute: code-server runs in the sandbox folder.
  const child = spawnTracked(process.execPath, [...serverArgs(sandbox), '--install-extension', path.resolve(vsix)], sandbox);
  const output: string[] = [];
  child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c))),
    new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`timed out after ${TIMEOUTS.install / 1000} s`), TIMEOUTS.install); }),
  ]);
  clearTimeout(timer);
  await stopProcess(child);
  const text = output.join('');
  if (code !== 0 || !/successfully installed/i.test(text)) {
    throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (${code}):\n${text}`);
  }
  const installed = readdirSync(sandbox.extensionsDir).filter((d) => d.startsWith('swinfuse.swinfuse-vscode-'));
  if (installed.length !== 1) throw new Error(`expected one swinfuse extension in ${sandbox.extensionsDir}, found ${installed.join(', ') || 'none'}`);
  return path.join(sandbox.extensionsDir, installed[0]!);
}

function spawnTracked(cmd: string, args: string[], sandbox: Sandbox): ChildProcess {
  // detached: its own process group, so stopping it also stops the extension host and the other processes it forks.
  const child = spawn(cmd, args, { cwd: sandbox.root, env: serverEnv(sandbox), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => {
    if (child.pid === undefined || !groupAlive(child.pid)) children.delete(child);
  });
  return child;
}

export interface Server {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the server printed so far. */
  log(): string;
}

/** Starts code-server on a free 127.0.0.1 port (port 0, read back from its "listening" line). */
export async function startServer(sandbox: Sandbox): Promise<Server> {
  const child = spawnTracked(process.execPath, [...serverArgs(sandbox), '--bind-addr', '127.0.0.1:0', sandbox.workspace], sandbox);
  const chunks: string[] = [];
  const append = (b: Buffer) => {
    chunks.push(b.toString());
    writeFileSync(sandbox.serverLog, chunks.join(''));
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${TIMEOUTS.serverStart / 1000} s:\n${chunks.join('')}`)),
      TIMEOUTS.serverStart);
    const check = () => {
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(chunks.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${chunks.join('')}`));
    });
  });
  return { url: `http://127.0.0.1:${port}/`, port, process: child, log: () => chunks.join('') };
}

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  /** console errors of the workbench and its webviews, for failure reports. */
  readonly consoleErrors: string[];
  /** The same, with where each came from; those of our webview fail the file (assertNoWebviewConsoleErrors). */
  readonly consoleMessages: ConsoleError[];
}

export interface ConsoleError {
  /** The script or document that logged it (for an uncaught error, the page). */
  readonly url: string;
  readonly text: string;
}

const workbenches = new Set<Workbench>();

// Runs in the workbench page before its scripts: records every notification that ever shows (toasts hide again),
// with its severity, so a test can assert that no error appeared at any time.
const NOTIFICATION_RECORDER = `(() => {
  const seen = new Map();
  window.__swinfuseNotifications = [];
  setInterval(() => {
    for (const item of document.querySelectorAll('.notification-list-item')) {
      const message = item.querySelector('.notification-list-item-message')?.textContent ?? '';
      const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : 'info';
      const key = severity + ':' + message;
      if (message && !seen.has(key)) {
        seen.set(key, true);
        window.__swinfuseNotifications.push({ severity, message });
      }
    }
  }, 200);
})();`;

/** Opens the workbench on the sandbox's workspace folder in chromium and waits until it is up. */
export async function openWorkbench(server: Server, sandbox: Sandbox): Promise<Workbench> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  browsers.add(browser);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const consoleMessages: ConsoleError[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    consoleErrors.push(`[${msg.location().url.slice(0, 80)}] ${msg.text()}`);
    consoleMessages.push({ url: msg.location().url, text: msg.text() });
  });
  page.on('pageerror', (err) => {
    consoleErrors.push(`pageerror: ${err.message}`);
    // An uncaught error names no source; its stack does. One without a stack is counted as ours (pageerror).
    const source = /(https?|vscode-[\w-]+):\/\/[^\s)]+/.exec(err.stack ?? '')?.[0] ?? 'pageerror';
    consoleMessages.push({ url: source, text: `${err.message}\n${err.stack ?? ''}` });
  });
  await page.addInitScript(NOTIFICATION_RECORDER);
  await page.goto(`${server.url}?folder=${encodeURIComponent(sandbox.workspace)}`, { timeout: TIMEOUTS.workbench });
  await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUTS.workbench });
  const workbench = { browser, page, consoleErrors, consoleMessages };
  workbenches.add(workbench);
  return workbench;
}

/**
 * Waits until the workbench knows the extension's contributions, by looking for one of its commands in the command
 * palette. The remote extension host starts a few seconds after the workbench shows; a file opened before that
 * gets VS Code's own editor instead of the custom one, as it would for a user who clicks that early.
 */
export async function waitForExtension(page: Page, commandTitle: string): Promise<void> {
  const deadline = Date.now() + TIMEOUTS.extension;
  const input = page.locator('.quick-input-widget input');
  while (Date.now() < deadline) {
    await focusWorkbench(page);
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: TIMEOUTS.notification });
    await input.fill(`>${commandTitle}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: commandTitle }).first();
    const found = await row.waitFor({ timeout: 2_000 }).then(() => true, () => false);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: TIMEOUTS.notification });
    if (found) return;
    await sleep(1_000);
  }
  throw new Error(`the command "${commandTitle}" did not appear within ${TIMEOUTS.extension / 1000} s: is the extension installed and enabled?`);
}

/** Keys typed while a webview has focus go to its iframe; clicking the status bar's empty end focuses the workbench. */
async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 2, y: 2 } });
}

/** Clicks a file in the EXPLORER tree, as a user would (single click: VS Code's preview editor). */
export async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  const row = page.locator('.explorer-folders-view').getByRole('treeitem', { name: fileName, exact: true });
  await row.waitFor({ timeout: TIMEOUTS.explorer });
  await row.click();
}

/** Waits for the active editor tab to have this title; returns the tab's label text. */
export async function waitForEditorTab(page: Page, title: string): Promise<string> {
  const tab = page.locator('.tabs-container .tab.active .label-name');
  await page.waitForFunction((t) => document.querySelector('.tabs-container .tab.active .label-name')?.textContent === t,
    title, { timeout: TIMEOUTS.editor });
  return (await tab.textContent()) ?? '';
}

export interface Webview {
  /** The extension's HTML document (`#active-frame`). */
  readonly frame: Frame;
  /**
   * The host frame's `purpose` parameter: `webviewView`, `notebookRenderer`, or empty for webview panels and for
   * custom editors (VS Code 1.100 sets `customEditor` only on editors restored from a previous session).
   */
  readonly purpose: string;
}

/**
 * The visible webview of an extension: VS Code puts its content two frames down, `iframe.webview.ready` (the host
 * frame, with VS Code's scripts; its URL names the extension and the webview's purpose) and `#active-frame` (the
 * extension's HTML). `title`: only a webview whose document has this title (the viewer's is the file name), so that
 * a test that opens a second file does not pick up the first one's webview while it goes away.
 */
export async function webviewFrame(page: Page, extensionId: string, title?: string, timeoutMs = TIMEOUTS.webview): Promise<Webview> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const handle of await page.$$('iframe.webview.ready')) {
      const params = new URL((await handle.getAttribute('src')) ?? '', 'http://x/').searchParams;
      if (params.get('extensionId')?.toLowerCase() !== extensionId.toLowerCase() || !(await handle.isVisible())) continue;
      const outer = await handle.contentFrame();
      const frame = await (await outer?.$('#active-frame'))?.contentFrame();
      if (!frame) continue;
      if (title !== undefined && (await frame.title().catch(() => undefined)) !== title) continue;
      return { frame, purpose: params.get('purpose') ?? '' };
    }
    await sleep(250);
  }
  throw new Error(`no visible webview of ${extensionId}${title === undefined ? '' : ` titled "${title}"`}`
    + ` (iframe.webview.ready → #active-frame) within ${timeoutMs / 1000} s`);
}

/**
 * Opens a file from the explorer in an extension's custom editor (whose webview is titled with the file name) and
 * returns that webview. The workbench lists an extension's commands a moment before its custom editors take part in
 * choosing an editor; a file clicked in between opens in VS Code's own editor (its binary-file placeholder), as it
 * would for a user who clicks that early. Then, as that user would, this closes it and clicks again (`log` says so),
 * until TIMEOUTS.webview; a custom editor that never opens still fails.
 */
export async function openInCustomEditor(page: Page, fileName: string, extensionId: string, log: (line: string) => void = () => undefined): Promise<Webview> {
  const deadline = Date.now() + TIMEOUTS.webview;
  for (let attempt = 1; ; attempt++) {
    await openFromExplorer(page, fileName);
    await waitForEditorTab(page, fileName);
    const placeholder = page.locator('.editor-group-container.active .monaco-editor-pane-placeholder');
    while (Date.now() < deadline) {
      const found = await webviewFrame(page, extensionId, fileName, 1_000).catch(() => undefined);
      if (found) return found;
      if (await placeholder.isVisible()) break;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${fileName} did not open in the custom editor of ${extensionId} within ${TIMEOUTS.webview / 1000} s (${attempt} clicks)`);
    }
    log(`${fileName} opened in VS Code's binary-file editor (the custom editor was not registered yet): closing it and clicking again`);
    await page.locator('.tabs-container .tab.active .tab-actions .action-label').first().click();
    await page.locator('.editor-group-container.active .monaco-editor-pane-placeholder').waitFor({ state: 'hidden', timeout: TIMEOUTS.editor });
    await sleep(500);
  }
}

/** Fails unless at least one canvas shows an image rather than one flat colour (a brain slice has hundreds of grey levels). */
export function assertNotBlank(stats: readonly PixelStats[]): PixelStats {
  if (stats.length === 0) throw new Error('the webview shows no canvas');
  const drawn = stats.find((s) => s.levels >= 16 && s.stdev >= 4);
  if (!drawn) throw new Error(`every canvas looks blank: ${JSON.stringify(stats.map(({ png: _png, ...s }) => s))}`);
  return drawn;
}

/** Fails if any error notification showed since the workbench loaded. */
export async function assertNoErrorNotifications(page: Page): Promise<void> {
  const errors = (await notifications(page)).filter((n) => n.severity === 'error');
  if (errors.length > 0) throw new Error(`error notifications appeared: ${errors.map((n) => n.message).join(' | ')}`);
}

/** Waits for the viewer's first frame: the webview sets `document.body.dataset.rendered = 'true'` after it. */
export async function waitForRendered(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => document.body?.dataset.rendered === 'true', undefined, { timeout: TIMEOUTS.rendered });
}

export interface PixelStats {
  readonly width: number;
  readonly height: number;
  /** distinct grey levels (0-255) among the pixels. */
  readonly levels: number;
  /** standard deviation of the grey level. */
  readonly stdev: number;
  readonly png: Buffer;
}

/**
 * Grey-level statistics of each visible canvas in a frame, from screenshots (what the user sees, WebGL included;
 * reading a WebGL canvas back from script would need preserveDrawingBuffer). Chromium decodes the PNGs.
 */
export async function canvasStats(workbench: Workbench, frame: Frame): Promise<PixelStats[]> {
  const stats: PixelStats[] = [];
  const decoder = await workbench.page.context().newPage();
  try {
    for (const canvas of await frame.$$('canvas')) {
      const box = await canvas.boundingBox();
      if (!box || box.width < 16 || box.height < 16) continue;
      const png = await canvas.screenshot({ timeout: 30_000 });
      const s = await decoder.evaluate(async (b64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        const hist = new Array<number>(256).fill(0);
        let sum = 0;
        let sum2 = 0;
        const n = data.length / 4;
        for (let i = 0; i < data.length; i += 4) {
          const g = Math.round(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
          hist[g]!++;
          sum += g;
          sum2 += g * g;
        }
        const mean = sum / n;
        return { width: c.width, height: c.height, levels: hist.filter((h) => h > 0).length,
          stdev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
      }, png.toString('base64'));
      stats.push({ ...s, png });
    }
  } finally {
    await decoder.close();
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------
// Inside the viewer's webview. Boxes are in the workbench page's CSS pixels (Playwright gives a frame's element
// boxes in the top page's coordinates), so they index page screenshots directly (device scale factor 1).

export type SliceView = 'axial' | 'coronal' | 'sagittal';
export type Edge = 'left' | 'right' | 'top' | 'bottom';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function pane(frame: Frame, view: string) {
  return frame.locator(`.swv-pane[data-view="${view}"]`);
}

/** A pane's box on the page. */
export async function paneBox(frame: Frame, view: string): Promise<Box> {
  const box = await pane(frame, view).boundingBox();
  if (!box) throw new Error(`the viewer shows no ${view} pane`);
  return box;
}

/** Where a 2D pane's slice image lands on the page: the pane's `data-slice-rect` (pane-local CSS px) moved onto it. */
export async function sliceBox(frame: Frame, view: SliceView): Promise<Box> {
  const at = await paneBox(frame, view);
  const rect = await pane(frame, view).getAttribute('data-slice-rect');
  const [left, top, width, height] = (rect ?? '').split(',').map(Number);
  if (![left, top, width, height].every((v) => Number.isFinite(v))) throw new Error(`the ${view} pane's data-slice-rect is "${rect}"`);
  return { x: at.x + left!, y: at.y + top!, width: width!, height: height! };
}

/** The orientation letters on a 2D pane's four edges. */
export async function edgeLetters(frame: Frame, view: SliceView): Promise<Record<Edge, string>> {
  const out = {} as Record<Edge, string>;
  for (const edge of ['left', 'right', 'top', 'bottom'] as const) {
    out[edge] = ((await pane(frame, view).locator(`[data-edge="${edge}"]`).textContent()) ?? '').trim();
  }
  return out;
}

/** A pane's title, e.g. "Axial 91/181". */
export async function paneTitle(frame: Frame, view: string): Promise<string> {
  return ((await pane(frame, view).locator('.swv-pane-title').textContent()) ?? '').trim();
}

/** Lets the webview draw what its last state change scheduled (two animation frames), before a screenshot. */
export async function settle(frame: Frame): Promise<void> {
  await frame.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

/** The workbench page as the user sees it, WebGL included, decoded. */
export async function screenshotImage(page: Page): Promise<RgbaImage> {
  return decodePng(await page.screenshot({ type: 'png', timeout: 30_000 }));
}

export interface RegionStats {
  /** pixels inside the box (and the image). */
  readonly count: number;
  /** mean grey level (0-255, luma). */
  readonly mean: number;
  readonly stdev: number;
}

/** The integer pixel bounds of a page box, clipped to the image. */
function pixelBounds(image: RgbaImage, box: Box): [number, number, number, number] {
  return [Math.max(0, Math.ceil(box.x)), Math.max(0, Math.ceil(box.y)),
    Math.min(image.width, Math.floor(box.x + box.width)), Math.min(image.height, Math.floor(box.y + box.height))];
}

/** Grey-level statistics of the pixels of a page box (clipped to the image). */
export function regionStats(image: RgbaImage, box: Box): RegionStats {
  const [x0, y0, x1, y1] = pixelBounds(image, box);
  let count = 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * image.width + x) * 4;
      const grey = 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
      count++;
      sum += grey;
      sum2 += grey * grey;
    }
  }
  const mean = count ? sum / count : 0;
  return { count, mean, stdev: Math.sqrt(Math.max(0, count ? sum2 / count - mean * mean : 0)) };
}

/** How many pixels of a page box (clipped to the image) pass a test on their red, green and blue. */
export function countPixels(image: RgbaImage, box: Box, test: (r: number, g: number, b: number) => boolean): number {
  const [x0, y0, x1, y1] = pixelBounds(image, box);
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * image.width + x) * 4;
      if (test(image.data[o]!, image.data[o + 1]!, image.data[o + 2]!)) n++;
    }
  }
  return n;
}

/** Mean absolute difference of the grey level between two images over a page box (the same size of page). */
export function meanGreyDifference(a: RgbaImage, b: RgbaImage, box: Box): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`screenshots differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  const [x0, y0, x1, y1] = pixelBounds(a, box);
  let n = 0;
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * a.width + x) * 4;
      const ga = 0.299 * a.data[o]! + 0.587 * a.data[o + 1]! + 0.114 * a.data[o + 2]!;
      const gb = 0.299 * b.data[o]! + 0.587 * b.data[o + 1]! + 0.114 * b.data[o + 2]!;
      sum += Math.abs(ga - gb);
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** The part of box `a` inside box `b`. */
export function intersect(a: Box, b: Box): Box {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) };
}

/** Chooses an option of a `vscode-single-select` by its label, as a user would: open it, click the option. */
export async function selectOption(frame: Frame, select: string, label: string): Promise<void> {
  await frame.locator(select).click();
  await frame.locator(select).getByRole('option', { name: label, exact: true }).click();
}

/** Types into a `vscode-textfield` (its input is in the element's shadow root) and presses Enter. */
export async function typeInto(frame: Frame, field: string, text: string): Promise<void> {
  const input = frame.locator(`${field} input`);
  await input.fill(text);
  await input.press('Enter');
}

/** The value a `vscode-textfield` shows. */
export async function fieldValue(frame: Frame, field: string): Promise<string> {
  return frame.locator(`${field} input`).inputValue();
}

export interface Notification {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

/** Every notification shown since the workbench loaded (toasts that hid again included). */
export async function notifications(page: Page): Promise<Notification[]> {
  return page.evaluate(() => (window as unknown as { __swinfuseNotifications?: Notification[] }).__swinfuseNotifications ?? []);
}

/** Waits for a notification whose message contains `text`. */
export async function waitForNotification(page: Page, text: string): Promise<Notification> {
  const deadline = Date.now() + TIMEOUTS.notification;
  while (Date.now() < deadline) {
    const found = (await notifications(page)).find((n) => n.message.includes(text));
    if (found) return found;
    await sleep(200);
  }
  throw new Error(`no notification containing "${text}" within ${TIMEOUTS.notification / 1000} s; saw: ${JSON.stringify(await notifications(page))}`);
}

/** Voxels of a label as the viewer's statistics panel counts them (0 when the label has no row). */
export async function statsVoxels(frame: Frame, label: number): Promise<number> {
  const text = await frame.locator(`#swv-stats tr[data-label="${label}"]`).first().getAttribute('data-voxels', { timeout: 1_000 }).catch(() => null);
  return Number(text ?? 0);
}

/** Whether VS Code marks the active editor tab as having unsaved changes. */
export async function activeTabDirty(page: Page): Promise<boolean> {
  return page.locator('.tabs-container .tab.active').evaluate((tab) => tab.classList.contains('dirty'));
}

/** Runs a command from the command palette (F1, its title, Enter), as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: TIMEOUTS.notification });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: TIMEOUTS.notification });
  await page.keyboard.press('Enter');
}

// ---------------------------------------------------------------------------------------------------------------
// Test steps

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

export type Step = <T>(t: TestContext, name: string, fn: () => Promise<T> | T) => Promise<T>;

/**
 * A test file's step runner: each step reports its time, and when one throws, its screenshot and logs go to
 * ARTIFACTS before the error goes on. `current` gives the file's sandbox and workbench as they are at that moment.
 */
export function stepRunner(current: () => { sandbox?: Sandbox | undefined; workbench?: Workbench | undefined }): Step {
  return async (t, name, fn) => {
    const started = Date.now();
    try {
      const value = await fn();
      t.diagnostic(`${name}: ${elapsed(started)}`);
      return value;
    } catch (err) {
      const { sandbox, workbench } = current();
      const dir = await saveFailureArtifacts(name.replace(/\W+/g, '-'), sandbox, workbench);
      const consoleErrors = workbench?.consoleErrors.slice(-20).join('\n  ') ?? '';
      t.diagnostic(`${name} failed after ${elapsed(started)}; screenshot and logs in ${path.relative(process.cwd(), dir)}`);
      if (consoleErrors) t.diagnostic(`last console errors:\n  ${consoleErrors}`);
      throw err;
    }
  };
}

/** Waits until `read` returns something `ok` accepts; fails with the last value read. */
export async function waitUntil<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs / 1000} s`);
    await sleep(100);
    value = await read();
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Artifacts and teardown

export async function saveScreenshot(page: Page, name: string): Promise<string | undefined> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15_000 });
    return file;
  } catch {
    return undefined;
  }
}

/** On failure: the workbench screenshot, code-server's log and the VS Code logs (extension host…) into ARTIFACTS. */
export async function saveFailureArtifacts(step: string, sandbox: Sandbox | undefined, workbench: Workbench | undefined): Promise<string> {
  const dir = path.join(ARTIFACTS, `failure-${new Date().toISOString().replace(/[:.]/g, '-')}-${step}`);
  mkdirSync(dir, { recursive: true });
  if (workbench) {
    await workbench.page.screenshot({ path: path.join(dir, 'workbench.png'), timeout: 15_000 }).catch(() => undefined);
    writeFileSync(path.join(dir, 'console-errors.txt'), workbench.consoleErrors.join('\n'));
    const notes = await notifications(workbench.page).catch(() => []);
    writeFileSync(path.join(dir, 'notifications.json'), JSON.stringify(notes, null, 2));
  }
  if (sandbox) {
    if (existsSync(sandbox.serverLog)) copyFileSync(sandbox.serverLog, path.join(dir, 'code-server.log'));
    const logs = path.join(sandbox.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(dir, 'vscode-logs'), { recursive: true });
  }
  return dir;
}

/** Closes the browsers, stops every process started here and removes the sandbox. */
export async function closeAll(sandbox: Sandbox | undefined): Promise<void> {
  for (const browser of browsers) {
    await browser.close().catch(() => undefined);
    browsers.delete(browser);
  }
  for (const child of [...children]) await stopProcess(child);
  if (sandbox) {
    rmSync(sandbox.root, { recursive: true, force: true, maxRetries: 3 });
    sandboxes.delete(sandbox.root);
  }
}

/**
 * A test file's hooks: code-server installed before its tests (only the npm registry: the first install builds
 * native modules, about a minute; later runs reuse it), and its sandbox closed after them.
 */
export function codeServerHooks(sandbox: () => Sandbox | undefined): void {
  before(async () => {
    const install = await ensureCodeServer((line) => console.log(line));
    console.log(install.installed ? `code-server installed in ${install.seconds.toFixed(0)} s` : 'code-server: cached install');
  }, { timeout: 20 * 60_000 });
  after(async () => {
    const started = Date.now();
    const unexplained = [...workbenches].flatMap(unlistedWebviewErrors);
    workbenches.clear();
    if (unexplained.length > 0) {
      writeFileSync(path.join(ARTIFACTS, `console-errors-${Date.now()}.txt`), unexplained.map((e) => `[${e.url}] ${e.text}`).join('\n'));
    }
    await closeAll(sandbox());
    console.log(`closed the browser, stopped code-server and removed the sandbox in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (unexplained.length > 0) {
      throw new Error(`the viewer's webview logged ${unexplained.length} console error(s) that test/vscode/allowed-console-errors.json ` +
        `does not list:\n  ${unexplained.map((e) => `[${e.url.slice(0, 100)}] ${e.text.slice(0, 300)}`).join('\n  ')}`);
    }
  });
}

// Our webview's scripts and documents: its bundle, and the iframes VS Code hosts webviews in.
const WEBVIEW_SOURCE = /webview|vscode-resource|vscode-cdn|dist\/webview\.js|pageerror/;

/**
 * Console errors of the viewer's webview that test/vscode/allowed-console-errors.json does not list. Each listed
 * pattern carries the reason it is not ours to fix (or not a fault).
 */
export function unlistedWebviewErrors(workbench: Workbench): ConsoleError[] {
  const allowed = (JSON.parse(readFileSync(path.join(REPO, 'test', 'vscode', 'allowed-console-errors.json'), 'utf8')) as {
    allowed: { pattern: string; why: string }[];
  }).allowed.map((a) => new RegExp(a.pattern));
  return workbench.consoleMessages.filter((e) => WEBVIEW_SOURCE.test(e.url) && !allowed.some((a) => a.test(`${e.url} ${e.text}`)));
}

/** The proposal's rows in the viewer's Segmentation panel: label → voxels. */
export async function proposalRows(frame: Frame): Promise<Map<number, number>> {
  const rows = await frame.locator('#swv-proposal tr[data-label]').evaluateAll((trs) => trs.map((tr) => [
    Number(tr.getAttribute('data-label')), Number(tr.getAttribute('data-voxels'))] as [number, number]));
  return new Map(rows);
}
