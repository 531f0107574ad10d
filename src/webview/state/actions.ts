// Pure state transitions: each takes the current state (and what it needs) and returns the fields that change.
import type { Overlay, ViewerSettings } from '../../core/viewer-protocol/messages';
import { DEFAULT_CAMERA, type ViewCamera } from '../geometry/view-transform';
import { viewAxes, type PaneView, type SliceView } from '../geometry/views';
import { clampVoxel, type Voxel } from '../geometry/voxel-coords';
import { applyEditorSettings } from './editor-actions';
import type { IntensityStats } from '../model/intensity-stats';
import type { ColormapName } from '../render/colormaps';
import {
  DEFAULT_ORBIT, type DisplaySettings, type Orbit, type OverlayLayerState, type ViewerState, type WindowPreset,
} from './viewer-state';

type Change = Partial<ViewerState>;

export function setCursor(s: ViewerState, voxel: readonly number[]): Change {
  const cursor = clampVoxel(voxel, s.doc.shape);
  return sameVoxel(cursor, s.cursor) ? {} : { cursor };
}

/** Moves one view's slice by `delta` voxels along its normal (positive: towards R, A or S). */
export function moveSlice(s: ViewerState, view: SliceView, delta: number): Change {
  const axis = viewAxes(view, s.convention).normal;
  const next = [...s.cursor];
  next[axis] = next[axis]! + delta;
  return setCursor(s, next);
}

export function setCamera(s: ViewerState, view: SliceView, camera: ViewCamera): Change {
  return { cameras: { ...s.cameras, [view]: camera } };
}

export function resetView(s: ViewerState, view: PaneView): Change {
  return view === '3d' ? { orbit: DEFAULT_ORBIT } : setCamera(s, view, DEFAULT_CAMERA);
}

export function orbitBy(s: ViewerState, dAzimuth: number, dElevation: number): Change {
  const limit = Math.PI / 2 - 0.01;
  const orbit: Orbit = {
    ...s.orbit,
    azimuth: s.orbit.azimuth + dAzimuth,
    elevation: Math.min(limit, Math.max(-limit, s.orbit.elevation + dElevation)),
  };
  return { orbit };
}

export function zoomOrbit(s: ViewerState, factor: number): Change {
  return { orbit: { ...s.orbit, zoom: Math.min(20, Math.max(0.2, s.orbit.zoom * factor)) } };
}

export function applySettings(s: ViewerState, settings: ViewerSettings): Change {
  return { convention: settings.convention, layout: settings.layout, ...applyEditorSettings(s, settings.editor) };
}

/** The window a preset gives for a channel's statistics. */
export function presetWindow(preset: Exclude<WindowPreset, 'custom'>, stats: IntensityStats): { window: number; level: number } {
  const [lo, hi] = preset === 'auto' ? [stats.low, stats.high] : [stats.min, stats.max];
  const window = hi > lo ? hi - lo : Math.max(1e-6, Math.abs(hi) * 1e-3, 1);
  return { window, level: hi > lo ? (lo + hi) / 2 : lo };
}

export function displayOf(s: ViewerState, channel = s.channel): DisplaySettings | undefined {
  return s.displays[channel];
}

/** A channel's first display: the auto window and grey. */
export function ensureDisplay(s: ViewerState, channel: number, stats: IntensityStats): Change {
  if (s.displays[channel]) return {};
  const display: DisplaySettings = { ...presetWindow('auto', stats), preset: 'auto', colormap: 'grey' };
  return { displays: { ...s.displays, [channel]: display } };
}

export function applyPreset(s: ViewerState, channel: number, preset: Exclude<WindowPreset, 'custom'>, stats: IntensityStats): Change {
  const current = s.displays[channel];
  const display: DisplaySettings = { colormap: current?.colormap ?? 'grey', ...presetWindow(preset, stats), preset };
  return { displays: { ...s.displays, [channel]: display } };
}

export function setWindowLevel(s: ViewerState, channel: number, window: number, level: number): Change {
  const current = s.displays[channel];
  if (!current || !Number.isFinite(window) || !Number.isFinite(level)) return {};
  const display: DisplaySettings = { ...current, window: Math.max(window, 1e-6), level, preset: 'custom' };
  return { displays: { ...s.displays, [channel]: display } };
}

export function setColormap(s: ViewerState, channel: number, colormap: ColormapName): Change {
  const current = s.displays[channel];
  return current ? { displays: { ...s.displays, [channel]: { ...current, colormap } } } : {};
}

export function layerForOverlay(overlay: Overlay): OverlayLayerState {
  return overlay.kind === 'labels'
    ? { kind: 'labels', name: overlay.name, visible: true, opacity: 0.5, outline: false, hidden: [] }
    : { kind: 'probability', name: overlay.name, visible: true, opacity: 0.6, threshold: 0.5 };
}

/**
 * Adds an overlay's layer (with `fresh`'s settings, the defaults unless given), or keeps the settings of the layer
 * it replaces (same name and kind).
 */
export function upsertOverlayLayer(s: ViewerState, overlay: Overlay, fresh: OverlayLayerState = layerForOverlay(overlay)): Change {
  const index = s.overlays.findIndex((l) => l.name === overlay.name);
  const old = s.overlays[index];
  if (old && old.kind === overlay.kind) return {};
  let overlays = index >= 0 ? s.overlays.map((l, i) => (i === index ? fresh : l)) : [...s.overlays, fresh];
  // One labels layer and one probability layer are drawn at a time: a new one takes over from the others.
  const shown = overlays.find((l) => l.name === overlay.name)!;
  overlays = overlays.map((l) => (l !== shown && l.kind === shown.kind && l.visible ? { ...l, visible: false } : l));
  return { overlays };
}

/** Drops a layer from the list (its data leaves the OverlayStore at the same time). */
export function removeOverlayLayer(s: ViewerState, name: string): Change {
  return s.overlays.some((l) => l.name === name) ? { overlays: s.overlays.filter((l) => l.name !== name) } : {};
}

export function updateOverlayLayer(s: ViewerState, name: string, patch: Partial<OverlayLayerState>): Change {
  const target = s.overlays.find((l) => l.name === name);
  if (!target) return {};
  const updated = { ...target, ...patch } as OverlayLayerState;
  const overlays = s.overlays.map((l) => {
    if (l === target) return updated;
    // Showing a layer hides the others of its kind.
    return patch.visible && l.kind === target.kind && l.visible ? { ...l, visible: false } : l;
  });
  return { overlays };
}

export function toggleLabel(s: ViewerState, name: string, label: number, shown: boolean): Change {
  const layer = s.overlays.find((l) => l.name === name);
  if (!layer || layer.kind !== 'labels') return {};
  const hidden = new Set(layer.hidden);
  if (shown) hidden.delete(label);
  else hidden.add(label);
  return updateOverlayLayer(s, name, { hidden: [...hidden].sort((a, b) => a - b) });
}

function sameVoxel(a: Voxel, b: Voxel): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}
