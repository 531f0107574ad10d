// The webview's editing logic without a browser: shortcut matching (never Ctrl/Cmd), a paint stroke's single edit
// (equal to composing its dabs, and to a brute-force union of disks), the edited-slices memory of interpolation,
// and the mask store's per-slice revisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdit, composeEdits, editIndices, revertEdit, setValues } from '../src/core/labels';
import { DEFAULT_SHORTCUTS } from '../src/core/viewer-protocol';
import { MaskStore } from '../src/webview/model/mask-store';
import { EditedSlices } from '../src/webview/tools/edited-slices';
import { PaintStroke } from '../src/webview/tools/paint-stroke';
import { actionForKey, shortcutLabel, withShortcut } from '../src/webview/tools/shortcuts';
import { naiveEllipsoid, type Vec3 } from './helpers/labels-reference';

const key = (k: string, mods: { shift?: boolean; alt?: boolean; ctrl?: boolean; meta?: boolean } = {}) => ({
  key: k, shiftKey: !!mods.shift, altKey: !!mods.alt, ctrlKey: !!mods.ctrl, metaKey: !!mods.meta,
});

describe('shortcuts', () => {
  it('matches keys case-insensitively with Shift+/Alt+ prefixes and never takes Ctrl/Cmd', () => {
    const s = { ...DEFAULT_SHORTCUTS, fill: 'Shift+F', interpolate: 'Alt+i' };
    assert.equal(actionForKey(key('b'), s), 'brush');
    assert.equal(actionForKey(key('B', { shift: true }), s), null, 'Shift+B is not b');
    assert.equal(actionForKey(key('F', { shift: true }), s), 'fill');
    assert.equal(actionForKey(key('f'), s), null);
    assert.equal(actionForKey(key('i', { alt: true }), s), 'interpolate');
    assert.equal(actionForKey(key('i'), s), null);
    assert.equal(actionForKey(key(']'), s), 'brushLarger');
    assert.equal(actionForKey(key('z', { ctrl: true }), { ...s, brush: 'z' }), null);
    assert.equal(actionForKey(key('b', { meta: true }), s), null);
    assert.equal(shortcutLabel('shift+p'), 'Shift+P');
    assert.equal(withShortcut('Brush', 'b'), 'Brush (B)');
    assert.equal(withShortcut('Brush', ''), 'Brush');
  });
});

describe('paint stroke', () => {
  const shape: Vec3 = [30, 20, 10];
  const spacing: Vec3 = [1, 1.5, 2];

  it('is one edit equal to composing its dabs and to the brute-force union of disks at its dab centres', () => {
    const mask = new Uint8Array(shape[0] * shape[1] * shape[2]);
    mask.fill(2, 100, 160); // some voxels already hold another label
    const original = mask.slice();
    const stroke = new PaintStroke({ mask, shape, spacing, value: 1, radiusMm: 2, plane: 'axial', constraint: {} });
    const dabs = [...stroke.moveTo([3, 5, 4]), ...stroke.moveTo([20, 9, 4]), ...stroke.moveTo([4, 5, 4])];
    const edit = stroke.finish();
    const composed = dabs.reduce(composeEdits);
    assert.deepEqual(editIndices(edit), editIndices(composed));
    assert.deepEqual(edit.before, composed.before);
    assert.deepEqual(edit.after, composed.after);
    // Brute force: the union of disks at every voxel on the way (dabs are at most half a radius apart).
    const union = new Set<number>();
    const centreLine = new Set<number>();
    for (const [a, b] of [[[3, 5], [20, 9]], [[20, 9], [4, 5]]] as const) {
      for (let t = 0; t <= 1.0001; t += 0.01) {
        const c: Vec3 = [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), 4];
        centreLine.add(c[0] + shape[0] * (c[1] + shape[1] * c[2]));
        for (const i of naiveEllipsoid(c, 2, shape, spacing, [true, true, false])) union.add(i);
      }
    }
    const got = new Set(editIndices(edit));
    for (const i of got) assert.ok(union.has(i), `voxel ${i} is in a disk along the path`);
    for (const i of centreLine) assert.ok(got.has(i), `no gap: voxel ${i} on the path was painted`);
    revertEdit(mask, edit);
    assert.deepEqual(mask, original, 'reverting the one edit restores the mask');
    applyEdit(mask, edit);
    revertEdit(mask, edit);
    assert.deepEqual(mask, original);
  });

  it('a voxel painted and then erased within the stroke is left out', () => {
    const mask = new Uint8Array(shape[0] * shape[1] * shape[2]);
    const stroke = new PaintStroke({ mask, shape, spacing, value: 1, radiusMm: 1, plane: 'axial', constraint: {} });
    stroke.moveTo([5, 5, 5]);
    setValues(mask, [5 + 30 * (5 + 20 * 5)], 0); // as if another write restored it
    assert.equal(editIndices(stroke.finish()).includes(5 + 30 * (5 + 20 * 5)), false);
  });
});

describe('edited slices and mask store', () => {
  it('interpolation uses the two most recent slices at least 2 apart, per plane and label', () => {
    const e = new EditedSlices();
    e.record('axial', 1, 5);
    assert.equal(e.pair('axial', 1), null);
    e.record('axial', 1, 6);
    assert.equal(e.pair('axial', 1), null, 'adjacent slices have nothing between them');
    e.record('axial', 1, 9);
    assert.deepEqual(e.pair('axial', 1), [6, 9]);
    e.record('coronal', 1, 2);
    e.record('axial', 2, 1);
    assert.deepEqual(e.pair('axial', 1), [6, 9]);
    assert.equal(e.pair('coronal', 1), null);
  });

  it('an edit bumps the revisions of exactly the slices it touched', () => {
    const store = new MaskStore([4, 3, 2], new ArrayBuffer(24));
    const edit = setValues(store.data, [1 + 4 * (2 + 3 * 1)], 3);
    store.touched(edit);
    assert.equal(store.sliceRevision(0, 1), 1);
    assert.equal(store.sliceRevision(1, 2), 1);
    assert.equal(store.sliceRevision(2, 1), 1);
    assert.equal(store.sliceRevision(0, 0) + store.sliceRevision(1, 0) + store.sliceRevision(2, 0), 0);
    assert.throws(() => new MaskStore([4, 3, 2], new ArrayBuffer(23)), /23 voxels, the image 24/);
  });
});
