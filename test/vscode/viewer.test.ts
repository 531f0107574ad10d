// End to end in a real VS Code (code-server + chromium): install the packaged .vsix, open ch2bet.nii.gz from the
// explorer and check that the viewer rendered it. Run with `npm run test:vscode` (not part of `npm test`).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { ensureCodeServer } from './code-server';
import {
  ARTIFACTS, REPO, assertNoErrorNotifications, assertNotBlank, canvasStats, closeAll, createSandbox, installExtension,
  openFromExplorer, openWorkbench, packageVsix, runCommand, saveFailureArtifacts, startServer, waitForEditorTab,
  waitForExtension, waitForNotification, waitForRendered, webviewFrame, type Sandbox, type Server, type Workbench,
} from './harness';

const SCAN = 'ch2bet.nii.gz';
const VIEW_TYPE = 'swinfuse.niftiViewer';
const INFO_COMMAND = 'SwinFUSE: Show NIfTI Header Info';
const EXTENSION_ID = 'swinfuse.swinfuse-vscode';

let sandbox: Sandbox | undefined;
let server: Server | undefined;
let workbench: Workbench | undefined;

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Runs one step of a test; when it throws, the screenshot and logs go to ARTIFACTS before the error goes on. */
async function step<T>(t: TestContext, name: string, fn: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    const value = await fn();
    t.diagnostic(`${name}: ${elapsed(started)}`);
    return value;
  } catch (err) {
    const dir = await saveFailureArtifacts(name.replace(/\W+/g, '-'), sandbox, workbench);
    const consoleErrors = workbench?.consoleErrors.slice(-20).join('\n  ') ?? '';
    t.diagnostic(`${name} failed after ${elapsed(started)}; screenshot and logs in ${path.relative(process.cwd(), dir)}`);
    if (consoleErrors) t.diagnostic(`last console errors:\n  ${consoleErrors}`);
    throw err;
  }
}

before(async () => {
  // Only the npm registry: the first install builds native modules (about a minute); later runs reuse it.
  const install = await ensureCodeServer((line) => console.log(line));
  console.log(install.installed ? `code-server installed in ${install.seconds.toFixed(0)} s` : 'code-server: cached install');
}, { timeout: 20 * 60_000 });

after(async () => {
  const started = Date.now();
  await closeAll(sandbox);
  console.log(`closed the browser, stopped code-server and removed the sandbox in ${elapsed(started)}`);
});

test('opening ch2bet.nii.gz from the explorer renders it in the SwinFUSE viewer', { timeout: 9 * 60_000 }, async (t) => {
  const vsix = await step(t, 'package the .vsix', () => packageVsix());
  sandbox = createSandbox([path.join(REPO, 'samples', SCAN)]);
  const box = sandbox;
  const extensionDir = await step(t, 'install the .vsix', () => installExtension(box, vsix));
  t.diagnostic(`installed ${path.basename(extensionDir)}`);
  server = await step(t, 'start code-server', () => startServer(box));
  const srv = server;
  workbench = await step(t, 'open the workbench', () => openWorkbench(srv, box));
  const { page } = workbench;

  await step(t, 'extension loaded', () => waitForExtension(page, INFO_COMMAND));
  await step(t, `click ${SCAN} in the explorer`, () => openFromExplorer(page, SCAN));
  await step(t, 'editor tab', async () => assert.equal(await waitForEditorTab(page, SCAN), SCAN));
  // The custom editor's webview (our extension's: only it makes webviews here), not VS Code's "binary file"
  // text editor placeholder.
  const { frame } = await step(t, 'the viewer webview', () => webviewFrame(page, EXTENSION_ID));
  await step(t, 'first frame rendered', async () => {
    await waitForRendered(frame);
    assert.equal(await frame.evaluate(() => document.body.dataset.rendered), 'true');
  });

  const drawn = await step(t, 'canvas not blank', async () => {
    const stats = await canvasStats(workbench!, frame);
    t.diagnostic(`canvases: ${stats.map((s) => `${s.width}×${s.height} levels=${s.levels} stdev=${s.stdev.toFixed(1)}`).join(', ')}`);
    return assertNotBlank(stats);
  });
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
  // Not asserted (the workbench itself logs a few offline 404s), but worth a look when something changes.
  t.diagnostic(`console errors so far: ${workbench.consoleErrors.length}`
    + workbench.consoleErrors.slice(0, 5).map((e) => `\n  ${e.slice(0, 200)}`).join(''));

  // For humans: what the test saw.
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'viewer.png') });
  writeFileSync(path.join(ARTIFACTS, 'viewer-canvas.png'), drawn.png);
  t.diagnostic(`screenshot: ${path.relative(process.cwd(), path.join(ARTIFACTS, 'viewer.png'))} (view type ${VIEW_TYPE})`);
});

test('SwinFUSE: Show NIfTI Header Info on the open scan', { timeout: 2 * 60_000 }, async (t) => {
  assert.ok(workbench, 'the workbench did not open');
  const { page } = workbench;
  await step(t, 'run the command from F1', () => runCommand(page, INFO_COMMAND));
  const note = await step(t, 'info notification', () => waitForNotification(page, `${SCAN}: 181 × 217 × 181 voxels`));
  assert.equal(note.severity, 'info');
  assert.match(note.message, /uint8, orientation RAS/);
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
});
