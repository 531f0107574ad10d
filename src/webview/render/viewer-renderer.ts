// Draws a frame: each pane into its own viewport of one WebGL2 canvas, redrawing only panes whose content changed.
// Owns the GPU resources; reads the state and the data, changes neither.
import { WebGLRenderer } from 'three';
import { fragmentToSliceRows, sliceRectOnScreen, sliceToScreen, type ViewTransform } from '../geometry/view-transform';
import type { ChangedBox } from '../model/mask-store';
import type { PaneRect } from '../geometry/pane-layout';
import { SLICE_VIEWS, type SliceView } from '../geometry/views';
import { axesOf, viewTransformOf } from '../state/derived';
import type { ViewerState } from '../state/viewer-state';
import { sliceLayersFor, type RenderSources } from './frame-inputs';
import { deviceRect, deviceRectOuter, intersect, type GlRect } from './device-rects';
import { LookupTextures } from './lookup-textures';
import { Pane2D } from './pane-2d';
import { Pane3D } from './pane-3d';
import { layersKey, maskSlicesKey, paneKey } from './pane-keys';
import type { SliceLayers } from './slice-material';
import { ViewSlices } from './slice-textures';

export interface FrameInput {
  readonly state: ViewerState;
  readonly sources: RenderSources;
  readonly panes: readonly PaneRect[];
  /** The canvas's CSS size and the device pixel ratio. */
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
  /** 0..1 RGB. */
  readonly background: readonly [number, number, number];
}

interface DocumentResources {
  readonly shape: readonly number[];
  readonly spacing: readonly number[];
  readonly slices: Record<SliceView, ViewSlices>;
  pane3d: Pane3D | null;
}

export class ViewerRenderer {
  private readonly gl: WebGLRenderer;
  private readonly lookups = new LookupTextures();
  private readonly empty: { float: LookupTextures['emptyFloat']; byte: LookupTextures['emptyByte'] };
  private readonly panes2d = new Map<SliceView, Pane2D>();
  private doc: DocumentResources | null = null;
  /** What each pane showed when last drawn (its key, its mask slices' revisions and the mask's revision then). */
  private readonly drawn = new Map<string, { readonly base: string; readonly masks: string; readonly maskRevision: number }>();
  private sceneKey = '';

  constructor(canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: panes that did not change are not redrawn, so the canvas must keep them between frames.
    this.gl = new WebGLRenderer({
      canvas, antialias: false, alpha: false, depth: true, stencil: false, preserveDrawingBuffer: true, powerPreference: 'high-performance',
    });
    canvas.addEventListener('webglcontextrestored', () => { this.sceneKey = ''; });
    this.gl.setPixelRatio(1);
    this.gl.autoClear = false;
    this.empty = { float: this.lookups.emptyFloat, byte: this.lookups.emptyByte };
    for (const view of SLICE_VIEWS) this.panes2d.set(view, new Pane2D(this.empty));
  }

  /** GPU resources sized for a document's RAS-layout grid; called when an init arrives. */
  setDocument(shape: readonly number[], spacing: readonly number[]): void {
    this.releaseDocument();
    const axesFor = (normal: 0 | 1 | 2, horizontal: 0 | 1 | 2, vertical: 0 | 1 | 2) => ({ normal, horizontal, vertical, horizontalDir: 1 as const });
    this.doc = {
      shape, spacing,
      slices: {
        axial: new ViewSlices(axesFor(2, 0, 1), shape),
        coronal: new ViewSlices(axesFor(1, 0, 2), shape),
        sagittal: new ViewSlices(axesFor(0, 1, 2), shape),
      },
      pane3d: null,
    };
  }

  /** Draws the panes whose content changed since they were last drawn. */
  render(frame: FrameInput): void {
    const { state, panes, dpr } = frame;
    const devW = Math.max(1, Math.round(frame.width * dpr));
    const devH = Math.max(1, Math.round(frame.height * dpr));
    const canvas = this.gl.domElement;
    if (canvas.width !== devW || canvas.height !== devH) this.gl.setSize(devW, devH, false);
    const doc = this.doc;
    const rects = panes.map((pane) => deviceRect(pane, dpr, devH));
    // A new size, layout, theme or document: clear everything and draw every pane.
    const sceneKey = `${devW}x${devH}|${frame.background.join(',')}|${panes.map((p, i) => `${p.view}@${Object.values(rects[i]!).join(',')}`).join(';')}`;
    if (sceneKey !== this.sceneKey || !doc) {
      this.sceneKey = sceneKey;
      this.drawn.clear();
      this.gl.setScissorTest(false);
      this.gl.setClearColor(rgbHex(frame.background), 1);
      this.gl.clear();
    }
    if (!doc) return;
    const shared = layersKey(state, frame.sources);
    const layers = new Map<SliceView, SliceLayers>();
    const layersOf = (view: SliceView): SliceLayers => {
      let l = layers.get(view);
      if (!l) {
        l = sliceLayersFor(view, doc.slices[view], state, frame.sources, this.lookups, frame.background);
        layers.set(view, l);
      }
      return l;
    };
    this.gl.setScissorTest(true);
    this.gl.setClearColor(rgbHex(frame.background), 1);
    const mask = frame.sources.mask();
    panes.forEach((pane, i) => {
      const r = rects[i]!;
      const base = paneKey(state, pane.view, r, shared);
      const masks = maskSlicesKey(state, pane.view, frame.sources);
      const last = this.drawn.get(pane.view);
      if (last && last.base === base && last.masks === masks) return;
      this.drawn.set(pane.view, { base, masks, maskRevision: mask?.revision ?? 0 });
      // Only the mask changed (a brush dab): redraw just the part of the slice the changes since then cover.
      const changed = last && last.base === base && mask && pane.view !== '3d' ? mask.changedSince(last.maskRevision) : 'all';
      this.gl.setViewport(r.x, r.y, r.w, r.h);
      this.gl.setScissor(r.x, r.y, r.w, r.h);
      if (changed === 'all') this.gl.clear(true, true, false);
      if (pane.view === '3d') {
        doc.pane3d ??= new Pane3D(doc.shape, doc.spacing, this.empty);
        const all = { axial: layersOf('axial'), coronal: layersOf('coronal'), sagittal: layersOf('sagittal') };
        doc.pane3d.draw(this.gl, all, state.cursor, state.orbit, r.w / Math.max(1, r.h));
        return;
      }
      // Only the slice's own rectangle runs the slice shader.
      const t = viewTransformOf(state, pane.view, pane);
      const s = sliceRectOnScreen(t);
      let drawn = intersect(r, deviceRectOuter({ left: pane.left + s.left, top: pane.top + s.top, width: s.width, height: s.height }, dpr, devH));
      if (drawn && changed !== 'all') drawn = intersect(drawn, changedRect(changed, state, pane.view, t, pane, dpr, devH));
      if (!drawn) return;
      this.gl.setScissor(drawn.x, drawn.y, drawn.w, drawn.h);
      this.panes2d.get(pane.view)!.draw(this.gl, layersOf(pane.view), fragmentToSliceRows(t, pane.left, pane.top, devH, dpr));
    });
    this.gl.setScissorTest(false);
  }

  private releaseDocument(): void {
    this.sceneKey = '';
    if (!this.doc) return;
    for (const s of Object.values(this.doc.slices)) s.dispose();
    this.doc.pane3d?.dispose();
    this.doc = null;
  }

  dispose(): void {
    this.releaseDocument();
    for (const p of this.panes2d.values()) p.dispose();
    this.lookups.dispose();
    this.gl.dispose();
  }
}

/**
 * Where changed voxels show in a pane, in device pixels: their bounds along the view's two axes, one voxel wider on
 * each side because an outlined label's edge moves to the neighbours of what changed.
 */
function changedRect(
  box: Exclude<ChangedBox, 'all'>, state: ViewerState, view: SliceView, t: ViewTransform,
  pane: { readonly left: number; readonly top: number }, dpr: number, devH: number,
): GlRect {
  const axes = axesOf(state, view);
  const a0 = box.lo[axes.horizontal]! - 1.5;
  const a1 = box.hi[axes.horizontal]! + 1.5;
  const b0 = box.lo[axes.vertical]! - 1.5;
  const b1 = box.hi[axes.vertical]! + 1.5;
  const corners = [sliceToScreen(t, a0, b0), sliceToScreen(t, a1, b1)];
  const left = Math.min(corners[0]![0], corners[1]![0]);
  const top = Math.min(corners[0]![1], corners[1]![1]);
  const width = Math.abs(corners[1]![0] - corners[0]![0]);
  const height = Math.abs(corners[1]![1] - corners[0]![1]);
  return deviceRectOuter({ left: pane.left + left, top: pane.top + top, width, height }, dpr, devH);
}

function rgbHex([r, g, b]: readonly [number, number, number]): number {
  const c = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  return (c(r) << 16) | (c(g) << 8) | c(b);
}
