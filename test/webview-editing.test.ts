// Mask editing in the real viewer (headless Chromium, software WebGL2), checked against independent references: a
// brush click posts ONE edit whose voxels are the brute-force disk around the voxel under the pointer and turns
// those pixels the label's colour; strokes, eraser, sphere, threshold, fill, size keys and wheel, configured
// shortcuts, digits, host undo/redo/resync, the stats panel and the label picker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol';
import { naiveEllipsoid, naiveRegion } from './helpers/labels-reference';
import { ViewerHarness } from './webview-harness';
import {
  AXIAL_Z, SHAPE, SPACING, axialDisk, axialPoint, clickAxial, expand, indices, openMarkers, setField, tool,
  waitForEdits,
} from './webview-editing-helpers';
import { isGrey, near, pixelOnPage } from './webview-screen';

const RED: [number, number, number] = [255, 0, 0];
const idx = (x: number, y: number, z: number) => x + SHAPE[0] * (y + SHAPE[1] * z);

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

describe('brush and eraser', () => {
  it('a click posts one Brush edit equal to the brute-force disk around the voxel under the pointer; pixels turn red', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '3');
      const before = await viewer.screenshot();
      assert.ok(isGrey(pixelOnPage(before, await axialPoint(viewer, 5, 8, 0.3, 0.3))), 'no label there before');
      await clickAxial(viewer, 5, 8);
      const edits = await waitForEdits(viewer, 1);
      assert.equal(edits.length, 1);
      assert.equal(edits[0]!.label, 'Brush');
      const expected = axialDisk([5, 8, AXIAL_Z], 3);
      assert.deepEqual(indices(edits[0]!.edit), expected);
      assert.ok(expand(edits[0]!.edit.after).every((v) => v === 1), 'label 1 written');
      assert.ok(expand(edits[0]!.edit.before).every((v) => v === 0));
      const shot = await viewer.screenshot();
      for (const i of expected) {
        const x = i % SHAPE[0], y = Math.floor(i / SHAPE[0]) % SHAPE[1];
        assert.ok(near(pixelOnPage(shot, await axialPoint(viewer, x, y, 0.3, 0.3)), RED), `voxel ${x},${y} is red`);
      }
      // Just outside the disk along y (1.5 mm voxels: 3 voxels is 4.5 mm > 3 mm).
      assert.ok(isGrey(pixelOnPage(shot, await axialPoint(viewer, 5, 11, 0.3, 0.3))));
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a fast drag is ONE edit, gap-free along the path, within the brush of the path; the eraser writes 0', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '1.5');
      const [x0, y0] = await axialPoint(viewer, 3, 10);
      const [x1, y1] = await axialPoint(viewer, 20, 10);
      await viewer.page.mouse.move(x0, y0);
      await viewer.page.mouse.down();
      await viewer.page.mouse.move(x1, y1, { steps: 2 }); // two pointer events over 17 voxels
      await viewer.page.mouse.up();
      const edits = await waitForEdits(viewer, 1);
      await viewer.settle();
      assert.equal((await viewer.edits()).length, 1, 'one edit for the whole stroke');
      const got = new Set(indices(edits[0]!.edit));
      for (let x = 3; x <= 20; x++) assert.ok(got.has(idx(x, 10, AXIAL_Z)), `no gap at x = ${x}`);
      for (const i of got) {
        const x = i % SHAPE[0], y = Math.floor(i / SHAPE[0]) % SHAPE[1], z = Math.floor(i / (SHAPE[0] * SHAPE[1]));
        const dx = x < 3 ? 3 - x : x > 20 ? x - 20 : 0;
        assert.equal(z, AXIAL_Z);
        assert.ok(Math.hypot(dx * SPACING[0], (y - 10) * SPACING[1]) <= 1.5 + 1e-9, `voxel ${x},${y} is within the brush of the path`);
      }
      await tool(viewer, 'eraser');
      await clickAxial(viewer, 10, 10);
      const erased = (await waitForEdits(viewer, 2))[1]!;
      assert.equal(erased.label, 'Eraser');
      const disk = axialDisk([10, 10, AXIAL_Z], 1.5).filter((i) => got.has(i));
      assert.deepEqual(indices(erased.edit), disk);
      assert.ok(expand(erased.edit.after).every((v) => v === 0));
      assert.ok(isGrey(pixelOnPage(await viewer.screenshot(), await axialPoint(viewer, 10, 10, 0.3, 0.3))));
    } finally {
      await viewer.close();
    }
  });

  it('the 3D brush writes the brute-force sphere (D toggles it); the 2D brush only its slice', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '4');
      await viewer.act(() => viewer.page.keyboard.press('d'));
      assert.equal(await viewer.page.locator('#swv-brush-3d').isChecked(), true);
      await clickAxial(viewer, 12, 9);
      const [edit] = await waitForEdits(viewer, 1);
      assert.deepEqual(indices(edit!.edit), naiveEllipsoid([12, 9, AXIAL_Z], 4, SHAPE, SPACING, [true, true, true]));
      assert.ok(new Set(indices(edit!.edit).map((i) => Math.floor(i / (SHAPE[0] * SHAPE[1])))).size > 1, 'several slices');
    } finally {
      await viewer.close();
    }
  });

  it('threshold painting leaves out voxels outside [lo, hi] of the image on screen', async () => {
    const { viewer, doc } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '5');
      await viewer.act(() => viewer.page.keyboard.press('t'));
      assert.equal(await viewer.page.locator('#swv-threshold-enabled').isChecked(), true);
      await setField(viewer, '#swv-threshold-lo', '100');
      await setField(viewer, '#swv-threshold-hi', '250');
      await clickAxial(viewer, 17, 6); // the edge of the "right" marker (value 200) on background 10
      const [edit] = await waitForEdits(viewer, 1);
      const image = doc.ras.data as ArrayLike<number>;
      const expected = axialDisk([17, 6, AXIAL_Z], 5).filter((i) => image[i]! >= 100 && image[i]! <= 250);
      assert.ok(expected.length > 0 && expected.length < axialDisk([17, 6, AXIAL_Z], 5).length);
      assert.deepEqual(indices(edit!.edit), expected);
    } finally {
      await viewer.close();
    }
  });
});

describe('partial redraws', () => {
  it('strokes redraw only what they touched, and leave exactly the pixels a full redraw draws (filled and outlined)', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      const page = viewer.page;
      const axialPixels = async () => {
        const box = await viewer.sliceBox('axial');
        const shot = await viewer.screenshot();
        const out: number[] = [];
        for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); y++) {
          for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.width); x++) out.push(...pixelOnPage(shot, [x, y]));
        }
        return out;
      };
      const fullRedraw = async () => {
        // A new canvas size clears the canvas and draws every pane from scratch.
        const size = page.viewportSize()!;
        await viewer.act(() => page.setViewportSize({ width: size.width + 8, height: size.height }));
        await viewer.act(() => page.setViewportSize(size));
        await viewer.settle();
      };
      const drag = async (from: [number, number], to: [number, number]) => {
        const [x0, y0] = await axialPoint(viewer, ...from);
        const [x1, y1] = await axialPoint(viewer, ...to);
        await page.mouse.move(x0, y0);
        await page.mouse.down();
        await page.mouse.move(x1, y1, { steps: 6 });
        await viewer.act(() => page.mouse.up());
        await viewer.settle();
      };
      for (const outline of [false, true]) {
        if (outline) await viewer.act(() => page.locator('#swv-mask-outline').click());
        await tool(viewer, 'brush');
        await setField(viewer, '#swv-brush-radius', '2');
        await drag([3, 4], [18, 14]);
        await tool(viewer, 'eraser');
        await setField(viewer, '#swv-brush-radius', '1');
        await drag([4, 12], [17, 5]);
        const partial = await axialPixels();
        await fullRedraw();
        const full = await axialPixels();
        assert.equal(partial.length, full.length);
        const differing = partial.filter((v, k) => v !== full[k]).length;
        assert.equal(differing, 0, `${outline ? 'outlined' : 'filled'}: ${differing} colour values differ from a full redraw`);
        assert.ok(partial.some((v, k) => k % 3 === 0 && v > 200 && partial[k + 1]! < 60), 'some red (label 1) is shown');
      }
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });
});

describe('fill', () => {
  it('2D fill of seed ± tolerance stays in the slice; 3D fill with label 2 (key 2) takes the whole connected region', async () => {
    const { viewer, doc } = await openMarkers(harness);
    try {
      const image = doc.ras.data as ArrayLike<number>;
      await tool(viewer, 'fill');
      await setField(viewer, '#swv-fill-tolerance', '5');
      await clickAxial(viewer, 18, 6);
      const near200 = (i: number) => Math.abs(image[i]! - 200) <= 5;
      const first = (await waitForEdits(viewer, 1))[0]!;
      assert.equal(first.label, 'Fill');
      assert.deepEqual(indices(first.edit), naiveRegion(idx(18, 6, AXIAL_Z), SHAPE, near200, [0, 1]));
      await viewer.act(() => viewer.page.keyboard.press('2'));
      assert.equal(await viewer.page.locator('.swv-label-item[data-label="2"]').getAttribute('aria-selected'), 'true');
      await viewer.act(() => viewer.page.locator('#swv-fill-3d').check());
      await clickAxial(viewer, 18, 6);
      const second = (await waitForEdits(viewer, 2))[1]!;
      const region = naiveRegion(idx(18, 6, AXIAL_Z), SHAPE, near200, [0, 1, 2]);
      assert.deepEqual(indices(second.edit), region);
      assert.ok(expand(second.edit.after).every((v) => v === 2));
      const firstSet = new Set(indices(first.edit));
      assert.deepEqual(expand(second.edit.before), region.map((i) => (firstSet.has(i) ? 1 : 0)));
    } finally {
      await viewer.close();
    }
  });
});

describe('tool settings and keys', () => {
  it('[ and ] and Shift+wheel change the brush size (not the slice); the cursor circle shows it', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      await tool(viewer, 'brush');
      await setField(viewer, '#swv-brush-radius', '4');
      const radius = async () => Number(await viewer.page.locator('#swv-brush-radius').getAttribute('data-value'));
      const [px, py] = await axialPoint(viewer, 12, 9);
      await viewer.act(() => viewer.page.mouse.move(px, py));
      await viewer.act(() => viewer.page.keyboard.press(']'));
      const larger = await radius();
      assert.ok(larger > 4, `] enlarges: ${larger}`);
      await viewer.act(() => viewer.page.keyboard.press('['));
      await viewer.act(() => viewer.page.keyboard.press('['));
      assert.ok((await radius()) < 4);
      const title = await viewer.page.locator('.swv-pane[data-view="axial"] .swv-pane-title').innerText();
      const r0 = await radius();
      await viewer.page.keyboard.down('Shift');
      await viewer.act(() => viewer.page.mouse.wheel(0, -100));
      await viewer.page.keyboard.up('Shift');
      assert.ok((await radius()) > r0, 'Shift+wheel up enlarges');
      assert.equal(await viewer.page.locator('.swv-pane[data-view="axial"] .swv-pane-title').innerText(), title, 'same slice');
      // The circle's diameter on screen is 2 r mm at the slice's scale (CSS px per mm from the slice box).
      const box = await viewer.sliceBox('axial');
      const circle = await viewer.page.locator('[data-brush-cursor="axial"]').boundingBox();
      const expected = 2 * (await radius()) * (box.width / (SHAPE[0] * SPACING[0]));
      assert.ok(circle && Math.abs(circle.width - expected) < 1, `circle ${circle?.width} vs ${expected}`);
    } finally {
      await viewer.close();
    }
  });

  it('configured shortcuts switch tools and are shown on the buttons and in the help; digits pick labels', async () => {
    const { viewer } = await openMarkers(harness);
    try {
      assert.match(await viewer.page.locator('#swv-tool-brush').innerText(), /Brush \(B\)/);
      const settings = {
        convention: 'radiological' as const, layout: '1x3' as const,
        editor: { ...DEFAULT_EDITOR_SETTINGS, shortcuts: { ...DEFAULT_EDITOR_SETTINGS.shortcuts, brush: 'Shift+P', fill: 'g' } },
      };
      await viewer.act(() => viewer.deliver({ type: 'settings', settings }));
      assert.match(await viewer.page.locator('#swv-tool-brush').innerText(), /Brush \(Shift\+P\)/);
      assert.match(await viewer.page.locator('#swv-tool-fill').innerText(), /Fill \(G\)/);
      assert.match(await viewer.page.locator('#swv-help-editor').textContent() ?? '', /Shift\+P\s*brush tool/);
      await viewer.act(() => viewer.page.keyboard.press('b'));
      assert.equal(await viewer.page.locator('#swv-tool-brush').getAttribute('aria-pressed'), 'false', 'b is no longer bound');
      await viewer.act(() => viewer.page.keyboard.press('Shift+P'));
      assert.equal(await viewer.page.locator('#swv-tool-brush').getAttribute('aria-pressed'), 'true');
      await viewer.act(() => viewer.page.keyboard.press('g'));
      assert.equal(await viewer.page.locator('#swv-tool-fill').getAttribute('aria-pressed'), 'true');
      await viewer.act(() => viewer.page.keyboard.press('Control+b')); // Ctrl combinations are VS Code's
      assert.equal(await viewer.page.locator('#swv-tool-fill').getAttribute('aria-pressed'), 'true');
      await viewer.act(() => viewer.page.keyboard.press('3'));
      assert.equal(await viewer.page.locator('.swv-label-item[data-label="4"]').getAttribute('aria-selected'), 'true');
    } finally {
      await viewer.close();
    }
  });
});
