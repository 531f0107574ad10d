// Model-assisted segmentation end to end in a real VS Code (code-server + chromium), with a small SwinUNETR imported
// from a MONAI checkpoint by the CLI: SwinFUSE: Segment on a LAS-stored 4D scan → the proposal shows in the viewer
// → Accept all → Ctrl+Z → Ctrl+Shift+Z → Ctrl+S, the saved mask equal voxel for voxel to `swinfuse segment`'s mask
// of the same file (the CLI works in the stored layout, the editor in RAS, so orientation mistakes show); then
// Fine-tune on This Case (2 head steps), Use the New Model, and a Segment whose proposal comes from it. Then a
// run cancelled from the notification leaves the document untouched while the viewer keeps responding, and a 3D
// image alone in its folder gets a message saying which channels the model needs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { readNiftiFile, writeNiftiFile } from '../../src/core/nifti';
import { runCli } from '../helpers/cli';
import { importFixtureModel } from '../helpers/fixture-models';
import { segmentFixtures } from '../helpers/viewer-host';
import {
  activeTabDirty, addUserSettings, copyIntoWorkspace, createSandbox, installExtension, openFromExplorer,
  openInCustomEditor, openWorkbench, packageVsix, paneTitle, runCommand, screenshotImage, sliceBox, startServer,
  statsVoxels, stepRunner, waitForEditorTab, waitForExtension, waitForNotification, waitForRendered, waitUntil,
  type Box, type Sandbox, type Server, type Workbench,
  codeServerHooks, proposalRows,
} from './harness';

const EXTENSION_ID = 'swinfuse.swinfuse-vscode';
const SEGMENT = 'SwinFUSE: Segment';
const IMAGE = 'las_4d.nii.gz';
const BIG = 'big_4d.nii';
const RUN_TIMEOUT = 240_000;

let sandbox: Sandbox | undefined;
let server: Server | undefined;
let workbench: Workbench | undefined;
const step = stepRunner(() => ({ sandbox, workbench }));

codeServerHooks(() => sandbox);

/** Label → voxels, counted in a label volume. */
function countLabels(data: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < data.length; i++) if (data[i]) counts.set(data[i]!, (counts.get(data[i]!) ?? 0) + 1);
  return counts;
}

/** Whether the Segmentation panel shows a proposal (the section stays in the DOM, hidden, when there is none). */
async function proposalShown(frame: Frame): Promise<boolean> {
  return frame.locator('#swv-proposal[data-proposal-id]').isVisible();
}


async function changedPixels(page: Page, box: Box, before: Awaited<ReturnType<typeof screenshotImage>>): Promise<number> {
  const now = await screenshotImage(page);
  let n = 0;
  for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); y++) {
    for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.width); x++) {
      const i = 4 * (y * now.width + x);
      if (Math.abs(now.data[i]! - before.data[i]!) + Math.abs(now.data[i + 1]! - before.data[i + 1]!) + Math.abs(now.data[i + 2]! - before.data[i + 2]!) > 30) n++;
    }
  }
  return n;
}

test('Segment → proposal → accept → undo → redo → save; fine-tune and use the new model; cancel; unresolvable channels', { timeout: 14 * 60_000 }, async (t) => {
  const vsix = await step(t, 'package the .vsix', () => packageVsix());
  sandbox = createSandbox([path.join(segmentFixtures, IMAGE)]);
  const box = sandbox;
  const modelDir = path.join(box.root, 'models');
  mkdirSync(modelDir);
  const model = await step(t, 'import the MONAI SwinUNETR checkpoint with the CLI', () => importFixtureModel('swinunetr_f12', modelDir));
  const referenceFile = path.join(box.root, 'reference_mask.nii.gz');
  await step(t, 'the reference: swinfuse segment on the same file', () => {
    const r = runCli(['segment', path.join(box.workspace, IMAGE), '--model', model, '-o', referenceFile, '--device', 'cpu', '--threads', '1'], RUN_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
  });
  const reference = await readNiftiFile(referenceFile);
  const expected = countLabels(reference.data);
  assert.ok(expected.size >= 2, `the reference mask holds several labels: ${[...expected]}`);

  // A larger 4D scan (non-zero everywhere, so every window runs) for the cancel, and a 3D scan alone in a folder.
  const [bx, by, bz] = [128, 128, 96];
  const noise = new Int16Array(bx * by * bz * 4).map((_, i) => 100 + ((i * 2654435761) >>> 0) % 900);
  await writeNiftiFile(path.join(box.workspace, BIG), { shape: [bx, by, bz, 4], data: noise, geometry: reference.header });
  mkdirSync(path.join(box.workspace, 'single'));
  copyIntoWorkspace(box, path.join(segmentFixtures, 'ras_t2.nii.gz'), path.join('single', 'lonely.nii.gz'));

  addUserSettings(box, {
    'files.autoSave': 'off', 'swinfuse.model': model, 'swinfuse.inference.device': 'cpu', 'swinfuse.inference.threads': 1,
    'swinfuse.finetune.steps': 2, 'swinfuse.finetune.train': 'head',
  });
  await step(t, 'install the .vsix', () => installExtension(box, vsix));
  server = await step(t, 'start code-server', () => startServer(box));
  const srv = server;
  workbench = await step(t, 'open the workbench', () => openWorkbench(srv, box));
  const { page } = workbench;
  await step(t, 'extension loaded', () => waitForExtension(page, 'SwinFUSE: Show NIfTI Header Info'));

  const open = async (name: string): Promise<Frame> => {
    const { frame } = await step(t, `${name}: open in the viewer`, () => openInCustomEditor(page, name, EXTENSION_ID, (l) => t.diagnostic(l)));
    await step(t, `${name}: first frame`, async () => {
      assert.equal(await waitForEditorTab(page, name), name);
      await waitForRendered(frame);
    });
    return frame;
  };

  // 1. Segment, review, accept, undo, redo, save.
  let frame = await open(IMAGE);
  const axial = await sliceBox(frame, 'axial');
  const beforeProposal = await screenshotImage(page);
  await step(t, 'SwinFUSE: Segment from the command palette', () => runCommand(page, SEGMENT));
  await step(t, 'the proposal arrives in the viewer with the reference\'s label counts', async () => {
    await waitUntil('the proposal panel', () => proposalShown(frame), (shown) => shown, RUN_TIMEOUT);
    assert.deepEqual(await proposalRows(frame), expected);
    await waitForNotification(page, `proposal for ${IMAGE}`);
  });
  await step(t, 'the proposal is drawn over the slices (layers listed, pixels changed), the mask still empty', async () => {
    assert.ok(await frame.locator('section.swv-overlay[data-overlay^="Proposal"]').count() >= 1, 'a proposal layer in the Layers panel');
    const changed = await waitUntil('changed pixels in the axial slice', () => changedPixels(page, axial, beforeProposal), (n) => n > 20);
    t.diagnostic(`${changed} axial pixels changed when the proposal arrived`);
    for (const label of expected.keys()) assert.equal(await statsVoxels(frame, label), 0);
    assert.equal(await activeTabDirty(page), false);
  });
  await step(t, 'Accept all: one edit, the mask holds the proposal, the tab is dirty', async () => {
    await frame.locator('#swv-accept-all').click();
    for (const [label, n] of expected) await waitUntil(`label ${label} voxels`, () => statsVoxels(frame, label), (v) => v === n);
    await waitUntil('dirty after accept', () => activeTabDirty(page), (d) => d);
    await waitUntil('the proposal retired', () => proposalShown(frame), (shown) => !shown);
  });
  await step(t, 'Ctrl+Z undoes the accept and brings the proposal back', async () => {
    await page.keyboard.press('Control+z');
    for (const label of expected.keys()) await waitUntil(`label ${label} after undo`, () => statsVoxels(frame, label), (v) => v === 0);
    await waitUntil('clean after undo', () => activeTabDirty(page), (d) => !d);
    await waitUntil('the proposal back', () => proposalShown(frame), (shown) => shown);
  });
  await step(t, 'Ctrl+Shift+Z redoes it', async () => {
    await page.keyboard.press('Control+Shift+z');
    for (const [label, n] of expected) await waitUntil(`label ${label} after redo`, () => statsVoxels(frame, label), (v) => v === n);
    await waitUntil('dirty after redo', () => activeTabDirty(page), (d) => d);
  });
  await step(t, 'Ctrl+S writes las_4d_seg.nii.gz equal to the CLI\'s mask, voxel for voxel, with the image\'s geometry', async () => {
    await page.keyboard.press('Control+s');
    await waitUntil('clean after save', () => activeTabDirty(page), (d) => !d);
    const saved = await readNiftiFile(path.join(box.workspace, 'las_4d_seg.nii.gz'));
    assert.deepEqual(saved.shape, reference.shape);
    assert.deepEqual(saved.affine, reference.affine);
    assert.equal(saved.axcodes, 'LAS');
    let mismatches = 0;
    for (let i = 0; i < reference.data.length; i++) if (saved.data[i] !== reference.data[i]) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} voxels of the saved mask differ from the CLI's`);
  });

  // 1b. Fine-tune on the saved mask, use the new model, and segment with it.
  await step(t, 'SwinFUSE: Fine-tune on This Case → a fine-tuned model, used for the next Segment', async () => {
    await runCommand(page, 'SwinFUSE: Fine-tune on This Case');
    const note = await waitForNotification(page, 'Fine-tuned swinunetr_f12-ft-');
    assert.match(note.message, /from swinunetr_f12 on las_4d\.nii\.gz: loss .* in 2 steps/);
    const newModel = /Fine-tuned (swinunetr_f12-ft-\S+) from/.exec(note.message)![1]!;
    await page.locator('.notification-list-item', { hasText: 'Fine-tuned' }).locator('.monaco-button', { hasText: 'Use the New Model' }).first().click();
    // With a folder open, Use writes the workspace's settings; Segment reads them from then on.
    const workspaceSettings = path.join(box.workspace, '.vscode', 'settings.json');
    await waitUntil('swinfuse.model in the workspace settings', async () => (existsSync(workspaceSettings) ? readFileSync(workspaceSettings, 'utf8') : ''),
      (text) => text.includes(`"swinfuse.model": "${newModel}"`));
    assert.ok(existsSync(path.join(box.userDataDir, 'User', 'globalStorage', 'swinfuse.swinfuse-vscode', 'models', `${newModel}.onnx`)), 'the model is in the user models folder');
    await runCommand(page, SEGMENT);
    await waitUntil('a proposal from the fine-tuned model', () => frame.locator('#swv-proposal-source').textContent(), (s) => (s ?? '').includes(newModel), RUN_TIMEOUT);
    await frame.locator('#swv-discard-proposal').click();
    await waitUntil('the proposal discarded', () => proposalShown(frame), (shown) => !shown);
    assert.equal(await activeTabDirty(page), false, 'fine-tuning and discarding leave the saved mask as it was');
  });

  // 2. Cancel from the notification; the viewer answers clicks while the worker runs.
  frame = await open(BIG);
  await step(t, 'Segment the large scan, then Cancel in the progress notification', async () => {
    const title = await paneTitle(frame, 'coronal');
    await runCommand(page, SEGMENT);
    await waitUntil('the viewer shows windows running', () => frame.locator('#swv-segment-progress').getAttribute('data-done').catch(() => null),
      (d) => d !== null && Number(d) >= 1, RUN_TIMEOUT);
    const total = Number(await frame.locator('#swv-segment-progress').getAttribute('data-total'));
    assert.ok(total > 4, `${total} windows`);
    // Responsive while it runs: a click in the axial view moves the crosshair, so the coronal slice changes.
    const big = await sliceBox(frame, 'axial');
    await page.mouse.click(big.x + big.width * 0.2, big.y + big.height * 0.3);
    await waitUntil('the coronal slice follows the click', () => paneTitle(frame, 'coronal'), (s) => s !== title, 10_000);
    const toast = page.locator('.notification-list-item', { hasText: `segmenting ${BIG}` });
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    const note = await waitForNotification(page, `Segmentation of ${BIG} cancelled`);
    assert.match(note.message, /after \d+ of \d+ windows; the mask is unchanged/);
    assert.equal(note.severity, 'info');
    await waitUntil('the run ends in the viewer', () => frame.locator('#swv-segment-progress').isVisible(), (shown) => !shown);
    assert.equal(await proposalShown(frame), false, 'no proposal');
    assert.equal(await activeTabDirty(page), false, 'the document is untouched');
    for (const label of [1, 2, 4]) assert.equal(await statsVoxels(frame, label), 0);
  });

  // 3. A 3D image with nothing beside it.
  await step(t, 'single/lonely.nii.gz: the model\'s channels cannot be found, and the message says what it needs', async () => {
    await openFromExplorer(page, 'single');
    frame = await open('lonely.nii.gz');
    await runCommand(page, SEGMENT);
    const note = await waitForNotification(page, 'Cannot segment lonely.nii.gz');
    assert.equal(note.severity, 'error');
    assert.match(note.message, /takes 4 channels \(flair, t1ce, t1, t2\); nothing beside lonely\.nii\.gz can be flair, t1ce, t1, t2/);
    assert.equal(await activeTabDirty(page), false);
  });
});
