// Out of the box in a real VS Code (code-server + chromium): a fresh install with no `swinfuse.model` setting
// segments the bundled sample case with the bundled swinfuse-demo model. Open sample_flair.nii.gz, SwinFUSE:
// Segment finds the other three contrasts beside it by their BraTS names, the proposal comes from swinfuse-demo and
// its label counts equal those of `swinfuse segment` on the same file, and Accept all puts them in the mask.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readNiftiFile } from '../../src/core/nifti';
import { runCli } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import {
  addUserSettings, codeServerHooks, createSandbox, installExtension, openInCustomEditor, openWorkbench, packageVsix,
  runCommand, startServer, statsVoxels, stepRunner, waitForEditorTab, waitForExtension, waitForRendered, waitUntil,
  proposalRows, type Sandbox, type Server, type Workbench,
} from './harness';

const EXTENSION_ID = 'swinfuse.swinfuse-vscode';
const SAMPLE = path.join(repoRoot, 'models', 'swinfuse-demo', 'sample');
const CONTRASTS = ['flair', 't1ce', 't1', 't2'];
const RUN_TIMEOUT = 240_000;

let sandbox: Sandbox | undefined;
let server: Server | undefined;
let workbench: Workbench | undefined;
const step = stepRunner(() => ({ sandbox, workbench }));
codeServerHooks(() => sandbox);


test('a fresh install segments the bundled sample with the bundled model, no setting needed', { timeout: 10 * 60_000 }, async (t) => {
  const vsix = await step(t, 'package the .vsix', () => packageVsix());
  sandbox = createSandbox(CONTRASTS.map((c) => path.join(SAMPLE, `sample_${c}.nii.gz`)));
  const box = sandbox;
  const referenceFile = path.join(box.root, 'cli_mask.nii.gz');
  await step(t, 'the reference: swinfuse segment with its default model', () => {
    const r = runCli(['segment', path.join(box.workspace, 'sample_flair.nii.gz'), '-o', referenceFile, '--device', 'cpu', '--threads', '1'], RUN_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
  });
  const expected = new Map<number, number>();
  for (const v of (await readNiftiFile(referenceFile)).data) if (v) expected.set(Number(v), (expected.get(Number(v)) ?? 0) + 1);
  assert.ok(expected.size >= 2, `the CLI's mask holds tumour labels: ${[...expected]}`);

  addUserSettings(box, { 'files.autoSave': 'off', 'swinfuse.inference.device': 'cpu', 'swinfuse.inference.threads': 1 });
  await step(t, 'install the .vsix', () => installExtension(box, vsix));
  server = await step(t, 'start code-server', () => startServer(box));
  const srv = server;
  workbench = await step(t, 'open the workbench', () => openWorkbench(srv, box));
  const { page } = workbench;
  await step(t, 'extension loaded', () => waitForExtension(page, 'SwinFUSE: Show NIfTI Header Info'));
  const { frame } = await step(t, 'open sample_flair.nii.gz in the viewer', () => openInCustomEditor(page, 'sample_flair.nii.gz', EXTENSION_ID, (l) => t.diagnostic(l)));
  await step(t, 'first frame', async () => {
    assert.equal(await waitForEditorTab(page, 'sample_flair.nii.gz'), 'sample_flair.nii.gz');
    await waitForRendered(frame);
  });
  await step(t, 'SwinFUSE: Segment with no model setting', () => runCommand(page, 'SwinFUSE: Segment'));
  await step(t, 'the proposal comes from swinfuse-demo with the CLI\'s label counts', async () => {
    await waitUntil('the proposal panel', () => frame.locator('#swv-proposal[data-proposal-id]').isVisible(), (shown) => shown, RUN_TIMEOUT);
    assert.match(await frame.locator('#swv-proposal-source').innerText(), /swinfuse-demo/);
    assert.deepEqual(await proposalRows(frame), expected);
  });
  await step(t, 'Accept all puts them in the mask', async () => {
    await frame.locator('#swv-accept-all').click();
    for (const [label, n] of expected) await waitUntil(`label ${label} voxels`, () => statsVoxels(frame, label), (v) => v === n);
  });
});
