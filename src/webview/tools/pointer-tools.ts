// Mouse interaction on the panes → state changes. Left: crosshair (navigate tool), paint (brush, eraser) or fill;
// Shift+left (navigate only) or middle: pan; right: window/level; wheel: slice; Shift+wheel with a brush or eraser:
// brush size; Ctrl+wheel: zoom around the pointer; double click: reset; in 3D, left drag orbits and wheel zooms.
import { panBy, screenToSlice, voxelOf, zoomAround } from '../geometry/view-transform';
import type { PaneView, SliceView } from '../geometry/views';
import { insideVolume } from '../geometry/voxel-coords';
import type { IntensityStats } from '../model/intensity-stats';
import {
  moveSlice, orbitBy, resetView, setCamera, setCursor, setWindowLevel, zoomOrbit,
} from '../state/actions';
import { stepBrushRadius } from '../state/editor-actions';
import type { MaskEditor } from './mask-editor';
import { axesOf, viewTransformOf } from '../state/derived';
import type { Store } from '../state/store';
import type { ViewerState } from '../state/viewer-state';

export interface PointerContext {
  readonly store: Store<ViewerState>;
  /** The pane element under an event target, and its view. */
  paneAt(target: EventTarget | null): { view: PaneView; element: HTMLElement } | null;
  /** Statistics of the channel on screen, to scale window/level drags. */
  stats(): IntensityStats | undefined;
  readonly editor: MaskEditor;
}

const paints = (s: ViewerState): boolean => s.editor.tool === 'brush' || s.editor.tool === 'eraser';

type Drag =
  | { kind: 'cursor'; view: SliceView; element: HTMLElement }
  | { kind: 'paint'; view: SliceView; element: HTMLElement }
  | { kind: 'pan' | 'window' | 'orbit'; view: PaneView; element: HTMLElement; x: number; y: number };

function local(e: MouseEvent, element: HTMLElement): [number, number] {
  const r = element.getBoundingClientRect();
  return [e.clientX - r.left, e.clientY - r.top];
}

function paneSize(element: HTMLElement): { width: number; height: number } {
  const r = element.getBoundingClientRect();
  return { width: r.width, height: r.height };
}

/** The continuous slice position under the pointer, and its voxel (RAS layout). */
function pointed(state: ViewerState, view: SliceView, element: HTMLElement, e: MouseEvent) {
  const t = viewTransformOf(state, view, paneSize(element));
  const [x, y] = local(e, element);
  const [a, b] = screenToSlice(t, x, y);
  const axes = axesOf(state, view);
  const voxel = [...state.cursor];
  voxel[axes.horizontal] = voxelOf(a);
  voxel[axes.vertical] = voxelOf(b);
  return { t, x, y, voxel };
}

export function attachPointerTools(container: HTMLElement, ctx: PointerContext): () => void {
  const { store } = ctx;
  let drag: Drag | null = null;

  const onDown = (e: PointerEvent) => {
    const hit = ctx.paneAt(e.target);
    if (!hit) return;
    e.preventDefault();
    hit.element.focus({ preventScroll: true });
    hit.element.setPointerCapture(e.pointerId);
    const [x, y] = local(e, hit.element);
    if (hit.view === '3d') {
      drag = e.button === 0 ? { kind: 'orbit', view: hit.view, element: hit.element, x, y } : null;
      return;
    }
    const view = hit.view;
    store.update({ focused: view });
    const tool = store.get().editor.tool;
    if (e.button === 2) drag = { kind: 'window', view, element: hit.element, x, y };
    else if (e.button === 1 || (e.button === 0 && e.shiftKey && tool === 'navigate')) drag = { kind: 'pan', view, element: hit.element, x, y };
    else if (e.button === 0 && tool !== 'navigate') {
      const { voxel } = pointed(store.get(), view, hit.element, e);
      if (!insideVolume(voxel, store.get().doc.shape)) return;
      const v = voxel as unknown as ViewerState['cursor'];
      if (tool === 'fill') ctx.editor.fillAt(view, v);
      else {
        drag = { kind: 'paint', view, element: hit.element };
        ctx.editor.beginStroke(view, v);
      }
    } else if (e.button === 0) {
      drag = { kind: 'cursor', view, element: hit.element };
      store.update((s) => setCursor(s, pointed(s, view, hit.element, e).voxel));
    }
  };

  const onMove = (e: PointerEvent) => {
    if (!drag) {
      hover(e);
      return;
    }
    const s = store.get();
    if (drag.kind === 'paint') {
      ctx.editor.moveStroke(pointed(s, drag.view, drag.element, e).voxel as unknown as ViewerState['cursor']);
      hover(e);
      return;
    }
    if (drag.kind === 'cursor') {
      const { view, element } = drag;
      store.update(setCursor(s, pointed(s, view, element, e).voxel));
      hover(e);
      return;
    }
    const [x, y] = local(e, drag.element);
    const dx = x - drag.x;
    const dy = y - drag.y;
    drag.x = x;
    drag.y = y;
    if (drag.kind === 'orbit') {
      store.update(orbitBy(s, -dx * 0.01, dy * 0.01));
    } else if (drag.kind === 'pan' && drag.view !== '3d') {
      const t = viewTransformOf(s, drag.view, paneSize(drag.element));
      store.update(setCamera(s, drag.view, panBy(t, s.cameras[drag.view], dx, dy)));
    } else if (drag.kind === 'window') {
      const display = s.displays[s.channel];
      const stats = ctx.stats();
      if (!display || !stats) return;
      const span = Math.max(stats.max - stats.min, 1e-6) / 400;
      store.update(setWindowLevel(s, s.channel, display.window + dx * span, display.level + dy * span));
    }
  };

  const hover = (e: PointerEvent) => {
    const hit = ctx.paneAt(e.target) ?? ctx.paneAt(document.elementFromPoint(e.clientX, e.clientY));
    const s = store.get();
    if (!hit || hit.view === '3d') {
      store.update({ hover: null, pointerView: hit?.view ?? null });
      return;
    }
    const { voxel } = pointed(s, hit.view, hit.element, e);
    const inside = insideVolume(voxel, s.doc.shape);
    const same = inside && s.hover && s.hover.every((v, k) => v === voxel[k]);
    store.update({ hover: same ? s.hover : inside ? (voxel as unknown as ViewerState['cursor']) : null, pointerView: hit.view });
  };

  const onUp = (e: PointerEvent) => {
    if (drag?.element.hasPointerCapture(e.pointerId)) drag.element.releasePointerCapture(e.pointerId);
    // Pointer up (or a cancelled pointer) ends the stroke: its edit goes to the host either way, so nothing is lost.
    if (drag?.kind === 'paint') ctx.editor.endStroke();
    drag = null;
  };

  const onLeave = () => {
    if (!drag) store.update({ hover: null, pointerView: null });
  };

  const onWheel = (e: WheelEvent) => {
    const hit = ctx.paneAt(e.target);
    const s = store.get();
    // Chromium turns Shift+wheel into horizontal scrolling, so the size step reads whichever delta is set.
    const delta = e.deltaY || (e.shiftKey ? e.deltaX : 0);
    if (!hit || delta === 0) return;
    e.preventDefault();
    if (e.shiftKey && paints(s) && hit.view !== '3d') {
      store.update(stepBrushRadius(s, delta < 0 ? 1 : -1));
      return;
    }
    if (e.deltaY === 0) return;
    const up = e.deltaY < 0;
    if (hit.view === '3d') {
      store.update(zoomOrbit(s, up ? 1.1 : 1 / 1.1));
    } else if (e.ctrlKey || e.metaKey) {
      const t = viewTransformOf(s, hit.view, paneSize(hit.element));
      const [x, y] = local(e, hit.element);
      store.update(setCamera(s, hit.view, zoomAround(t, s.cameras[hit.view], up ? 1.15 : 1 / 1.15, x, y)));
    } else {
      store.update(moveSlice(s, hit.view, up ? 1 : -1));
    }
  };

  const onDouble = (e: MouseEvent) => {
    const hit = ctx.paneAt(e.target);
    if (hit) store.update((s) => resetView(s, hit.view));
  };

  const onContext = (e: Event) => e.preventDefault();

  container.addEventListener('pointerdown', onDown);
  container.addEventListener('pointermove', onMove);
  container.addEventListener('pointerup', onUp);
  container.addEventListener('pointercancel', onUp);
  container.addEventListener('pointerleave', onLeave);
  container.addEventListener('wheel', onWheel, { passive: false });
  container.addEventListener('dblclick', onDouble);
  container.addEventListener('contextmenu', onContext);
  return () => {
    container.removeEventListener('pointerdown', onDown);
    container.removeEventListener('pointermove', onMove);
    container.removeEventListener('pointerup', onUp);
    container.removeEventListener('pointercancel', onUp);
    container.removeEventListener('pointerleave', onLeave);
    container.removeEventListener('wheel', onWheel);
    container.removeEventListener('dblclick', onDouble);
    container.removeEventListener('contextmenu', onContext);
  };
}
