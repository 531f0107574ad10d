// The viewer's pure logic, without a browser: slice extraction, screen ↔ voxel mapping per display convention,
// the file's voxel index through the reorientation plan, the percentile window, colour tables and state actions.
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol/messages';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planReorientation, reorientVoxels } from '../src/core/nifti';
import { layoutPanes } from '../src/webview/geometry/pane-layout';
import {
  fragmentToSliceRows, makeTransform, panBy, screenToSlice, sliceFrame, sliceRectOnScreen, sliceToScreen, voxelOf, zoomAround,
} from '../src/webview/geometry/view-transform';
import { edgeLetters, viewAxes, type SliceView } from '../src/webview/geometry/views';
import { storedIndexOf, worldOf } from '../src/webview/geometry/voxel-coords';
import { intensityStats } from '../src/webview/model/intensity-stats';
import { typedVoxels } from '../src/webview/model/voxel-data';
import { colormapLut } from '../src/webview/render/colormaps';
import { labelPaletteTexels } from '../src/webview/render/label-palette';
import { extractSlice } from '../src/webview/slicing/extract-slice';
import { moveSlice, setWindowLevel, upsertOverlayLayer, updateOverlayLayer } from '../src/webview/state/actions';
import { persistedFor, viewToPersist } from '../src/webview/state/persisted-view';
import { Store } from '../src/webview/state/store';
import { initialState, type DocumentInfo } from '../src/webview/state/viewer-state';
import { BRATS_LABEL_COLORS } from '../src/core/viewer-protocol';

const VIEWS: SliceView[] = ['axial', 'coronal', 'sagittal'];

/** Deterministic pseudo-random numbers (no Math.random: failures must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('slice extraction', () => {
  const shape = [7, 5, 4];
  const n = 7 * 5 * 4;
  const at = (i: number, j: number, k: number) => i + 7 * (j + 5 * k);
  // Each slice is checked voxel by voxel against direct indexing of the volume.
  const expected = { axial: [0, 1, 2], coronal: [0, 2, 1], sagittal: [1, 2, 0] } as const; // [horizontal, vertical, normal]
  for (const Ctor of [Uint8Array, Int16Array, Float32Array, Float64Array, Uint16Array, Int32Array]) {
    it(`takes every view's slices from ${Ctor.name} voxels, scaled`, () => {
      const data = new Ctor(n);
      for (let i = 0; i < n; i++) data[i] = (i * 37) % 251 - (Ctor === Int16Array || Ctor === Int32Array ? 100 : 0);
      for (const view of VIEWS) {
        const axes = viewAxes(view, 'radiological');
        const [h, v, normal] = expected[view];
        assert.deepEqual([axes.horizontal, axes.vertical, axes.normal], [h, v, normal], view);
        for (let index = 0; index < shape[normal]!; index++) {
          const out = new Float32Array(shape[h]! * shape[v]!);
          extractSlice(data, shape, axes, index, out, { slope: 2, inter: -3 });
          for (let b = 0; b < shape[v]!; b++) for (let a = 0; a < shape[h]!; a++) {
            const ijk = [0, 0, 0];
            ijk[h] = a; ijk[v] = b; ijk[normal] = index;
            assert.equal(out[a + b * shape[h]!], data[at(ijk[0]!, ijk[1]!, ijk[2]!)]! * 2 - 3, `${view} ${index} (${a},${b})`);
          }
        }
      }
    });
  }

  it('refuses a slice index outside the volume and a wrong buffer size', () => {
    const data = new Uint8Array(n);
    assert.throws(() => extractSlice(data, shape, viewAxes('axial', 'radiological'), 4, new Float32Array(35)));
    assert.throws(() => extractSlice(data, shape, viewAxes('axial', 'radiological'), 0, new Float32Array(34)));
  });
});

describe('views and display conventions', () => {
  it('radiological: patient right on screen left in axial and coronal; neurological: on the right', () => {
    for (const view of ['axial', 'coronal'] as const) {
      assert.equal(edgeLetters(viewAxes(view, 'radiological')).left, 'R');
      assert.equal(edgeLetters(viewAxes(view, 'radiological')).right, 'L');
      assert.equal(edgeLetters(viewAxes(view, 'neurological')).left, 'L');
      assert.equal(edgeLetters(viewAxes(view, 'neurological')).right, 'R');
    }
    assert.deepEqual({ ...edgeLetters(viewAxes('axial', 'radiological')) }, { left: 'R', right: 'L', top: 'A', bottom: 'P' });
    assert.deepEqual({ ...edgeLetters(viewAxes('coronal', 'neurological')) }, { left: 'L', right: 'R', top: 'S', bottom: 'I' });
    for (const c of ['radiological', 'neurological'] as const) {
      assert.deepEqual({ ...edgeLetters(viewAxes('sagittal', c)) }, { left: 'A', right: 'P', top: 'S', bottom: 'I' });
    }
  });

  it('a voxel on the patient\'s right lands on the screen side the letters say', () => {
    const shape = [40, 30, 20];
    const spacing = [1, 1, 1];
    for (const convention of ['radiological', 'neurological'] as const) {
      for (const view of ['axial', 'coronal'] as const) {
        const axes = viewAxes(view, convention);
        const t = makeTransform(sliceFrame(shape, spacing, axes), { zoom: 1, center: null }, { width: 400, height: 400 });
        const [xRight] = sliceToScreen(t, 35, 10); // i = 35: far to the patient's right
        const [xLeft] = sliceToScreen(t, 4, 10);
        const letters = edgeLetters(axes);
        assert.equal(xRight < xLeft, letters.left === 'R', `${convention} ${view}`);
      }
    }
    // Anterior and superior are up: a higher vertical index has a smaller screen y.
    for (const view of VIEWS) {
      const t = makeTransform(sliceFrame(shape, spacing, viewAxes(view, 'radiological')), { zoom: 1, center: null }, { width: 300, height: 200 });
      assert.ok(sliceToScreen(t, 3, 15)[1] < sliceToScreen(t, 3, 2)[1], view);
    }
  });

  it('keeps the physical aspect ratio of anisotropic voxels and fits the pane', () => {
    const frame = sliceFrame([100, 50, 10], [0.5, 2, 3], viewAxes('axial', 'radiological'));
    const t = makeTransform(frame, { zoom: 1, center: null }, { width: 300, height: 300 });
    const r = sliceRectOnScreen(t);
    // 100 × 0.5 mm = 50 mm across, 50 × 2 mm = 100 mm down: half as wide as tall, fitting the height.
    assert.ok(Math.abs(r.width / r.height - 0.5) < 1e-9);
    assert.ok(Math.abs(r.height - 300) < 1e-9);
    assert.ok(Math.abs(r.left - 75) < 1e-9);
  });

  it('screen → slice inverts slice → screen, also zoomed and panned', () => {
    const frame = sliceFrame([64, 48, 30], [1.2, 0.9, 2], viewAxes('coronal', 'radiological'));
    const t = makeTransform(frame, { zoom: 2.5, center: [10, 7] }, { width: 333, height: 211 });
    for (const [a, b] of [[0, 0], [63, 29], [17.25, 3.5]]) {
      const [x, y] = sliceToScreen(t, a!, b!);
      const [a2, b2] = screenToSlice(t, x, y);
      assert.ok(Math.abs(a2 - a!) < 1e-9 && Math.abs(b2 - b!) < 1e-9);
    }
    assert.equal(voxelOf(2.49), 2);
    assert.equal(voxelOf(2.5), 3);
    assert.equal(voxelOf(-0.5), 0);
    assert.equal(voxelOf(-0.51), -1);
  });

  it('zooming around a point keeps that point under the pointer; panning moves the image with it', () => {
    const frame = sliceFrame([64, 48, 30], [1, 1.5, 2], viewAxes('axial', 'neurological'));
    const camera = { zoom: 1, center: null };
    const t = makeTransform(frame, camera, { width: 400, height: 300 });
    const before = screenToSlice(t, 120, 80);
    const zoomed = zoomAround(t, camera, 3, 120, 80);
    const t2 = makeTransform(frame, zoomed, { width: 400, height: 300 });
    const after = screenToSlice(t2, 120, 80);
    assert.ok(Math.abs(before[0] - after[0]) < 1e-9 && Math.abs(before[1] - after[1]) < 1e-9);
    assert.equal(zoomed.zoom, 3);
    const panned = makeTransform(frame, panBy(t2, zoomed, 15, -7), { width: 400, height: 300 });
    const moved = screenToSlice(panned, 135, 73);
    assert.ok(Math.abs(moved[0] - after[0]) < 1e-9 && Math.abs(moved[1] - after[1]) < 1e-9);
  });

  it('the shader\'s fragment → slice rows agree with the pointer mapping', () => {
    for (const dpr of [1, 2, 1.25]) {
      const frame = sliceFrame([50, 40, 30], [1, 1.3, 2], viewAxes('sagittal', 'radiological'));
      const pane = { width: 301, height: 257 };
      const t = makeTransform(frame, { zoom: 1.7, center: [20, 11] }, pane);
      const canvasH = 700;
      const paneLeft = 310;
      const paneTop = 280;
      const { rowH, rowV } = fragmentToSliceRows(t, paneLeft, paneTop, canvasH * dpr, dpr);
      for (const [x, y] of [[0, 0], [150.5, 100.5], [300, 256]]) {
        // The fragment centre of CSS pixel (x, y) of the pane.
        const fx = (paneLeft + x!) * dpr;
        const fy = (canvasH - paneTop - y!) * dpr;
        const [a, b] = screenToSlice(t, x!, y!);
        assert.ok(Math.abs(rowH[0] * fx + rowH[1] * fy + rowH[2] - a) < 1e-9, `h at dpr ${dpr}`);
        assert.ok(Math.abs(rowV[0] * fx + rowV[1] * fy + rowV[2] - b) < 1e-9, `v at dpr ${dpr}`);
      }
    }
  });

  it('lays out 1×1, 1×3 and 2×2 without overlap, filling the area', () => {
    const one = layoutPanes('1x1', 'coronal', 800, 600);
    assert.deepEqual(one, [{ view: 'coronal', left: 0, top: 0, width: 800, height: 600 }]);
    const three = layoutPanes('1x3', 'axial', 800, 600, 2);
    assert.deepEqual(three.map((p) => p.view), ['axial', 'coronal', 'sagittal']);
    assert.equal(three[2]!.left + three[2]!.width, 800);
    const four = layoutPanes('2x2', 'axial', 801, 601, 2);
    assert.deepEqual(four.map((p) => p.view), ['axial', 'coronal', 'sagittal', '3d']);
    assert.equal(four[3]!.left + four[3]!.width, 801);
    assert.equal(four[3]!.top + four[3]!.height, 601);
    assert.ok(four[0]!.left + four[0]!.width <= four[1]!.left);
  });
});

describe('the file\'s own voxel index', () => {
  it('maps every RAS-layout voxel back to its stored index, in all 48 layouts (checked with the core\'s reorientation)', () => {
    const rasShape = [4, 3, 2];
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const perm of perms) {
      for (let flips = 0; flips < 8; flips++) {
        const storedShape = perm.map((p) => rasShape[p]!);
        const affine = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
        perm.forEach((p, k) => { affine[p]![k] = flips & (1 << k) ? -1.5 : 1.5; });
        const plan = planReorientation(affine, storedShape);
        // Stored voxel values are their own flat stored index: after reorientation each RAS voxel names its source.
        const stored = Uint16Array.from({ length: 24 }, (_, i) => i);
        const ras = reorientVoxels(stored, plan);
        for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) {
          const s = storedIndexOf(plan, [i, j, k]);
          const flat = s[0] + storedShape[0]! * (s[1] + storedShape[1]! * s[2]);
          assert.equal(ras[i + 4 * (j + 3 * k)], flat, `perm ${perm} flips ${flips} voxel ${[i, j, k]}`);
        }
      }
    }
  });

  it('gives the world position through the affine', () => {
    const affine = [[0, -2, 0, 10], [1.5, 0, 0, -4], [0, 0, 3, 7], [0, 0, 0, 1]];
    assert.deepEqual(worldOf(affine, [2, 3, 4]), [4, -1, 19]);
  });
});

describe('percentile window', () => {
  /** Nearest-rank percentile of the non-zero scaled values, by sorting: the reference. */
  function naive(values: ArrayLike<number>, slope: number, inter: number, p: number): number {
    const scaled = Array.from(values, (v) => v * slope + inter).filter((v) => v !== 0 && !Number.isNaN(v)).sort((a, b) => a - b);
    return scaled[Math.min(scaled.length, Math.max(1, Math.ceil((p / 100) * scaled.length))) - 1]!;
  }

  it('uint8 with many zeros: 0.5 and 99.5 percentiles of the non-zero voxels, exactly', () => {
    const rnd = lcg(1);
    const data = Uint8Array.from({ length: 50_000 }, () => (rnd() < 0.6 ? 0 : Math.floor(rnd() ** 2 * 256)));
    const s = intensityStats(data, null);
    assert.equal(s.low, naive(data, 1, 0, 0.5));
    assert.equal(s.high, naive(data, 1, 0, 99.5));
    assert.equal(s.min, 0);
    assert.equal(s.max, Math.max(...data));
  });

  it('int16 with a negative scl_slope: scaled values, order reversed, background where the scaled value is 0', () => {
    const rnd = lcg(2);
    const data = Int16Array.from({ length: 30_000 }, () => (rnd() < 0.3 ? 5 : Math.floor(rnd() * 4000) - 2000));
    // slope -2, inter 10: raw 5 → 0 (background).
    const s = intensityStats(data, { slope: -2, inter: 10 });
    assert.equal(s.low, naive(data, -2, 10, 0.5));
    assert.equal(s.high, naive(data, -2, 10, 99.5));
    assert.ok(s.min < s.max);
  });

  it('float32 with a wide range and NaNs: exact nearest rank', () => {
    const rnd = lcg(3);
    const data = Float32Array.from({ length: 40_000 }, (_, i) => (i % 97 === 0 ? NaN : rnd() < 0.2 ? 0 : Math.exp(rnd() * 12) - 5));
    const s = intensityStats(data, null);
    assert.equal(s.low, naive(data, 1, 0, 0.5));
    assert.equal(s.high, naive(data, 1, 0, 99.5));
  });

  it('an all-zero volume falls back to the full range', () => {
    const s = intensityStats(new Float32Array(100), null);
    assert.deepEqual([s.min, s.max, s.low, s.high, s.nonZero], [0, 0, 0, 0, 0]);
  });

  it('typed views check the byte length', () => {
    assert.equal(typedVoxels('int16', new ArrayBuffer(8), 4).length, 4);
    assert.throws(() => typedVoxels('float32', new ArrayBuffer(8), 3));
  });
});

describe('colour tables', () => {
  it('grey is the identity ramp; BraTS labels are red, green and blue; hidden labels are transparent', () => {
    const grey = colormapLut('grey');
    for (const i of [0, 1, 127, 254, 255]) assert.deepEqual([...grey.subarray(i * 4, i * 4 + 4)], [i, i, i, 255]);
    const pal = labelPaletteTexels(BRATS_LABEL_COLORS, new Set([2]));
    assert.deepEqual([...pal.subarray(4, 8)], [255, 0, 0, 255]);
    assert.deepEqual([...pal.subarray(8, 12)], [0, 255, 0, 0]);
    assert.deepEqual([...pal.subarray(16, 20)], [0, 0, 255, 255]);
    assert.equal(pal[3], 0, 'label 0 is never drawn');
    assert.equal(pal[3 * 4 + 3], 255, 'unnamed labels get a palette colour');
  });
});

describe('state', () => {
  const doc: DocumentInfo = {
    uri: 'file:///x.nii', name: 'x.nii', shape: [10, 8, 6], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
    spacing: [1, 1, 1], stored: { shape: [10, 8, 6], axcodes: 'RAS', plan: planReorientation([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [10, 8, 6]) },
    channels: [{ index: 0, name: 'x', source: 'x.nii' }],
  };

  it('moves slices along each view\'s normal and stops at the edges', () => {
    const store = new Store(initialState(doc, { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS }, 0));
    assert.deepEqual(store.get().cursor, [4, 3, 2]);
    store.update((s) => moveSlice(s, 'axial', 1));
    store.update((s) => moveSlice(s, 'sagittal', -1));
    assert.deepEqual(store.get().cursor, [3, 3, 3]);
    store.update((s) => moveSlice(s, 'coronal', 100));
    assert.deepEqual(store.get().cursor, [3, 7, 3]);
  });

  it('notifies only on changes; window/level becomes a custom preset', () => {
    const store = new Store(initialState(doc, { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS }, 0));
    store.update({ displays: { 0: { window: 10, level: 5, preset: 'auto', colormap: 'grey' } } });
    let calls = 0;
    store.subscribe(() => calls++);
    store.update((s) => moveSlice(s, 'axial', 0));
    assert.equal(calls, 0);
    store.update((s) => setWindowLevel(s, 0, 20, 7));
    assert.equal(calls, 1);
    assert.deepEqual(store.get().displays[0], { window: 20, level: 7, preset: 'custom', colormap: 'grey' });
  });

  it('a saved view is restored only for the same document and grid', () => {
    const s = initialState(doc, { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS }, 0);
    const saved = JSON.parse(JSON.stringify(viewToPersist({ ...s, cursor: [1, 2, 3] })));
    assert.deepEqual(persistedFor(saved, s)?.cursor, [1, 2, 3]);
    assert.equal(persistedFor({ ...saved, uri: 'file:///other.nii' }, s), null);
    assert.equal(persistedFor({ ...saved, shape: [10, 8, 7] }, s), null);
    assert.equal(persistedFor({ ...saved, cursor: [10, 0, 0] }, s), null);
    assert.equal(persistedFor(undefined, s), null);
  });

  it('one labels layer is shown at a time', () => {
    let s = initialState(doc, { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS }, 0);
    const labels = (name: string) => ({ kind: 'labels' as const, name, data: new ArrayBuffer(480), colors: [] });
    s = { ...s, ...upsertOverlayLayer(s, labels('a')) };
    s = { ...s, ...upsertOverlayLayer(s, labels('b')) };
    assert.deepEqual(s.overlays.map((l) => [l.name, l.visible]), [['a', false], ['b', true]]);
    s = { ...s, ...updateOverlayLayer(s, 'a', { visible: true }) };
    assert.deepEqual(s.overlays.map((l) => [l.name, l.visible]), [['a', true], ['b', false]]);
  });
});
