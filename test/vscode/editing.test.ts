// Mask editing end to end in a real VS Code (code-server + chromium): paint with the brush on a LAS-stored file,
// undo with Ctrl+Z and redo with Ctrl+Shift+Z (VS Code's own undo stack, reached through the webview), save with
// Ctrl+S, then read the mask file on disk with the project's NIfTI reader and check its voxels against a brute-force
// disk and the file's geometry against the image's. Finally close and reopen: the saved mask comes back.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { readNiftiFile } from '../../src/core/nifti';
import { naiveEllipsoid, type Vec3 } from '../helpers/labels-reference';
import { voxelOnPage } from '../webview-screen';
import {
  ARTIFACTS, REPO, activeTabDirty, addUserSettings, assertNoErrorNotifications, createSandbox, installExtension, openInCustomEditor,
  openWorkbench, packageVsix, paneTitle, runCommand, settle, sliceBox, startServer, statsVoxels, stepRunner, waitForEditorTab,
  waitForExtension, waitForRendered, waitUntil, webviewFrame, type Sandbox, type Server, type Workbench,
  codeServerHooks,
} from './harness';

const IMAGE = 'markers_las.nii.gz';
const MASK = 'markers_las_seg.nii.gz';
const EXTENSION_ID = 'swinfuse.swinfuse-vscode';
const INFO_COMMAND = 'SwinFUSE: Show NIfTI Header Info';
const MARKERS_DIR = path.join(REPO, 'test', 'fixtures', 'viewer', 'markers');
// nibabel's manifest (make_markers.py): the RAS base array's shape and voxel sizes; the LAS file stores x reversed.
const manifest = JSON.parse(readFileSync(path.join(MARKERS_DIR, 'manifest.json'), 'utf8')) as { shape: Vec3; zooms: Vec3 };
const [X, Y] = manifest.shape;

let sandbox: Sandbox | undefined;
let server: Server | undefined;
let workbench: Workbench | undefined;

const step = stepRunner(() => ({ sandbox, workbench }));

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

codeServerHooks(() => sandbox);

test(`${IMAGE}: brush, Ctrl+Z, Ctrl+Shift+Z, Ctrl+S write the mask beside it with the image's geometry`, { timeout: 9 * 60_000 }, async (t) => {
  const vsix = await step(t, 'package the .vsix', () => packageVsix());
  sandbox = createSandbox([path.join(MARKERS_DIR, IMAGE)]);
  const box = sandbox;
  // Hot exit on (the harness turns it off) and auto save off: a window reload must bring unsaved mask edits back
  // from VS Code's backup, not from a save.
  addUserSettings(box, { 'files.hotExit': 'onExitAndWindowClose', 'files.autoSave': 'off' });
  const imagePath = path.join(box.workspace, IMAGE);
  const maskPath = path.join(box.workspace, MASK);
  const imageHash = sha256(imagePath);
  await step(t, 'install the .vsix', () => installExtension(box, vsix));
  server = await step(t, 'start code-server', () => startServer(box));
  const srv = server;
  workbench = await step(t, 'open the workbench', () => openWorkbench(srv, box));
  const { page } = workbench;
  await step(t, 'extension loaded', () => waitForExtension(page, INFO_COMMAND));

  const open = async (): Promise<Frame> => {
    const { frame } = await step(t, `${IMAGE}: open in the viewer`, () => openInCustomEditor(page, IMAGE, EXTENSION_ID, (l) => t.diagnostic(l)));
    await step(t, `${IMAGE}: first frame`, async () => {
      assert.equal(await waitForEditorTab(page, IMAGE), IMAGE);
      await waitForRendered(frame);
    });
    return frame;
  };
  let frame = await open();
  await step(t, 'a new, empty mask that will save as markers_las_seg.nii.gz', async () => {
    await waitUntil('the mask file shown', async () => (await frame.locator('#swv-mask-file').textContent()) ?? '', (s) => s.includes(MASK));
    assert.equal(await statsVoxels(frame, 1), 0);
    assert.equal(await activeTabDirty(page), false);
  });

  // The brush disk the test expects: every voxel of the axial slice whose centre is within the radius (mm) of the
  // clicked voxel's centre, from the manifest's voxel sizes, by enumeration (test/helpers/labels-reference.ts).
  const slice = await sliceBox(frame, 'axial');
  const [a, b] = [7, 9];
  // A click focuses the pane (keys go to the webview) and puts the crosshair there, with the navigate tool.
  const at = voxelOnPage(slice, X, Y, a, b, false); // radiological: the patient's right (x up) on the screen's left
  await page.mouse.click(at[0], at[1]);
  const z = Number(/^Axial (\d+)\//.exec(await paneTitle(frame, 'axial'))?.[1]) - 1;
  await page.keyboard.press('b');
  await step(t, 'B picks the brush', () => waitUntil('the tool', () => frame.evaluate(() => document.body.dataset.tool ?? ''), (s) => s === 'brush'));
  const radius = Number(await frame.locator('#swv-brush-radius').getAttribute('data-value'));
  assert.ok(radius > 0, `brush radius ${radius}`);
  const expected = naiveEllipsoid([a, b, z], radius, manifest.shape, manifest.zooms, [true, true, false]);
  t.diagnostic(`brush radius ${radius} mm at RAS voxel (${a}, ${b}, ${z}): ${expected.length} voxels expected`);
  assert.ok(expected.length > 4, 'the disk covers several voxels');

  await step(t, 'paint: one click with the brush', async () => {
    await page.mouse.click(at[0], at[1]);
    await waitUntil('label 1 voxels after painting', () => statsVoxels(frame, 1), (n) => n === expected.length);
    await waitUntil('dirty marker after painting', () => activeTabDirty(page), (d) => d);
  });
  await step(t, 'Ctrl+Z undoes the stroke', async () => {
    await page.keyboard.press('Control+z');
    await waitUntil('label 1 voxels after Ctrl+Z', () => statsVoxels(frame, 1), (n) => n === 0);
    await waitUntil('dirty marker after Ctrl+Z', () => activeTabDirty(page), (d) => !d);
  });
  await step(t, 'Ctrl+Shift+Z redoes it', async () => {
    await page.keyboard.press('Control+Shift+z');
    await waitUntil('label 1 voxels after Ctrl+Shift+Z', () => statsVoxels(frame, 1), (n) => n === expected.length);
    await waitUntil('dirty marker after Ctrl+Shift+Z', () => activeTabDirty(page), (d) => d);
  });
  await step(t, 'Ctrl+S saves the mask', async () => {
    await page.keyboard.press('Control+s');
    await waitUntil('dirty marker after Ctrl+S', () => activeTabDirty(page), (d) => !d);
    await waitUntil(`${MASK} on disk`, async () => existsSync(maskPath), (e) => e);
  });
  await settle(frame);
  await page.screenshot({ path: path.join(ARTIFACTS, 'editing-saved.png') });

  await step(t, `${MASK} read back: the brush voxels in the file's LAS storage, the image's geometry`, async () => {
    const [mask, image] = [await readNiftiFile(maskPath), await readNiftiFile(imagePath)];
    assert.deepEqual(mask.shape, image.shape);
    assert.equal(mask.datatype, 'uint8');
    assert.equal(mask.header.intentCode, 1002, 'NIFTI_INTENT_LABEL');
    for (const key of ['qformCode', 'sformCode', 'quatern', 'qoffset', 'pixdim', 'srow'] as const) {
      assert.deepEqual(mask.header[key], image.header[key], `header ${key}`);
    }
    assert.deepEqual(mask.affine, image.affine);
    // The LAS file stores RAS voxel (x, y, z) at (X - 1 - x, y, z) (make_markers.py).
    const want = new Set(expected.map((i) => {
      const [x, y, zz] = [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))];
      return X - 1 - x + X * (y + Y * zz);
    }));
    const data = mask.data as Uint8Array;
    let wrong = 0;
    for (let i = 0; i < data.length; i++) if ((data[i] === 1) !== want.has(i) || (data[i] !== 0 && data[i] !== 1)) wrong++;
    assert.equal(wrong, 0, `${wrong} voxels of ${MASK} differ from the painted disk`);
    assert.equal(sha256(imagePath), imageHash, 'the image file was not written');
  });

  await step(t, 'close the editor and reopen the image: the saved mask is back', async () => {
    await page.keyboard.press('Control+w');
    await page.locator('.tabs-container .tab.active .label-name', { hasText: IMAGE }).waitFor({ state: 'detached', timeout: 20_000 });
    frame = await open();
    await waitUntil('label 1 voxels after reopening', () => statsVoxels(frame, 1), (n) => n === expected.length);
    assert.match((await frame.locator('#swv-mask-file').textContent()) ?? '', new RegExp(MASK.replace(/\./g, '\\.')));
  });

  // Unsaved work survives a window reload: label 2 painted, not saved, reload, and it is still there (and dirty).
  const [a2, b2] = [16, 12];
  const expected2 = naiveEllipsoid([a2, b2, z], radius, manifest.shape, manifest.zooms, [true, true, false]);
  await step(t, 'paint label 2 (the digit 2 picks it) and leave it unsaved', async () => {
    const at2 = voxelOnPage(await sliceBox(frame, 'axial'), X, Y, a2, b2, false);
    await page.mouse.click(at2[0], at2[1]); // navigate after reopening: focus and crosshair
    await page.keyboard.press('b');
    await page.keyboard.press('2');
    await waitUntil('the selected label', () => frame.locator('#swv-labels .swv-label-item[aria-selected="true"]').getAttribute('data-label'), (l) => l === '2');
    await page.mouse.click(at2[0], at2[1]);
    await waitUntil('label 2 voxels after painting', () => statsVoxels(frame, 2), (n) => n === expected2.length);
    await waitUntil('dirty marker', () => activeTabDirty(page), (d) => d);
  });
  await step(t, 'reload the window: the unsaved label 2 comes back from the hot-exit backup', async () => {
    await new Promise((r) => setTimeout(r, 3_000)); // VS Code writes backups of dirty editors after a short delay
    await page.evaluate(() => { (window as unknown as { __beforeReload?: boolean }).__beforeReload = true; });
    await runCommand(page, 'Developer: Reload Window');
    // The old page (and its webview) lingers for a moment: wait for the new document before looking for the editor.
    await page.waitForFunction(() => !(window as unknown as { __beforeReload?: boolean }).__beforeReload, undefined, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    frame = (await webviewFrame(page, EXTENSION_ID, IMAGE, 120_000)).frame;
    await waitForRendered(frame);
    await waitUntil('label 2 voxels after the reload', () => statsVoxels(frame, 2), (n) => n === expected2.length, 60_000);
    assert.equal(await statsVoxels(frame, 1), expected.length, 'the saved label 1 is still there');
    await waitUntil('the dirty marker of the restored editor', () => activeTabDirty(page), (d) => d);
  });
  await step(t, 'Ctrl+S after the reload writes both labels', async () => {
    await frame.locator('#swv-tool-navigate').click(); // focus the viewer without painting
    await page.keyboard.press('Control+s');
    await waitUntil('dirty marker after Ctrl+S', () => activeTabDirty(page), (d) => !d);
    const data = (await readNiftiFile(maskPath)).data as Uint8Array;
    const count = (label: number) => data.reduce((n, v) => n + (v === label ? 1 : 0), 0);
    assert.deepEqual([count(1), count(2)], [expected.length, expected2.length]);
    assert.equal(sha256(imagePath), imageHash, 'the image file was not written');
  });
  await step(t, 'no error notification', () => assertNoErrorNotifications(page));
});
