// The mask between the viewer and its host (headless Chromium): host undo (the inverse edit) and redo restore the
// pixels and the statistics, a 'mask' resync replaces everything, a refused mask is announced, the stats panel
// matches an independent count, the label picker posts setLabels, and interpolation, island removal and clearing
// a label each post one edit (checked against brute-force references).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeEdit, invertEdit } from '../src/core/labels';
import { ViewerHarness } from './webview-harness';
import {
  AXIAL_Z, ML_PER_VOXEL, SHAPE, axialDisk, axialPoint, clickAxial, expand, indices, openMarkers, setField, statsRow, tool,
  waitForEdits,
} from './webview-editing-helpers';
import { isGrey, near, pixelOnPage } from './webview-screen';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const VOXELS = SHAPE[0] * SHAPE[1] * SHAPE[2];

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

/** Counts a label in a mask the test keeps itself. */
const countOf = (mask: Uint8Array, label: number) => mask.reduce((n, v) => n + (v === label ? 1 : 0), 0);

describe('host edits', () => {
  it('undo (inverse maskEdit) restores pixels and stats; redo brings them back; stats match an independent count', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '3');
      await clickAxial(viewer, 6, 8);
      const [stroke] = await waitForEdits(viewer, 1);
      const mask = new Uint8Array(VOXELS);
      for (const i of axialDisk([6, 8, AXIAL_Z], 3)) mask[i] = 1;
      await viewer.settle();
      let row = await statsRow(viewer, 1);
      assert.equal(row.voxels, countOf(mask, 1));
      assert.ok(Math.abs(row.ml - countOf(mask, 1) * ML_PER_VOXEL) < 1e-9);
      assert.match(row.text, new RegExp((countOf(mask, 1) * ML_PER_VOXEL).toFixed(2)));
      const at = await axialPoint(viewer, 6, 8, 0.3, 0.3);
      assert.ok(near(pixelOnPage(await viewer.screenshot(), at), RED));

      await viewer.act(() => viewer.deliver({ type: 'maskEdit', edit: encodeEdit(invertEdit(stroke!.edit)), cause: 'undo' }));
      assert.ok(isGrey(pixelOnPage(await viewer.screenshot(), at)), 'undo restores the image');
      row = await statsRow(viewer, 1);
      assert.equal(row.voxels, 0);
      assert.equal(row.ml, 0);

      await viewer.act(() => viewer.deliver({ type: 'maskEdit', edit: encodeEdit(stroke!.edit), cause: 'redo' }));
      assert.ok(near(pixelOnPage(await viewer.screenshot(), at), RED), 'redo paints again');
      assert.equal((await statsRow(viewer, 1)).voxels, countOf(mask, 1));
      assert.equal((await viewer.edits()).length, 1, 'host edits are not echoed back');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a mask resync replaces the copy: new pixels, new stats; maskInfo and a refused mask are shown', async () => {
    const initial = new Uint8Array(VOXELS);
    initial.fill(1, 0, 100);
    const { viewer } = await openMarkers(harness, { mask: initial, maskInfo: { refused: 'scan_mask.nii.gz is on another grid' } });
    try {
      assert.equal((await statsRow(viewer, 1)).voxels, 100);
      assert.equal(await viewer.page.locator('#swv-mask-refused').isVisible(), true);
      assert.match(await viewer.page.locator('#swv-mask-refused').innerText(), /refused.*another grid/);
      const replaced = new Uint8Array(VOXELS);
      for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) replaced[x + SHAPE[0] * (y + SHAPE[1] * AXIAL_Z)] = 4;
      await viewer.act(() => viewer.deliver({
        type: 'mask', reason: 'resync', mask: { file: 'markers_ras_mask.nii.gz', exists: true, refused: null, data: replaced.slice().buffer },
      }));
      assert.equal((await statsRow(viewer, 1)).voxels, 0);
      assert.equal((await statsRow(viewer, 4)).voxels, countOf(replaced, 4));
      const shot = await viewer.screenshot();
      assert.ok(near(pixelOnPage(shot, await axialPoint(viewer, 3, 3, 0.3, 0.3)), BLUE));
      assert.ok(isGrey(pixelOnPage(shot, await axialPoint(viewer, 8, 3, 0.3, 0.3))));
      assert.equal(await viewer.page.locator('#swv-mask-refused').isVisible(), false);
      await viewer.act(() => viewer.deliver({ type: 'maskInfo', mask: { file: 'saved_as.nii.gz', exists: true, refused: null } }));
      assert.equal(await viewer.page.locator('#swv-mask-file').innerText(), 'saved_as.nii.gz');
    } finally {
      await viewer.close();
    }
  });
});

describe('label picker', () => {
  it('renaming, recolouring and adding a label post setLabels', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      const name = viewer.page.locator('.swv-label-item[data-label="1"] input[data-role="name"]');
      await name.fill('tumour core');
      await viewer.act(() => name.dispatchEvent('change'));
      let posted = (await viewer.waitForMessage('setLabels', 1)).at(-1) as unknown as { labels: { label: number; name: string; rgb: number[] }[] };
      assert.deepEqual(posted.labels.map((l) => [l.label, l.name]), [[1, 'tumour core'], [2, 'edema'], [4, 'enhancing tumor']]);
      const color = viewer.page.locator('.swv-label-item[data-label="2"] input[data-role="color"]');
      await color.fill('#ff00ff');
      await viewer.act(() => color.dispatchEvent('change'));
      posted = (await viewer.waitForMessage('setLabels', 2)).at(-1) as unknown as typeof posted;
      assert.deepEqual(posted.labels.find((l) => l.label === 2)?.rgb, [255, 0, 255]);
      await setField(viewer, '#swv-new-label', '7');
      await viewer.act(() => viewer.page.locator('#swv-add-label').click());
      posted = (await viewer.waitForMessage('setLabels', 3)).at(-1) as unknown as typeof posted;
      assert.deepEqual(posted.labels.map((l) => l.label), [1, 2, 4, 7]);
      assert.equal(await viewer.page.locator('.swv-label-item[data-label="7"]').getAttribute('aria-selected'), 'true');
      assert.equal(await viewer.page.locator('#swv-stats tr[data-label="7"]').count(), 1);
    } finally {
      await viewer.close();
    }
  });
});

describe('slice and clean-up commands', () => {
  it('interpolate says what it needs, then fills the slices between two edited ones with the same disk', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await viewer.act(() => viewer.page.locator('#swv-interpolate').click());
      assert.match(await viewer.page.locator('#swv-editor-note').innerText(), /needs two edited axial slices/);
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '3');
      await clickAxial(viewer, 12, 9); // slice 7
      const [px, py] = await axialPoint(viewer, 12, 9);
      await viewer.page.mouse.move(px, py);
      for (let k = 0; k < 4; k++) await viewer.act(() => viewer.page.keyboard.press('ArrowDown')); // slice 3
      await clickAxial(viewer, 12, 9);
      await waitForEdits(viewer, 2);
      await viewer.act(() => viewer.page.keyboard.press('i'));
      const edits = await waitForEdits(viewer, 3);
      const interp = edits[2]!;
      assert.equal(interp.label, 'Interpolate');
      const expected = [4, 5, 6].flatMap((z) => axialDisk([12, 9, z], 3)).sort((a, b) => a - b);
      assert.deepEqual(indices(interp.edit), expected);
      assert.ok(expand(interp.edit.after).every((v) => v === 1));
    } finally {
      await viewer.close();
    }
  });

  it('remove islands drops components under N voxels; clear label needs a second click', async () => {
    const initial = new Uint8Array(VOXELS);
    const big = [];
    for (let x = 2; x < 8; x++) for (let y = 2; y < 8; y++) big.push(x + SHAPE[0] * (y + SHAPE[1] * 3));
    for (const i of big) initial[i] = 1;
    const speck = 15 + SHAPE[0] * (15 + SHAPE[1] * 10);
    initial[speck] = 1;
    const { viewer } = await openMarkers(harness, { mask: initial });
    try {
      await setField(viewer, '#swv-islands-min', '5');
      await viewer.act(() => viewer.page.locator('#swv-remove-islands').click());
      const [islands] = await waitForEdits(viewer, 1);
      assert.equal(islands!.label, 'Remove islands');
      assert.deepEqual(indices(islands!.edit), [speck]);
      await viewer.act(() => viewer.page.locator('#swv-clear-label').click());
      assert.equal(await viewer.page.locator('#swv-clear-label').getAttribute('data-armed'), 'true');
      assert.match(await viewer.page.locator('#swv-clear-label').innerText(), /Click again/);
      assert.equal((await viewer.edits()).length, 1, 'one click clears nothing');
      await viewer.act(() => viewer.page.locator('#swv-clear-label').click());
      const cleared = (await waitForEdits(viewer, 2))[1]!;
      assert.equal(cleared.label, 'Clear label');
      assert.deepEqual(indices(cleared.edit), big.sort((a, b) => a - b));
      assert.equal((await statsRow(viewer, 1)).voxels, 0);
    } finally {
      await viewer.close();
    }
  });
});
