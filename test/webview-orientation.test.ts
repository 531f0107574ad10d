// Orientation in the real viewer (headless Chromium, software WebGL): the same anatomy stored in different voxel
// orientations (RAS, LAS, LPS scaled, PIR, an oblique SLP; made by nibabel, see test/fixtures/viewer/markers) must
// land at the same place on screen, on the side the display convention puts it, with the right edge letters, and
// the status line must give each file's own stored voxel index. Screen positions come from the display rules
// (radiological: patient right on screen left in axial and coronal; anterior/superior up; sagittal anterior left),
// and the expected stored index from the fixture manifest, not from the viewer's code.
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol/messages';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ViewerHarness, type ViewerPage } from './webview-harness';
import { documentFromFile } from './webview-host';
import { expectedGrey, pixelOnPage, voxelColours, voxelOnPage } from './webview-screen';

const markersDir = join(import.meta.dirname, 'fixtures', 'viewer', 'markers');
const manifest = JSON.parse(readFileSync(join(markersDir, 'manifest.json'), 'utf8')) as {
  shape: [number, number, number];
  background: number;
  markers: Record<'right' | 'anterior' | 'superior', { value: number; box: [number, number][] }>;
  files: Record<string, { perm: [number, number, number]; flip: [boolean, boolean, boolean]; axcodes: string }>;
};
const [X, Y, Z] = manifest.shape;
const segmentDir = join(import.meta.dirname, 'fixtures', 'segment');

/** The auto window the viewer should pick: nearest-rank 0.5 and 99.5 percentiles of the non-zero base voxels. */
function autoWindow(): [number, number] {
  const values: number[] = [];
  for (let k = 0; k < Z; k++) for (let j = 0; j < Y; j++) for (let i = 0; i < X; i++) {
    let v = manifest.background;
    for (const m of Object.values(manifest.markers)) {
      const [[x0, x1], [y0, y1], [z0, z1]] = m.box as [[number, number], [number, number], [number, number]];
      if (i >= x0 && i <= x1 && j >= y0 && j <= y1 && k >= z0 && k <= z1) v = m.value;
    }
    if (v !== 0) values.push(v);
  }
  values.sort((a, b) => a - b);
  const rank = (p: number) => values[Math.min(values.length, Math.max(1, Math.ceil((p / 100) * values.length))) - 1]!;
  return [rank(0.5), rank(99.5)];
}

const [low, high] = autoWindow();
const grey = (v: number) => expectedGrey(v, low, high);
const BG = grey(manifest.background);

// Probe points in base RAS voxels, away from the crosshair (which sits at the centre voxel), in the centre slices.
// [view, horizontal index, vertical index, expected value, what]
const probes: [('axial' | 'coronal' | 'sagittal'), number, number, number, string][] = [
  ['axial', 19, 5, manifest.markers.right.value, 'right marker'],
  ['axial', X - 1 - 19, 5, manifest.background, 'mirror of the right marker'],
  ['axial', 9, 16, manifest.markers.anterior.value, 'anterior marker'],
  ['axial', 9, Y - 1 - 16, manifest.background, 'mirror of the anterior marker'],
  ['coronal', 19, 5, manifest.markers.right.value, 'right marker'],
  ['coronal', X - 1 - 19, 5, manifest.background, 'mirror of the right marker'],
  ['coronal', 9, 13, manifest.markers.superior.value, 'superior marker'],
  ['coronal', 9, Z - 1 - 13, manifest.background, 'mirror of the superior marker'],
  ['sagittal', 16, 5, manifest.markers.anterior.value, 'anterior marker'],
  ['sagittal', Y - 1 - 16, 5, manifest.background, 'mirror of the anterior marker'],
  ['sagittal', 6, 13, manifest.markers.superior.value, 'superior marker'],
];
const dims = { axial: [X, Y], coronal: [X, Z], sagittal: [Y, Z] } as const;

function rightward(view: 'axial' | 'coronal' | 'sagittal', convention: 'radiological' | 'neurological'): boolean {
  // Axial/coronal: the horizontal index runs towards the patient's right; radiological shows right on the left.
  // Sagittal: the horizontal index runs anterior, and anterior is on the left in both conventions.
  return view === 'sagittal' ? false : convention === 'neurological';
}

async function allVoxelColours(
  viewer: ViewerPage, convention: 'radiological' | 'neurological', sizes: Record<string, readonly [number, number]> = dims,
): Promise<number[]> {
  const shot = await viewer.screenshot();
  const out: number[] = [];
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    const [w, h] = sizes[view]!;
    out.push(...voxelColours(shot, await viewer.sliceBox(view), w, h, rightward(view, convention)));
  }
  assert.ok(out.some((v) => v !== out[0]), 'the views are not blank');
  return out;
}

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

async function checkConvention(viewer: ViewerPage, convention: 'radiological' | 'neurological', file: string, scale = 1): Promise<void> {
  const letters = await viewer.letters('axial');
  assert.deepEqual(letters, convention === 'radiological'
    ? { left: 'R', right: 'L', top: 'A', bottom: 'P' } : { left: 'L', right: 'R', top: 'A', bottom: 'P' }, `${file} axial letters`);
  assert.deepEqual(await viewer.letters('coronal'), convention === 'radiological'
    ? { left: 'R', right: 'L', top: 'S', bottom: 'I' } : { left: 'L', right: 'R', top: 'S', bottom: 'I' }, `${file} coronal letters`);
  assert.deepEqual(await viewer.letters('sagittal'), { left: 'A', right: 'P', top: 'S', bottom: 'I' }, `${file} sagittal letters`);
  const shot = await viewer.screenshot();
  for (const [view, a, b, value, what] of probes) {
    const box = await viewer.sliceBox(view);
    const [w, h] = dims[view];
    const px = pixelOnPage(shot, voxelOnPage(box, w, h, a, b, rightward(view, convention)), scale);
    const g = grey(value);
    assert.ok(px.every((c) => Math.abs(c - g) <= 1), `${file}, ${convention} ${view}: ${what} at voxel (${a}, ${b}) shows ${px}, expected grey ${g}`);
  }
}

describe('viewer orientation: the same anatomy in every stored orientation', () => {
  const panes = new Map<string, number[]>();

  for (const [file, info] of Object.entries(manifest.files)) {
    it(`${file} (${info.axcodes}): letters, marker sides in both conventions, stored voxel index`, async () => {
      const doc = await documentFromFile(join(markersDir, file), { settings: { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS } });
      const viewer = await harness.open(doc, { width: 900, height: 420 });
      try {
        await viewer.init();
        await checkConvention(viewer, 'radiological', file);
        panes.set(file, await allVoxelColours(viewer, 'radiological'));
        // The status line names the file's own voxel: hover the right marker's probe voxel in the axial view.
        const box = await viewer.sliceBox('axial');
        const [x, y] = voxelOnPage(box, X, Y, 19, 5, false);
        await viewer.act(() => viewer.page.mouse.move(x, y));
        const base = [19, 5, Math.floor((Z - 1) / 2)];
        const stored = info.perm.map((p, k) => (info.flip[k] ? manifest.shape[p]! - 1 - base[p]! : base[p]!));
        assert.equal(await viewer.page.locator('#swv-status-voxel').getAttribute('data-index'), stored.join(','), `${file}: stored index`);
        assert.equal(Number(await viewer.page.locator('#swv-status-value').getAttribute('data-value')), manifest.markers.right.value);
        // Switch convention through the host's settings message.
        await viewer.act(() => viewer.deliver({ type: 'settings', settings: { convention: 'neurological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS } }));
        await checkConvention(viewer, 'neurological', file);
        assert.deepEqual(viewer.errors, []);
        assert.deepEqual(await viewer.cspViolations(), []);
      } finally {
        await viewer.close();
      }
    });
  }

  it('every stored orientation shows the same colour in every voxel of every view', () => {
    const [first, ...rest] = [...panes.entries()];
    assert.ok(first && rest.length === Object.keys(manifest.files).length - 1, 'all files were drawn');
    for (const [file, pixels] of rest) assert.ok(pixels.length === first[1].length && pixels.every((v, i) => v === first[1][i]), `${file} differs from ${first[0]}`);
  });

  it('at device pixel ratio 2 the markers land in the same places', async () => {
    const doc = await documentFromFile(join(markersDir, 'markers_pir.nii.gz'), { settings: { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS } });
    const viewer = await harness.open(doc, { width: 900, height: 420, deviceScaleFactor: 2 });
    try {
      await viewer.init();
      await checkConvention(viewer, 'radiological', 'markers_pir.nii.gz (dpr 2)', 2);
    } finally {
      await viewer.close();
    }
  });
});

describe('viewer orientation: the BraTS-like segment fixtures', () => {
  const segmentFiles = ['ras_4d.nii.gz', 'las_4d.nii.gz', 'lps_4d.nii.gz', 'oblique_4d.nii.gz'];
  const shots = new Map<string, number[]>();
  for (const file of segmentFiles) {
    it(`${file}: the lesion (base voxel x 41..59, right of the head's centre x 38) shows on the screen's left (radiological)`, async () => {
      const doc = await documentFromFile(join(segmentDir, file), { settings: { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS } });
      const viewer = await harness.open(doc, { width: 900, height: 360 });
      try {
        await viewer.init();
        const shot = await viewer.screenshot();
        const box = await viewer.sliceBox('axial');
        // Lesion centre (50, 20) vs its mirror about the head's centre x = 38 (x = 26), in the axial slice z = 19.
        const lesion = pixelOnPage(shot, voxelOnPage(box, 80, 48, 50, 20, false))[0];
        const mirror = pixelOnPage(shot, voxelOnPage(box, 80, 48, 26, 20, false))[0];
        assert.ok(lesion > mirror + 40, `${file}: lesion ${lesion} vs mirror ${mirror}`);
        shots.set(file, await allVoxelColours(viewer, 'radiological', { axial: [80, 48], coronal: [80, 40], sagittal: [48, 40] }));
      } finally {
        await viewer.close();
      }
    });
  }
  it('all four show the same colour in every voxel of every view', () => {
    const ref = shots.get('ras_4d.nii.gz');
    assert.ok(ref && shots.size === segmentFiles.length);
    for (const [file, px] of shots) assert.ok(px.every((v, i) => v === ref[i]), `${file} differs from ras_4d.nii.gz`);
  });
});
