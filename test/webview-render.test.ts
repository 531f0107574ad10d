// The viewer renders a real brain (ch2bet, 181×217×181) under the host's own HTML and CSP in headless Chromium with
// software WebGL2: it says ready, draws, answers init with 'rendered', marks the body, shows anatomy (not a blank
// canvas) in each view at the physical aspect ratio, and survives a reload and a second init.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { realFixtures, repoRoot } from './helpers/paths';
import { ViewerHarness } from './webview-harness';
import { documentFromFile } from './webview-host';
import { VIEWER_PROTOCOL_VERSION } from '../src/core/viewer-protocol';
import { boxPixels } from './webview-screen';

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

const sources = [join(repoRoot, 'samples', 'ch2bet.nii.gz'), join(realFixtures, 'ch2bet.nii.gz')].filter((f) => existsSync(f));

describe('viewer renders a real scan', () => {
  it('ch2bet: ready, init, rendered, anatomy in every view, no errors or CSP violations', async () => {
    assert.ok(sources.length > 0, 'ch2bet.nii.gz is present');
    const doc = await documentFromFile(sources[0]!, { settings: { layout: '2x2', convention: 'radiological' } });
    const viewer = await harness.open(doc, { width: 1000, height: 760 });
    try {
      const ready = (await viewer.posted()).filter((m) => m.type === 'ready');
      assert.deepEqual(ready, [{ type: 'ready', version: VIEWER_PROTOCOL_VERSION }]);
      await viewer.init();
      const rendered = (await viewer.posted()).find((m) => m.type === 'rendered');
      assert.ok(rendered && rendered.type === 'rendered' && rendered.msFromInit > 0);
      assert.equal(await viewer.page.evaluate(() => document.body.dataset.rendered), 'true');
      assert.ok(Number(await viewer.page.evaluate(() => document.body.dataset.frames)) >= 1);
      const shot = await viewer.screenshot();
      for (const view of ['axial', 'coronal', 'sagittal', '3d']) {
        const box = view === '3d' ? await viewer.paneBox(view) : await viewer.sliceBox(view);
        const px = boxPixels(shot, { x: box.x + 2, y: box.y + 20, width: box.width - 4, height: box.height - 24 });
        const greys = new Set<number>();
        for (let i = 0; i < px.length; i += 3) greys.add(px[i]!);
        assert.ok(greys.size > 40, `${view} shows anatomy (${greys.size} distinct levels)`);
      }
      // 1 mm isotropic: the axial slice is 181 × 217 mm, so its box has that aspect.
      const axial = await viewer.sliceBox('axial');
      assert.ok(Math.abs(axial.width / axial.height - 181 / 217) < 0.01, `aspect ${axial.width / axial.height}`);
      assert.deepEqual(viewer.errors, []);
      assert.deepEqual(await viewer.cspViolations(), []);
      // The crosshair starts at the centre voxel; the status line names it in the file's indices.
      assert.match(await viewer.statusText(), /voxel \[90, 108, 90\]/);
    } finally {
      await viewer.close();
    }
  });

  it('after a reload the webview says ready again, and the new init opens the view where it was left', async () => {
    const doc = await documentFromFile(join(import.meta.dirname, 'fixtures', 'viewer', 'markers', 'markers_lps.nii.gz'));
    const viewer = await harness.open(doc, { width: 700, height: 400 });
    const title = () => viewer.page.locator('.swv-pane[data-view="axial"] .swv-pane-title').textContent();
    try {
      await viewer.init();
      await viewer.init(); // a second init on the same page replaces the document
      assert.equal(await title(), 'Axial 8/16');
      const pane = await viewer.paneBox('axial');
      await viewer.act(() => viewer.page.mouse.move(pane.x + pane.width / 2, pane.y + 30));
      for (let i = 0; i < 3; i++) await viewer.act(() => viewer.page.keyboard.press('ArrowUp'));
      assert.equal(await title(), 'Axial 11/16');
      await viewer.page.waitForFunction(() => sessionStorage.getItem('vscode-state')?.includes('"cursor":[11,9,10]'));
      await viewer.page.reload();
      await viewer.waitForMessage('ready');
      await viewer.init();
      assert.equal(await viewer.page.evaluate(() => document.body.dataset.rendered), 'true');
      assert.equal(await title(), 'Axial 11/16');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a broken init (voxel buffer of the wrong size) is reported to the host and shown, not thrown', async () => {
    const doc = await documentFromFile(join(import.meta.dirname, 'fixtures', 'viewer', 'markers', 'markers_ras.nii.gz'));
    const viewer = await harness.open(doc, { width: 600, height: 300 });
    try {
      await viewer.deliver({ ...doc.init, initial: { ...doc.init.initial, data: new ArrayBuffer(100) } });
      const [error] = await viewer.waitForMessage('error');
      assert.match(error!.type === 'error' ? error!.message : '', /100 bytes of uint8 do not hold 7680 voxels/);
      assert.match(await viewer.page.locator('#swv-message').innerText(), /do not hold/);
      await viewer.init(); // a good init afterwards works
      assert.ok(await viewer.page.locator('#swv-message').isHidden());
    } finally {
      await viewer.close();
    }
  });
});
