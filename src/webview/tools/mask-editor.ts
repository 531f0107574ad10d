// The mask-writing commands of one session: brush/eraser strokes, fill, interpolation, island removal, clearing a
// label. Each writes the panel's copy at once through core setValues, keeps the stats and the slices' revisions up
// to date, and sends the host ONE edit per user action. The webview keeps no undo stack: VS Code owns it, and undo
// and redo come back as host edits (applyHostEdit).
import { decodeEdit, type EncodedLabelEdit, type LabelEdit } from '../../core/labels/label-edit';
import { computeLabelStats, updateLabelStats } from '../../core/labels/label-stats';
import { floodFill, type FillCriterion } from '../../core/labels/flood-fill';
import { interpolateSlices } from '../../core/labels/interpolate';
import { clearLabel, removeIslands } from '../../core/labels/islands';
import { setValues, type SetConstraint } from '../../core/labels/set-values';
import type { Voxel } from '../../core/labels/volume';
import type { MaskInfo } from '../../core/viewer-protocol/messages';
import type { SliceView } from '../geometry/views';
import type { MaskStore } from '../model/mask-store';
import { nameOfLabel } from '../render/label-palette';
import { setNote } from '../state/editor-actions';
import { axesOf } from '../state/derived';
import type { Store } from '../state/store';
import type { ViewerState } from '../state/viewer-state';
import { EditedSlices } from './edited-slices';
import { PaintStroke } from './paint-stroke';

/** Names of the edits in VS Code's undo UI. */
export type EditLabel = 'Brush' | 'Eraser' | 'Fill' | 'Interpolate' | 'Remove islands' | 'Clear label';

export interface MaskEditorContext {
  readonly store: Store<ViewerState>;
  readonly mask: MaskStore;
  /** Scaled voxels of the channel on screen (threshold and intensity fill); null while it is not loaded. */
  image(): Float32Array | null;
  post(label: EditLabel, edit: LabelEdit): void;
}

interface ActiveStroke { readonly stroke: PaintStroke; readonly view: SliceView; readonly label: EditLabel; readonly slice: number }

export class MaskEditor {
  private active: ActiveStroke | null = null;
  private readonly edited = new EditedSlices();

  constructor(private readonly ctx: MaskEditorContext) {}

  private get state(): ViewerState {
    return this.ctx.store.get();
  }

  get painting(): boolean {
    return this.active !== null;
  }

  /** Threshold-constrained painting: only voxels of the channel on screen within [lo, hi]. */
  private constraint(): SetConstraint {
    const t = this.state.editor.threshold;
    if (!t.enabled) return {};
    const data = this.ctx.image();
    return data && t.lo <= t.hi ? { image: { data, lo: t.lo, hi: t.hi } } : {};
  }

  /** Edits already written into the copy: marks their slices and updates the stats in one state change. */
  private changed(edits: readonly LabelEdit[], direction: 'apply' | 'revert' = 'apply'): void {
    if (edits.length === 0) return;
    this.ctx.store.update((s) => {
      let stats = s.maskStats;
      for (const e of edits) {
        this.ctx.mask.touched(e);
        stats = updateLabelStats(stats, e, direction);
      }
      // Painting shows the mask: a hidden layer would make every stroke look lost.
      const maskLayer = s.maskLayer.visible ? s.maskLayer : { ...s.maskLayer, visible: true };
      return { maskStats: stats, maskRevision: this.ctx.mask.revision, maskLayer };
    });
  }

  private commit(label: EditLabel, edit: LabelEdit): void {
    if (edit.count > 0) this.ctx.post(label, edit);
  }

  beginStroke(view: SliceView, voxel: Voxel): void {
    this.endStroke();
    const s = this.state;
    const tool = s.editor.tool;
    if (tool !== 'brush' && tool !== 'eraser') return;
    const stroke = new PaintStroke({
      mask: this.ctx.mask.data, shape: s.doc.shape, spacing: s.doc.spacing,
      value: tool === 'eraser' ? 0 : s.editor.activeLabel,
      radiusMm: s.editor.brushRadiusMm, plane: s.editor.brush3d ? null : view, constraint: this.constraint(),
    });
    const slice = voxel[axesOf(s, view).normal];
    this.active = { stroke, view, label: tool === 'eraser' ? 'Eraser' : 'Brush', slice };
    this.changed(stroke.moveTo(voxel));
  }

  moveStroke(voxel: Voxel): void {
    if (!this.active) return;
    // A 2D stroke stays in the slice it started on, whatever the pointer's slice coordinate says.
    const at = [...voxel] as [number, number, number];
    if (!this.active.stroke.spec.plane) this.changed(this.active.stroke.moveTo(at));
    else {
      at[axesOf(this.state, this.active.view).normal] = this.active.slice;
      this.changed(this.active.stroke.moveTo(at));
    }
  }

  /** Pointer up: the whole stroke goes to the host as one edit. */
  endStroke(): void {
    const a = this.active;
    if (!a) return;
    this.active = null;
    const edit = a.stroke.finish();
    if (edit.count === 0) return;
    this.edited.record(a.view, this.state.editor.activeLabel, a.slice);
    this.commit(a.label, edit);
  }

  fillAt(view: SliceView, voxel: Voxel): void {
    this.endStroke();
    const s = this.state;
    const f = s.editor.fill;
    const mask = this.ctx.mask.data;
    const [X, Y] = s.doc.shape;
    let criterion: FillCriterion;
    if (f.mode === 'label') criterion = { kind: 'label', mask };
    else {
      const image = this.ctx.image();
      if (!image) return;
      const seed = image[voxel[0] + X * (voxel[1] + Y * voxel[2])]!;
      const [lo, hi] = f.mode === 'tolerance' ? [seed - f.tolerance, seed + f.tolerance] : [f.lo, f.hi];
      criterion = { kind: 'range', image, lo, hi };
    }
    const region = floodFill(voxel, s.doc.shape, criterion, f.is3d ? {} : { plane: view });
    const edit = setValues(mask, region, s.editor.activeLabel, this.constraint());
    this.changed([edit]);
    if (edit.count > 0) this.edited.record(view, s.editor.activeLabel, voxel[axesOf(s, view).normal]);
    this.ctx.store.update((st) => setNote(st, region.length === 0 ? 'Fill: the seed voxel is outside the range' : `Fill: ${edit.count} voxels changed`));
    this.commit('Fill', edit);
  }

  /** Interpolates the active label between the focused view's two most recently edited slices (≥ 2 apart). */
  interpolate(): void {
    this.endStroke();
    const s = this.state;
    const view = s.focused;
    const label = s.editor.activeLabel;
    const pair = this.edited.pair(view, label);
    const name = nameOfLabel(s.editor.labels, label);
    if (!pair) {
      const have = this.edited.slices(view, label).map((k) => k + 1);
      this.ctx.store.update((st) => setNote(st, `Interpolate needs two edited ${view} slices of "${name}" with a slice between them; `
        + (have.length ? `edited so far: ${have.join(', ')}` : 'none edited yet')));
      return;
    }
    const edit = interpolateSlices(this.ctx.mask.data, s.doc.shape, s.doc.spacing, {
      plane: view, k0: pair[0], k1: pair[1], label, constraint: { ...this.constraint(), onlyLabel: 0 },
    });
    this.changed([edit]);
    this.ctx.store.update((st) => setNote(st, `Interpolated "${name}" between ${view} slices ${pair[0] + 1} and ${pair[1] + 1}: ${edit.count} voxels`));
    this.commit('Interpolate', edit);
  }

  removeIslands(): void {
    this.endStroke();
    const s = this.state;
    const label = s.editor.islandsAllLabels ? undefined : s.editor.activeLabel;
    const edit = removeIslands(this.ctx.mask.data, s.doc.shape, s.editor.islandsMin, label);
    this.changed([edit]);
    this.ctx.store.update((st) => setNote(st, `Removed ${edit.count} voxels in islands under ${s.editor.islandsMin} voxels`));
    this.commit('Remove islands', edit);
  }

  clearLabel(): void {
    this.endStroke();
    const s = this.state;
    const edit = clearLabel(this.ctx.mask.data, s.editor.activeLabel);
    this.changed([edit]);
    this.ctx.store.update((st) => setNote(st, `Cleared "${nameOfLabel(s.editor.labels, s.editor.activeLabel)}": ${edit.count} voxels`));
    this.commit('Clear label', edit);
  }

  /** Undo (the inverse edit), redo or another panel's edit. A stroke in progress is sent first, so it is not lost. */
  applyHostEdit(encoded: EncodedLabelEdit): void {
    this.endStroke();
    const edit = decodeEdit(encoded);
    this.ctx.mask.apply(edit);
    this.ctx.store.update((s) => ({ maskStats: updateLabelStats(s.maskStats, edit, 'apply'), maskRevision: this.ctx.mask.revision }));
  }

  /** Revert or resync: the host's mask replaces the copy; a stroke in progress is dropped with it. */
  replaceMask(data: ArrayBuffer, info: MaskInfo): void {
    this.active = null;
    this.edited.clear();
    this.ctx.mask.replace(data);
    const stats = computeLabelStats(this.ctx.mask.data, this.state.doc.spacing);
    this.ctx.store.update((s) => ({
      maskStats: stats, maskRevision: this.ctx.mask.revision, maskInfo: info, maskLayer: { ...s.maskLayer, name: info.file },
    }));
  }
}
