// What survives VS Code re-creating a hidden webview (its context is not retained): the view of the document —
// crosshair, zoom/pan, 3D camera, windows, the 1×1 view and the channel — kept with the webview API's setState and
// restored when the next init is for the same document and grid. Layout and convention come from the settings.
import type { Voxel } from '../geometry/voxel-coords';
import type { ViewCamera } from '../geometry/view-transform';
import type { PaneView, SliceView } from '../geometry/views';
import type { DisplaySettings, Orbit, ViewerState } from './viewer-state';

export interface PersistedView {
  readonly uri: string;
  readonly shape: readonly number[];
  readonly cursor: Voxel;
  readonly cameras: Readonly<Record<SliceView, ViewCamera>>;
  readonly orbit: Orbit;
  readonly single: PaneView;
  readonly channel: number;
  readonly displays: Readonly<Record<number, DisplaySettings>>;
}

export function viewToPersist(s: ViewerState): PersistedView {
  return {
    uri: s.doc.uri, shape: s.doc.shape, cursor: s.cursor, cameras: s.cameras, orbit: s.orbit, single: s.single,
    channel: s.channel, displays: s.displays,
  };
}

/** The saved view if it belongs to this document (same URI and grid), else null. Checks what it restores. */
export function persistedFor(saved: unknown, s: ViewerState): PersistedView | null {
  const p = saved as PersistedView | null | undefined;
  if (!p || typeof p !== 'object' || p.uri !== s.doc.uri) return null;
  if (!Array.isArray(p.shape) || p.shape.join() !== s.doc.shape.join()) return null;
  if (!Array.isArray(p.cursor) || p.cursor.some((v, k) => !Number.isInteger(v) || v < 0 || v >= s.doc.shape[k]!)) return null;
  return p;
}

/** The state fields a saved view restores (the channel is restored separately: it may need fetching). */
export function restoredFields(p: PersistedView, s: ViewerState): Partial<ViewerState> {
  return { cursor: p.cursor, cameras: { ...s.cameras, ...p.cameras }, orbit: p.orbit, single: p.single, displays: { ...s.displays, ...p.displays } };
}
