// Mouse, keys and controls in the real viewer (headless Chromium): the status line gives the file's stored index
// and scaled value at the manifest's probes (also for a 4D file after switching channel in the UI), window/level by
// right-drag and by the numeric fields, slice keys and wheel, zoom around the pointer, pan, reset, layouts, 3D orbit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { niftiFixtures } from './helpers/paths';
import { ViewerHarness, type ViewerPage } from './webview-harness';
import { documentFromFile } from './webview-host';
import { expectedGrey, pixelOnPage, voxelOnPage } from './webview-screen';

interface ManifestEntry { shape: number[]; affine: number[][]; probes: { index: number[]; value: number }[] }
const niftiManifest = JSON.parse(readFileSync(join(niftiFixtures, 'manifest.json'), 'utf8')) as { files: Record<string, ManifestEntry> };
const markers = join(import.meta.dirname, 'fixtures', 'viewer', 'markers');

/** The RAS-layout index of a stored voxel, from the manifest's affine (nearest world axis of each stored axis). */
function rasIndex(entry: ManifestEntry, stored: readonly number[]): number[] {
  const r = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const column = [0, 1, 2].map((w) => entry.affine[w]![k]!);
    const w = column.reduce((best, v, i) => (Math.abs(v) > Math.abs(column[best]!) ? i : best), 0);
    r[w] = column[w]! > 0 ? stored[k]! : entry.shape[k]! - 1 - stored[k]!;
  }
  return r;
}

/** Points the axial view at RAS voxel r (clicking it in the coronal view) and hovers it in the axial view. */
async function hoverVoxel(viewer: ViewerPage, shape: readonly number[], r: readonly number[]): Promise<void> {
  const coronal = await viewer.sliceBox('coronal');
  const [cx, cy] = voxelOnPage(coronal, shape[0]!, shape[2]!, r[0]!, r[2]!, false);
  await viewer.act(() => viewer.page.mouse.click(cx, cy));
  const axial = await viewer.sliceBox('axial');
  const [ax, ay] = voxelOnPage(axial, shape[0]!, shape[1]!, r[0]!, r[1]!, false, 0.3, 0.3);
  await viewer.act(() => viewer.page.mouse.move(ax, ay));
}

async function statusOf(viewer: ViewerPage): Promise<{ index: string | null; value: number }> {
  return {
    index: await viewer.page.locator('#swv-status-voxel').getAttribute('data-index'),
    value: Number(await viewer.page.locator('#swv-status-value').getAttribute('data-value')),
  };
}

async function selectOption(viewer: ViewerPage, select: string, label: string): Promise<void> {
  await viewer.page.locator(select).click();
  await viewer.act(() => viewer.page.locator(select).getByRole('option', { name: label, exact: true }).click());
}

async function typeInto(viewer: ViewerPage, field: string, text: string): Promise<void> {
  const input = viewer.page.locator(`${field} input`);
  await input.fill(text);
  await input.press('Enter');
}

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

describe('status line', () => {
  it('las_int16_scaled.nii.gz: the stored index and scl-scaled value at every manifest probe', async () => {
    const entry = niftiManifest.files['las_int16_scaled.nii.gz']!;
    const doc = await documentFromFile(join(niftiFixtures, 'las_int16_scaled.nii.gz'));
    const viewer = await harness.open(doc, { width: 900, height: 400 });
    try {
      await viewer.init();
      const shape = doc.init.geometry.shape;
      for (const probe of entry.probes) {
        await hoverVoxel(viewer, shape, rasIndex(entry, probe.index));
        const status = await statusOf(viewer);
        assert.equal(status.index, probe.index.join(','));
        assert.ok(Math.abs(status.value - probe.value) < 1e-6, `value at ${probe.index}: ${status.value} vs ${probe.value}`);
      }
    } finally {
      await viewer.close();
    }
  });

  it('lps_float32_4d.nii.gz: switching channel in the UI fetches it once from the host; probes match per channel', async () => {
    const entry = niftiManifest.files['lps_float32_4d.nii.gz']!;
    const doc = await documentFromFile(join(niftiFixtures, 'lps_float32_4d.nii.gz'), { channelNames: ['c0', 'c1', 'c2', 'c3'] });
    const viewer = await harness.open(doc, { width: 1000, height: 400 });
    try {
      await viewer.init();
      const shape = doc.init.geometry.shape;
      const byChannel = [...entry.probes].sort((a, b) => a.index[3]! - b.index[3]!);
      for (const probe of byChannel) {
        const t = probe.index[3]!;
        if ((await viewer.page.locator('#swv-channel').evaluate((e) => (e as HTMLSelectElement).value)) !== String(t)) {
          await selectOption(viewer, '#swv-channel', `c${t}`);
          await viewer.page.waitForFunction((c) => document.querySelector('#swv-status-voxel')?.textContent?.endsWith(`, ${c}]`), t);
        }
        await hoverVoxel(viewer, shape, rasIndex(entry, probe.index));
        const status = await statusOf(viewer);
        assert.equal(status.index, probe.index.slice(0, 3).join(','));
        assert.ok(Math.abs(status.value - probe.value) < 1e-4, `value at ${probe.index}: ${status.value} vs ${probe.value}`);
      }
      const requests = (await viewer.posted()).filter((m) => m.type === 'request');
      assert.ok(requests.length >= 1 && doc.requests.every((n) => n <= 1), `each channel fetched at most once: ${doc.requests}`);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });
});

describe('window/level', () => {
  it('typed window and level give the expected greys; right-drag and the presets change them', async () => {
    const doc = await documentFromFile(join(markers, 'markers_ras.nii.gz'));
    const viewer = await harness.open(doc, { width: 1000, height: 420 });
    try {
      await viewer.init();
      const box = await viewer.sliceBox('axial');
      const right = voxelOnPage(box, 24, 20, 19, 5, false); // value 200
      const anterior = voxelOnPage(box, 24, 20, 9, 16, false); // value 120
      const background = voxelOnPage(box, 24, 20, 4, 5, false); // value 10
      const greys = async () => {
        const shot = await viewer.screenshot();
        return [right, anterior, background].map((p) => pixelOnPage(shot, p)[0]);
      };
      await viewer.act(async () => {
        await typeInto(viewer, '#swv-window', '380');
        await typeInto(viewer, '#swv-level', '105');
      });
      const typed = await greys();
      const [lo, hi] = [105 - 190, 105 + 190];
      assert.deepEqual(typed.map((g, i) => Math.abs(g - expectedGrey([200, 120, 10][i]!, lo, hi)) <= 1), [true, true, true], `greys ${typed}`);
      // Right-drag to the left narrows the window: more contrast between 120 and 10.
      const pane = await viewer.paneBox('axial');
      await viewer.act(async () => {
        await viewer.page.mouse.move(pane.x + 40, pane.y + 40);
        await viewer.page.mouse.down({ button: 'right' });
        await viewer.page.mouse.move(pane.x + 10, pane.y + 40, { steps: 3 });
        await viewer.page.mouse.up({ button: 'right' });
      });
      const dragged = await greys();
      const width = Number(await viewer.page.locator('#swv-window input').inputValue());
      assert.ok(width < 380, `window narrowed: ${width}`);
      assert.ok(dragged[1]! - dragged[2]! > typed[1]! - typed[2]!, `contrast grew: ${typed} → ${dragged}`);
      // Full range: [10, 200].
      await selectOption(viewer, '#swv-preset', 'Full range');
      const full = await greys();
      assert.deepEqual(full, [255, expectedGrey(120, 10, 200), 0]);
    } finally {
      await viewer.close();
    }
  });
});

describe('navigation', () => {
  it('arrow keys, page keys and the wheel move the slice of the view under the pointer', async () => {
    const doc = await documentFromFile(join(markers, 'markers_ras.nii.gz'));
    const viewer = await harness.open(doc, { width: 900, height: 400 });
    try {
      await viewer.init();
      const title = (view: string) => viewer.page.locator(`.swv-pane[data-view="${view}"] .swv-pane-title`).textContent();
      assert.equal(await title('axial'), 'Axial 8/16');
      const box = await viewer.sliceBox('axial');
      await viewer.act(() => viewer.page.mouse.move(...voxelOnPage(box, 24, 20, 5, 6, false, 0.3, 0.3)));
      assert.equal((await statusOf(viewer)).index, '5,6,7');
      await viewer.act(() => viewer.page.keyboard.press('ArrowUp'));
      assert.equal(await title('axial'), 'Axial 9/16');
      assert.equal((await statusOf(viewer)).index, '5,6,8', 'the status line follows the slice under the pointer');
      await viewer.act(() => viewer.page.keyboard.press('PageDown'));
      assert.equal(await title('axial'), 'Axial 1/16');
      await viewer.act(() => viewer.page.mouse.wheel(0, -100));
      assert.equal(await title('axial'), 'Axial 2/16');
      const sagittal = await viewer.paneBox('sagittal');
      await viewer.act(() => viewer.page.mouse.move(sagittal.x + sagittal.width / 2, sagittal.y + 20));
      await viewer.act(() => viewer.page.keyboard.press('ArrowDown'));
      assert.equal(await title('sagittal'), 'Sagittal 11/24');
      assert.equal(await title('axial'), 'Axial 2/16');
    } finally {
      await viewer.close();
    }
  });

  it('Ctrl+wheel zooms around the pointer, Shift+drag pans, double click resets', async () => {
    const doc = await documentFromFile(join(markers, 'markers_ras.nii.gz'));
    const viewer = await harness.open(doc, { width: 900, height: 400 });
    try {
      await viewer.init();
      const before = await viewer.sliceBox('axial');
      const [x, y] = voxelOnPage(before, 24, 20, 17, 12, false, 0.3, 0.7);
      await viewer.act(() => viewer.page.mouse.move(x, y));
      const under = (await statusOf(viewer)).index;
      await viewer.page.keyboard.down('Control');
      await viewer.act(() => viewer.page.mouse.wheel(0, -100));
      await viewer.act(() => viewer.page.mouse.wheel(0, -100));
      await viewer.page.keyboard.up('Control');
      const zoomed = await viewer.sliceBox('axial');
      assert.ok(zoomed.width > before.width * 1.2, `zoomed in: ${before.width} → ${zoomed.width}`);
      await viewer.act(() => viewer.page.mouse.move(x + 0.5, y));
      assert.equal((await statusOf(viewer)).index, under, 'the voxel under the pointer stays under it');
      await viewer.page.keyboard.down('Shift');
      await viewer.act(async () => {
        await viewer.page.mouse.down();
        await viewer.page.mouse.move(x + 30, y + 20, { steps: 3 });
        await viewer.page.mouse.up();
      });
      await viewer.page.keyboard.up('Shift');
      const panned = await viewer.sliceBox('axial');
      assert.ok(Math.abs(panned.x - zoomed.x - 30) < 1 && Math.abs(panned.y - zoomed.y - 20) < 1, 'the image followed the drag');
      await viewer.act(() => viewer.page.mouse.dblclick(x, y));
      const reset = await viewer.sliceBox('axial');
      assert.ok(Math.abs(reset.x - before.x) < 0.01 && Math.abs(reset.width - before.width) < 0.01, 'reset');
    } finally {
      await viewer.close();
    }
  });

  it('layouts: 1×1 shows the chosen view, 2×2 adds a 3D pane that orbits on drag', async () => {
    const doc = await documentFromFile(join(markers, 'markers_ras.nii.gz'), { settings: { layout: '2x2' } });
    const viewer = await harness.open(doc, { width: 800, height: 600 });
    try {
      await viewer.init();
      const visible = () => viewer.page.locator('.swv-pane:not([hidden])').evaluateAll((ps) => ps.map((p) => (p as HTMLElement).dataset.view));
      assert.deepEqual(await visible(), ['axial', 'coronal', 'sagittal', '3d']);
      const box3d = await viewer.paneBox('3d');
      const crop = async () => {
        const shot = await viewer.screenshot();
        const out: number[] = [];
        for (let y = Math.ceil(box3d.y) + 20; y < box3d.y + box3d.height - 2; y += 3) for (let x = Math.ceil(box3d.x) + 2; x < box3d.x + box3d.width - 2; x += 3) out.push(...pixelOnPage(shot, [x, y]));
        return out;
      };
      const first = await crop();
      assert.ok(new Set(first).size > 3, 'the 3D pane shows the slice planes');
      // Seen from the right, anterior and above (the default camera): superior up, and the patient's right nearer
      // the screen's left than the left, as when facing the patient.
      const face = async (l: string) => (await viewer.page.locator(`.swv-pane-3d [data-face="${l}"]`).boundingBox())!;
      assert.ok((await face('S')).y < (await face('I')).y, 'S above I');
      assert.ok((await face('R')).x < (await face('L')).x, 'R left of L');
      await viewer.act(async () => {
        await viewer.page.mouse.move(box3d.x + box3d.width / 2, box3d.y + box3d.height / 2);
        await viewer.page.mouse.down();
        await viewer.page.mouse.move(box3d.x + box3d.width / 2 + 60, box3d.y + box3d.height / 2 + 10, { steps: 4 });
        await viewer.page.mouse.up();
      });
      const orbited = await crop();
      assert.ok(orbited.some((v, i) => v !== first[i]), 'the 3D view changed when orbited');
      // The help panel over the canvas changes no pixel of the views outside it.
      const viewport = (await viewer.page.locator('#swv-viewport').boundingBox())!;
      await viewer.page.mouse.move(5, viewport.y + viewport.height - 5);
      await viewer.settle();
      const without = await viewer.screenshot();
      await viewer.act(() => viewer.page.locator('#swv-help-button').click());
      await viewer.page.mouse.move(5, viewport.y + viewport.height - 5);
      await viewer.settle();
      const help = (await viewer.page.locator('#swv-help').boundingBox())!;
      const withHelp = await viewer.screenshot();
      let changed = 0;
      for (let y = Math.ceil(viewport.y); y < viewport.y + viewport.height; y++) for (let x = Math.ceil(viewport.x); x < viewport.x + viewport.width; x++) {
        if (x >= help.x - 1 && x <= help.x + help.width + 1 && y >= help.y - 1 && y <= help.y + help.height + 1) continue;
        if (pixelOnPage(without, [x, y]).some((v, i) => v !== pixelOnPage(withHelp, [x, y])[i])) changed++;
      }
      assert.equal(changed, 0, 'pixels outside the help panel changed when it opened');
      await viewer.act(() => viewer.page.locator('#swv-help-button').click());
      await selectOption(viewer, '#swv-layout', '1×1');
      await selectOption(viewer, '#swv-single', 'Sagittal');
      assert.deepEqual(await visible(), ['sagittal']);
      assert.deepEqual(await viewer.letters('sagittal'), { left: 'A', right: 'P', top: 'S', bottom: 'I' });
    } finally {
      await viewer.close();
    }
  });
});
