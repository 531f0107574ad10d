// Overlays in the real viewer (headless Chromium): label colours at known labelled voxels (BraTS: 1 red, 2 green,
// 4 blue), opacity, per-label visibility, outline mode (only voxels on a label border coloured), and a probability
// map drawn with the hot colour map above its threshold only. Expected colours come from the labels' table and the
// hot map's definition (black → red → yellow → white), voxel positions from the display rules and the label data.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readNiftiFile, toRas } from '../src/core/nifti';
import type { Overlay } from '../src/core/viewer-protocol';
import { niftiFixtures } from './helpers/paths';
import { ViewerHarness, type ViewerPage } from './webview-harness';
import { documentFromFile } from './webview-host';
import { isGrey, near, pixelOnPage, voxelOnPage } from './webview-screen';

const file = join(niftiFixtures, 'ras_uint8_labels.nii');
const manifest = JSON.parse(readFileSync(join(niftiFixtures, 'manifest.json'), 'utf8')) as {
  files: Record<string, { shape: number[]; probes: { index: number[]; value: number }[] }>;
};
const entry = manifest.files['ras_uint8_labels.nii']!;
const [X, Y, Z] = entry.shape as [number, number, number];
const BRATS: Record<number, [number, number, number]> = { 1: [255, 0, 0], 2: [0, 255, 0], 4: [0, 0, 255] };

let harness: ViewerHarness;
let labels: Uint8Array;
before(async () => {
  harness = await ViewerHarness.start();
  labels = Uint8Array.from(toRas(await readNiftiFile(file)).data as Uint8Array); // RAS file: stored = RAS layout
});
after(async () => { await harness?.close(); });

/** Moves the axial view to slice k (click in the coronal view), returns a function giving colours of axial voxels. */
async function axialSlice(viewer: ViewerPage, k: number): Promise<(i: number, j: number) => Promise<[number, number, number]>> {
  const coronal = await viewer.sliceBox('coronal');
  await viewer.act(() => viewer.page.mouse.click(...voxelOnPage(coronal, X, Z, Math.floor(X / 2), k, false)));
  const box = await viewer.sliceBox('axial');
  const shot = await viewer.screenshot();
  return async (i, j) => pixelOnPage(shot, voxelOnPage(box, X, Y, i, j, false, 0.3, 0.3));
}

async function openWithLabels(overlays: Overlay[]): Promise<ViewerPage> {
  const doc = await documentFromFile(file);
  const viewer = await harness.open(doc, { width: 1100, height: 420 });
  await viewer.init();
  for (const overlay of overlays) await viewer.act(() => viewer.deliver({ type: 'overlay', overlay }));
  return viewer;
}

function labelOverlay(): Overlay {
  return { kind: 'labels', name: 'seg', data: labels.slice().buffer, colors: [] };
}

describe('label overlay', () => {
  it('BraTS colours at the labelled probe voxels at opacity 1, and the label name in the status line', async () => {
    const viewer = await openWithLabels([labelOverlay()]);
    try {
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-opacity').fill('1'));
      for (const probe of entry.probes) {
        const [i, j, k] = probe.index as [number, number, number];
        const colour = await (await axialSlice(viewer, k))(i, j);
        const expected = BRATS[probe.value];
        if (expected) assert.ok(near(colour, expected, 1), `label ${probe.value} at ${probe.index}: ${colour}`);
        else assert.ok(!isGrey(colour, 10), `label ${probe.value} at ${probe.index} has a palette colour: ${colour}`);
      }
      const four = entry.probes.find((p) => p.value === 4)!.index as [number, number, number];
      await axialSlice(viewer, four[2]);
      const box = await viewer.sliceBox('axial');
      await viewer.act(() => viewer.page.mouse.move(...voxelOnPage(box, X, Y, four[0], four[1], false, 0.3, 0.3)));
      assert.match(await viewer.page.locator('#swv-status-overlay').innerText(), /seg: 4 enhancing tumor/);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('opacity blends with the image; hidden labels and a hidden overlay show the image', async () => {
    const viewer = await openWithLabels([labelOverlay()]);
    try {
      const probe = entry.probes.find((p) => p.value === 1)!.index as [number, number, number];
      const four = entry.probes.find((p) => p.value === 4 && p.index[2] === probe[2]) ?? entry.probes.find((p) => p.value === 4)!;
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-visible').click());
      const plain = await (await axialSlice(viewer, probe[2]))(probe[0], probe[1]);
      assert.ok(isGrey(plain, 0), `without the overlay the image is grey: ${plain}`);
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-visible').click());
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-opacity').fill('0.5'));
      const blended = await (await axialSlice(viewer, probe[2]))(probe[0], probe[1]);
      assert.ok(near(blended, [(plain[0] + 255) / 2, plain[1] / 2, plain[2] / 2], 2), `half red over ${plain}: ${blended}`);
      // Hide label 4 only.
      await viewer.act(() => viewer.page.locator('[data-overlay="seg"] .swv-label-toggle[data-label="4"]').click());
      const [i4, j4, k4] = four.index as [number, number, number];
      const hidden = await (await axialSlice(viewer, k4))(i4, j4);
      assert.ok(isGrey(hidden, 0), `label 4 hidden: ${hidden}`);
      const still = await (await axialSlice(viewer, probe[2]))(probe[0], probe[1]);
      assert.deepEqual(still, blended, 'label 1 still shown');
    } finally {
      await viewer.close();
    }
  });

  it('outline mode colours only voxels on a label border', async () => {
    // On the 24×20×16 marker image: label 2 over x 15..21, y 2..10 (all z), label 1 inside it over x 17..18, y 4..5.
    const doc = await documentFromFile(join(import.meta.dirname, 'fixtures', 'viewer', 'markers', 'markers_ras.nii.gz'));
    const [mx, my, mz] = [24, 20, 16];
    const seg = new Uint8Array(mx * my * mz);
    for (let k = 0; k < mz; k++) for (let j = 0; j < my; j++) for (let i = 0; i < mx; i++) {
      if (i >= 15 && j >= 2 && j <= 10) seg[i + mx * (j + my * k)] = i >= 17 && i <= 18 && j >= 4 && j <= 5 ? 1 : 2;
    }
    const viewer = await harness.open(doc, { width: 1100, height: 420 });
    try {
      await viewer.init();
      await viewer.act(() => viewer.deliver({ type: 'overlay', overlay: { kind: 'labels', name: 'blocks', data: seg.buffer, colors: [] } }));
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-opacity').fill('1'));
      const colours = async () => {
        const box = await viewer.sliceBox('axial');
        const shot = await viewer.screenshot();
        return (i: number, j: number) => pixelOnPage(shot, voxelOnPage(box, mx, my, i, j, false, 0.3, 0.3));
      };
      let c = await colours();
      assert.ok(near(c(20, 8), BRATS[2]!, 1) && near(c(15, 8), BRATS[2]!, 1) && near(c(17, 4), BRATS[1]!, 1), 'filled');
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-outline').click());
      c = await colours();
      assert.ok(isGrey(c(20, 8), 0) && c(20, 8)[0] > 200, `label 2 interior (over the bright marker) shows the image: ${c(20, 8)}`);
      assert.ok(near(c(15, 8), BRATS[2]!, 1), `label 2 border (next to no label): ${c(15, 8)}`);
      assert.ok(near(c(19, 5), BRATS[2]!, 1), `label 2 border (next to label 1): ${c(19, 5)}`);
      assert.ok(near(c(17, 4), BRATS[1]!, 1), `label 1 (all border): ${c(17, 4)}`);
      assert.ok(isGrey(c(10, 8), 0), 'no label: the image');
    } finally {
      await viewer.close();
    }
  });
});

describe('probability overlay', () => {
  it('hot colour map above the threshold, the image below it', async () => {
    const p = new Float32Array(X * Y * Z);
    for (let k = 0; k < Z; k++) for (let j = 0; j < Y; j++) for (let i = 0; i < X; i++) p[i + X * (j + Y * k)] = i / (X - 1);
    const viewer = await openWithLabels([{ kind: 'probability', name: 'prob', data: p.buffer }]);
    try {
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-opacity').fill('1'));
      const k = Math.floor((Z - 1) / 2);
      const colourOf = await axialSlice(viewer, k);
      const j = 2;
      const high = X - 2; // p = 8/9 ≥ 0.5
      const low = 2; // p = 2/9 < 0.5
      const t = Math.round((high / (X - 1)) * 255) / 255;
      const hot = await colourOf(high, j);
      assert.ok(near(hot, [255, 255, ((t - 0.75) / 0.25) * 255], 3), `p ${t} → ${hot}`);
      assert.ok(isGrey(await colourOf(low, j), 0), 'below the threshold: the image');
      await viewer.act(() => viewer.page.locator('#swv-overlay-0-threshold').fill('0.1'));
      const now = await (await axialSlice(viewer, k))(low, j);
      const tl = Math.round((low / (X - 1)) * 255) / 255;
      assert.ok(near(now, [(tl / 0.375) * 255, 0, 0], 3), `p ${tl} over threshold 0.1 → dark red: ${now}`);
    } finally {
      await viewer.close();
    }
  });
});
