// End to end in a real VS Code (code-server + chromium): install the packaged .vsix, open scans from the explorer and
// check, inside the viewer's webview, what a user sees and does: the first frame, the header command, the three views'
// orientation (edge letters, and by pixels that the patient's right shows on the screen's left), scrolling, zooming,
// windowing, and switching the channels of a BraTS-like case. Run with `npm run test:vscode` (not part of `npm test`).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Frame } from 'playwright-core';
import { writeSampleCase } from '../../scripts/sample-case';
import type { RgbaImage } from '../webview-png';
import { pixelOnPage, voxelOnPage } from '../webview-screen';
import {
  ARTIFACTS, REPO, assertNoErrorNotifications, assertNotBlank, canvasStats, copyIntoWorkspace, countPixels,
  createSandbox, edgeLetters, fieldValue, installExtension, intersect, meanGreyDifference, openInCustomEditor, openWorkbench,
  packageVsix, paneBox, paneTitle, regionStats, runCommand, screenshotImage, selectOption, settle,
  sliceBox, startServer, stepRunner, typeInto, waitForEditorTab, waitForExtension, waitForNotification, waitForRendered, waitUntil,
  type Box, type Sandbox, type Server, type SliceView, type Workbench,
  codeServerHooks,
} from './harness';

const SCAN = 'ch2bet.nii.gz';
const MARKERS = 'markers_las.nii.gz';
const CASE = 'case';
const VIEW_TYPE = 'swinfuse.niftiViewer';
const INFO_COMMAND = 'SwinFUSE: Show NIfTI Header Info';
const EXTENSION_ID = 'swinfuse.swinfuse-vscode';
const MARKERS_DIR = path.join(REPO, 'test', 'fixtures', 'viewer', 'markers');

// The markers fixture (made by nibabel; see its make_markers.py): in RAS voxels of the base array, blocks of known
// value on the patient's right, anterior and superior; markers_las.nii.gz stores the same voxels with x reversed.
const markers = JSON.parse(readFileSync(path.join(MARKERS_DIR, 'manifest.json'), 'utf8')) as {
  shape: [number, number, number];
  background: number;
  markers: Record<'right' | 'anterior' | 'superior', { value: number; box: [number, number][] }>;
};

let sandbox: Sandbox | undefined;
let server: Server | undefined;
let workbench: Workbench | undefined;
/** The ch2bet viewer, once the first test opened it. */
let scanFrame: Frame | undefined;

const step = stepRunner(() => ({ sandbox, workbench }));

/** Opens a file from the explorer and returns its viewer once it drew its first frame. */
async function openViewer(t: TestContext, page: Workbench['page'], file: string): Promise<Frame> {
  // The custom editor's webview (our extension's, titled with the file), not VS Code's "binary file" placeholder.
  const { frame } = await step(t, `${file}: click it in the explorer, the viewer webview`,
    () => openInCustomEditor(page, file, EXTENSION_ID, (line) => t.diagnostic(line)));
  await step(t, `${file}: editor tab`, async () => assert.equal(await waitForEditorTab(page, file), file));
  await step(t, `${file}: first frame rendered`, async () => {
    await waitForRendered(frame);
    assert.equal(await frame.evaluate(() => document.body.dataset.rendered), 'true');
  });
  return frame;
}

const RADIOLOGICAL: Record<SliceView, Record<'left' | 'right' | 'top' | 'bottom', string>> = {
  axial: { left: 'R', right: 'L', top: 'A', bottom: 'P' },
  coronal: { left: 'R', right: 'L', top: 'S', bottom: 'I' },
  sagittal: { left: 'A', right: 'P', top: 'S', bottom: 'I' },
};

async function assertRadiologicalLetters(frame: Frame, file: string): Promise<void> {
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    assert.deepEqual(await edgeLetters(frame, view), RADIOLOGICAL[view], `${file}: ${view} edge letters`);
  }
}

/** Pixels that are grey (r = g = b within 6) and brighter than `above`: image, not the coloured crosshair or letters. */
function brightGrey(image: RgbaImage, box: Box, above: number): number {
  return countPixels(image, box, (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) <= 6 && r > above);
}

codeServerHooks(() => sandbox);

test('opening ch2bet.nii.gz from the explorer renders it in the SwinFUSE viewer', { timeout: 9 * 60_000 }, async (t) => {
  const vsix = await step(t, 'package the .vsix', () => packageVsix());
  sandbox = createSandbox([path.join(REPO, 'samples', SCAN), path.join(MARKERS_DIR, MARKERS)]);
  const box = sandbox;
  // A BraTS-like case beside them (npm run sample:case's, named as BraTS 2021 names a case), for the channel test.
  await step(t, 'write the BraTS-like case', async () => {
    const written = await writeSampleCase(path.join(REPO, 'samples', SCAN), path.join(box.root, 'case-src'));
    for (const file of [...written.channels, written.labels]) {
      const modality = path.basename(file, '.nii.gz');
      copyIntoWorkspace(box, file, `${CASE}_${modality === 'labels' ? 'seg' : modality}.nii.gz`);
    }
  });
  const extensionDir = await step(t, 'install the .vsix', () => installExtension(box, vsix));
  t.diagnostic(`installed ${path.basename(extensionDir)}`);
  server = await step(t, 'start code-server', () => startServer(box));
  const srv = server;
  workbench = await step(t, 'open the workbench', () => openWorkbench(srv, box));
  const { page } = workbench;

  await step(t, 'extension loaded', () => waitForExtension(page, INFO_COMMAND));
  const frame = await openViewer(t, page, SCAN);
  scanFrame = frame;

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

test('ch2bet.nii.gz: three slice views, radiological edge letters', { timeout: 60_000 }, async (t) => {
  assert.ok(workbench && scanFrame, 'the viewer did not open');
  const frame = scanFrame;
  await step(t, 'the three slice panes', async () => {
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      const at = await paneBox(frame, view);
      const slice = await sliceBox(frame, view);
      assert.ok(at.width > 100 && at.height > 100, `${view} pane is ${at.width}×${at.height}`);
      assert.ok(slice.width > 50 && slice.height > 50, `${view} slice is ${slice.width}×${slice.height}`);
    }
    assert.match(await paneTitle(frame, 'axial'), /^Axial 91\/181$/);
    assert.match(await paneTitle(frame, 'coronal'), /^Coronal 109\/217$/);
    assert.match(await paneTitle(frame, 'sagittal'), /^Sagittal 91\/181$/);
  });
  await step(t, 'edge letters (radiological by default)', () => assertRadiologicalLetters(frame, SCAN));
});

test('ch2bet.nii.gz: scroll, zoom and window the axial view with mouse and keys', { timeout: 2 * 60_000 }, async (t) => {
  assert.ok(workbench && scanFrame, 'the viewer did not open');
  const { page } = workbench;
  const frame = scanFrame;
  const axial = await paneBox(frame, 'axial');
  const slice0 = await sliceBox(frame, 'axial');
  // Inside the slice, off its centre (where the crosshair is), on the brain.
  const spot = { x: slice0.x + slice0.width * 0.4, y: slice0.y + slice0.height * 0.4 };

  await step(t, 'scroll: ↑ and the wheel move the axial slice', async () => {
    // A click focuses the pane (keys go to the webview) and moves the crosshair within the axial slice only.
    await page.mouse.click(spot.x, spot.y);
    await settle(frame);
    assert.equal(await paneTitle(frame, 'axial'), 'Axial 91/181');
    const others = [await paneTitle(frame, 'coronal'), await paneTitle(frame, 'sagittal')];
    await page.keyboard.press('ArrowUp');
    await waitUntil('axial title after ↑', () => paneTitle(frame, 'axial'), (s) => s === 'Axial 92/181');
    await page.keyboard.press('PageUp');
    await waitUntil('axial title after PageUp', () => paneTitle(frame, 'axial'), (s) => s === 'Axial 102/181');
    await page.mouse.wheel(0, 100); // down: the previous slice
    await waitUntil('axial title after wheel down', () => paneTitle(frame, 'axial'), (s) => s === 'Axial 101/181');
    assert.deepEqual([await paneTitle(frame, 'coronal'), await paneTitle(frame, 'sagittal')], others, 'the other views stayed');
  });

  await step(t, 'zoom: Ctrl+wheel over the axial pane enlarges its slice', async () => {
    const before = await sliceBox(frame, 'axial');
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    const after = await waitUntil('axial slice rect after Ctrl+wheel', () => sliceBox(frame, 'axial'), (b) => b.width > before.width * 1.1);
    t.diagnostic(`axial slice ${before.width.toFixed(0)}×${before.height.toFixed(0)} → ${after.width.toFixed(0)}×${after.height.toFixed(0)}`);
    assert.ok(Math.abs(after.width / before.width - after.height / before.height) < 1e-3, 'zoomed evenly');
    assert.equal(await paneTitle(frame, 'axial'), 'Axial 101/181', 'zooming did not change the slice');
  });

  await step(t, 'window: typed width and level change the grey levels', async () => {
    const region = intersect(await sliceBox(frame, 'axial'), axial);
    await settle(frame);
    const before = regionStats(await screenshotImage(page), region);
    const [w0, l0] = [await fieldValue(frame, '#swv-window'), await fieldValue(frame, '#swv-level')];
    // ch2bet's auto window is about W 90, L 75; a narrow window high up turns most of the brain dark.
    await typeInto(frame, '#swv-window', '20');
    await typeInto(frame, '#swv-level', '120');
    await waitUntil('the window preset after typing', () => frame.locator('#swv-preset').evaluate((e) => (e as HTMLSelectElement).value), (v) => v === 'custom');
    await settle(frame);
    const typed = regionStats(await screenshotImage(page), region);
    t.diagnostic(`W/L ${w0}/${l0}: mean grey ${before.mean.toFixed(1)}; W/L 20/120: ${typed.mean.toFixed(1)}`);
    assert.equal(await fieldValue(frame, '#swv-window'), '20');
    assert.equal(await fieldValue(frame, '#swv-level'), '120');
    assert.ok(before.mean - typed.mean > 15, `the slice did not darken: mean grey ${before.mean.toFixed(1)} → ${typed.mean.toFixed(1)}`);
    // Right-drag to the right widens the window and up lowers the level: the brain brightens again.
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(spot.x + 100, spot.y - 100, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    const width = Number(await waitUntil('W after right-drag', () => fieldValue(frame, '#swv-window'), (v) => Number(v) > 20));
    assert.ok(Number(await fieldValue(frame, '#swv-level')) < 120, 'dragging up lowered the level');
    await settle(frame);
    const dragged = regionStats(await screenshotImage(page), region);
    t.diagnostic(`right-drag: W ${width}, level ${await fieldValue(frame, '#swv-level')}, mean grey ${dragged.mean.toFixed(1)}`);
    assert.ok(dragged.mean - typed.mean > 15, `right-drag did not brighten the slice: mean grey ${typed.mean.toFixed(1)} → ${dragged.mean.toFixed(1)}`);
  });
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
  await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-interacted.png') });
});

test(`${MARKERS}: the patient's right shows on the screen's left (radiological), anterior up, superior up`, { timeout: 2 * 60_000 }, async (t) => {
  assert.ok(workbench, 'the workbench did not open');
  const { page } = workbench;
  const frame = await openViewer(t, page, MARKERS);
  await step(t, 'edge letters', () => assertRadiologicalLetters(frame, MARKERS));
  await settle(frame);
  const shot = await screenshotImage(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-markers.png') });
  const [X, Y, Z] = markers.shape;
  const { right, anterior, superior } = markers.markers;

  await step(t, "axial: the right marker is on the pane's left half, not its right", async () => {
    const box = await sliceBox(frame, 'axial');
    const leftHalf = { ...box, width: box.width / 2 };
    const rightHalf = { ...box, x: box.x + box.width / 2, width: box.width / 2 };
    // The right marker (value 200) is the only thing that bright; a flipped image would put it on the right half.
    const [onLeft, onRight] = [brightGrey(shot, leftHalf, 200), brightGrey(shot, rightHalf, 200)];
    t.diagnostic(`axial slice ${box.width.toFixed(0)}×${box.height.toFixed(0)} px; bright marker pixels: left half ${onLeft}, right half ${onRight}`);
    const [[x0, x1], [y0, y1]] = right.box as [[number, number], [number, number]];
    const expected = (x1 - x0 + 1) * (y1 - y0 + 1) * (box.width / X) * (box.height / Y);
    assert.ok(onLeft > expected * 0.6, `the right marker is not on the left half: ${onLeft} bright pixels there, expected about ${expected.toFixed(0)}`);
    assert.equal(onRight, 0, `bright pixels on the right half: ${onRight}`);
  });

  await step(t, 'probe voxels: each marker where the convention puts it, background at its mirror', async () => {
    // [view, horizontal voxel, vertical voxel, marker, mirror voxel]; the slice's horizontal axis runs to the patient's
    // right (axial, coronal) or anterior (sagittal), and radiological shows both towards the screen's left.
    const dims: Record<SliceView, [number, number]> = { axial: [X, Y], coronal: [X, Z], sagittal: [Y, Z] };
    const probes: [SliceView, number, number, string, number, number][] = [
      ['axial', 19, 5, 'right', X - 1 - 19, 5],
      ['axial', 9, 16, 'anterior', 9, Y - 1 - 16],
      ['coronal', 19, 5, 'right', X - 1 - 19, 5],
      ['coronal', 9, 13, 'superior', 9, Z - 1 - 13],
      ['sagittal', 16, 5, 'anterior', Y - 1 - 16, 5],
    ];
    const values = { right: right.value, anterior: anterior.value, superior: superior.value };
    for (const [view, a, b, what, ma, mb] of probes) {
      const box = await sliceBox(frame, view);
      const [w, h] = dims[view];
      const at = voxelOnPage(box, w, h, a, b, false);
      const mirror = voxelOnPage(box, w, h, ma, mb, false);
      const [marker, background] = [pixelOnPage(shot, at), pixelOnPage(shot, mirror)];
      assert.ok(marker[0] > background[0] + 40, `${view}: the ${what} marker (value ${values[what as keyof typeof values]}) at voxel (${a}, ${b})`
        + ` shows ${marker} at (${at.map((v) => v.toFixed(0))}), its mirror (${ma}, ${mb}) ${background} at (${mirror.map((v) => v.toFixed(0))})`);
    }
  });
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
});

test(`${CASE}_t1.nii.gz: the BraTS channels are listed and switching to flair redraws the slice`, { timeout: 2 * 60_000 }, async (t) => {
  assert.ok(workbench, 'the workbench did not open');
  const { page } = workbench;
  const file = `${CASE}_t1.nii.gz`;
  const frame = await openViewer(t, page, file);
  const options = await step(t, 'the channel selector lists the four modalities', async () => {
    const labels = await frame.locator('#swv-channel').evaluate((e) => Array.from(e.querySelectorAll('vscode-option'), (o) => (o.textContent ?? '').trim()));
    assert.deepEqual(labels, ['t1', 'flair', 't1ce', 't2'], 'the opened file first, then BraTS order');
    assert.equal(await frame.locator('#swv-channel').evaluate((e) => (e as HTMLSelectElement).value), '0');
    return labels;
  });
  t.diagnostic(`channels: ${options.join(', ')}`);
  const axial = intersect(await sliceBox(frame, 'axial'), await paneBox(frame, 'axial'));
  await settle(frame);
  const before = await screenshotImage(page);

  await step(t, `${CASE}_seg.nii.gz shows as a label overlay, on the screen's left`, async () => {
    // The synthetic lesion's edema (label 2, green) crosses the centre axial slice; nothing else there is green. It
    // lies in the right hemisphere (scripts/sample-case.ts), so radiological shows it left of the midline.
    const isGreen = (r: number, g: number, b: number) => g > r + 40 && g > b + 40;
    const left = countPixels(before, { ...axial, width: axial.width / 2 }, isGreen);
    const right = countPixels(before, { ...axial, x: axial.x + axial.width / 2, width: axial.width / 2 }, isGreen);
    t.diagnostic(`green (edema) pixels in the axial slice: left half ${left}, right half ${right}`);
    assert.ok(left > 300, `no label overlay on the left of the axial slice: ${left} green pixels`);
    assert.ok(right * 10 < left, `the lesion is not on the screen's left: ${left} green pixels left, ${right} right`);
  });

  await step(t, 'choose flair in the channel selector', async () => {
    const [w0, l0] = [await fieldValue(frame, '#swv-window'), await fieldValue(frame, '#swv-level')];
    await selectOption(frame, '#swv-channel', 'flair');
    // The window fields follow the channel on screen (each has its own auto window), once its voxels arrived.
    await waitUntil('the window of the channel on screen', async () => [await fieldValue(frame, '#swv-window'), await fieldValue(frame, '#swv-level')],
      ([w, l]) => w !== w0 || l !== l0, 30_000);
    await waitUntil('the status note', async () => (await frame.locator('#swv-status-note').textContent()) ?? '', (s) => s === '', 30_000);
    assert.equal(await frame.locator('#swv-channel').evaluate((e) => (e as HTMLSelectElement).value), '1');
  });
  await settle(frame);
  const after = await screenshotImage(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-case-flair.png') });
  await step(t, 'the axial slice changed', () => {
    const diff = meanGreyDifference(before, after, axial);
    const [a, b] = [regionStats(before, axial), regionStats(after, axial)];
    t.diagnostic(`t1 mean grey ${a.mean.toFixed(1)} → flair ${b.mean.toFixed(1)}; mean |difference| ${diff.toFixed(1)}`);
    assert.ok(diff > 10, `the axial slice hardly changed: mean |difference| ${diff.toFixed(1)}`);
    assert.ok(b.stdev > 10, `the flair slice looks blank: stdev ${b.stdev.toFixed(1)}`);
  });
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
});
