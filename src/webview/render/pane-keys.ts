// What a pane's pixels depend on, as a string: a pane whose key did not change since it was last drawn is left as
// it is (the canvas keeps its drawing buffer), so a slice change redraws one 2D pane (and the 3D pane), not all.
// The crosshair is not part of the canvas (it is drawn by the DOM over it), so moving it redraws only the views
// whose slice changes.
import type { PaneView } from '../geometry/views';
import { axesOf } from '../state/derived';
import type { ViewerState } from '../state/viewer-state';
import type { GlRect } from './device-rects';
import { colorsKey, type RenderSources } from './frame-inputs';

/** The layers every view shares: channel, window, colour map and the visible overlays with their settings. */
export function layersKey(state: ViewerState, sources: RenderSources): string {
  const d = state.displays[state.channel];
  const overlays = state.overlays.filter((l) => l.visible).map((l) => {
    const id = sources.overlay(l.name)?.id ?? 0;
    const settings = l.kind === 'labels' ? `${l.outline}:${l.hidden.join('.')}` : `${l.threshold}`;
    return `${l.kind}:${id}:${l.opacity}:${settings}`;
  });
  const m = state.maskLayer;
  const mask = m.visible ? `mask:${sources.mask()?.id ?? 0}:${m.opacity}:${m.outline}:${m.hidden.join('.')}:${colorsKey(state.editor.labels)}` : 'no mask';
  return `${state.channel}|${d?.window}|${d?.level}|${d?.colormap}|${overlays.join(';')}|${mask}`;
}

/** The revisions of the mask slices a pane shows: an edit redraws only the panes whose slices it touched. */
export function maskSlicesKey(state: ViewerState, view: PaneView, sources: RenderSources): string {
  const mask = sources.mask();
  if (!mask || !state.maskLayer.visible) return '';
  const views = view === '3d' ? (['axial', 'coronal', 'sagittal'] as const) : [view];
  return views.map((v) => {
    const axis = axesOf(state, v).normal;
    return mask.sliceRevision(axis, state.cursor[axis]);
  }).join(',');
}

/** Everything but the mask's slice revisions (maskSlicesKey): when only those changed, a pane may redraw in part. */
export function paneKey(state: ViewerState, view: PaneView, rect: GlRect, layers: string): string {
  const where = `${rect.x},${rect.y},${rect.w},${rect.h}`;
  if (view === '3d') {
    const o = state.orbit;
    return `3d|${where}|${state.cursor.join(',')}|${o.azimuth},${o.elevation},${o.zoom}|${layers}`;
  }
  const camera = state.cameras[view];
  const slice = state.cursor[axesOf(state, view).normal];
  return `${view}|${where}|${slice}|${state.convention}|${camera.zoom},${camera.center?.join(',') ?? ''}|${layers}`;
}
