// Pure state transitions of the mask tools' settings: tool, label, brush size and shape, threshold, fill, clean-up.
// The voxel-writing commands live in tools/mask-editor.ts; these only change what the next command will do.
import { DEFAULT_EDITOR_SETTINGS, type EditorSettings, type LabelColor } from '../../core/viewer-protocol/messages';
import type { EditorState, EditorTool, ViewerState } from './viewer-state';

type Change = Partial<ViewerState>;

function editor(s: ViewerState, patch: Partial<EditorState>): Change {
  return { editor: { ...s.editor, ...patch } };
}

export function setTool(s: ViewerState, tool: EditorTool): Change {
  return s.editor.tool === tool ? {} : editor(s, { tool, note: null });
}

export function pickLabel(s: ViewerState, label: number): Change {
  if (!Number.isInteger(label) || label < 1 || label > 255) return {};
  return s.editor.activeLabel === label ? {} : editor(s, { activeLabel: label });
}

/** Digits 1..9: the label at that place in the picker's list. */
export function pickLabelAt(s: ViewerState, place: number): Change {
  const entry = s.editor.labels[place - 1];
  return entry ? pickLabel(s, entry.label) : {};
}

export function cycleLabel(s: ViewerState, step: 1 | -1): Change {
  const list = s.editor.labels;
  if (list.length === 0) return {};
  const at = list.findIndex((l) => l.label === s.editor.activeLabel);
  const next = list[(at + step + list.length) % list.length]!;
  return pickLabel(s, at < 0 ? list[0]!.label : next.label);
}

export function minBrushRadius(s: ViewerState): number {
  return Math.min(...s.doc.spacing) / 2;
}

export const MAX_BRUSH_RADIUS_MM = 100;

export function setBrushRadius(s: ViewerState, radiusMm: number): Change {
  if (!Number.isFinite(radiusMm)) return {};
  const r = Math.round(Math.min(MAX_BRUSH_RADIUS_MM, Math.max(minBrushRadius(s), radiusMm)) * 100) / 100;
  return r === s.editor.brushRadiusMm ? {} : editor(s, { brushRadiusMm: r });
}

/** One size step up or down: about a voxel for small brushes, 15 % for large ones, so both ends stay usable. */
export function stepBrushRadius(s: ViewerState, direction: 1 | -1): Change {
  const r = s.editor.brushRadiusMm;
  const step = Math.max(minBrushRadius(s), r * 0.15);
  return setBrushRadius(s, r + direction * step);
}

export function toggleBrush3d(s: ViewerState): Change {
  return editor(s, { brush3d: !s.editor.brush3d });
}

export function setThreshold(s: ViewerState, patch: Partial<EditorState['threshold']>): Change {
  const t = { ...s.editor.threshold, ...patch };
  if (!Number.isFinite(t.lo) || !Number.isFinite(t.hi)) return {};
  return editor(s, { threshold: t });
}

export function toggleThreshold(s: ViewerState): Change {
  return setThreshold(s, { enabled: !s.editor.threshold.enabled });
}

export function setFill(s: ViewerState, patch: Partial<EditorState['fill']>): Change {
  const f = { ...s.editor.fill, ...patch };
  if (![f.tolerance, f.lo, f.hi].every(Number.isFinite) || f.tolerance < 0) return {};
  return editor(s, { fill: f });
}

export function setIslands(s: ViewerState, patch: { islandsMin?: number; islandsAllLabels?: boolean }): Change {
  if (patch.islandsMin !== undefined && !(Number.isInteger(patch.islandsMin) && patch.islandsMin >= 1)) return {};
  return editor(s, patch);
}

export function setNote(s: ViewerState, note: string | null): Change {
  return s.editor.note === note ? {} : editor(s, { note });
}

export function setEditorLabels(s: ViewerState, labels: readonly LabelColor[]): Change {
  return editor(s, { labels });
}

/** The editor part of the host's settings: label list and shortcuts (tool and sizes are the panel's own). */
export function applyEditorSettings(s: ViewerState, settings: EditorSettings | undefined): Change {
  const e = settings ?? DEFAULT_EDITOR_SETTINGS;
  return editor(s, { labels: e.labels, shortcuts: { ...DEFAULT_EDITOR_SETTINGS.shortcuts, ...e.shortcuts } });
}

/** A label list with an entry renamed or recoloured in place, or added at the end (places are digit shortcuts). */
export function withLabel(labels: readonly LabelColor[], entry: LabelColor): LabelColor[] {
  const at = labels.findIndex((l) => l.label === entry.label);
  return at >= 0 ? labels.map((l, i) => (i === at ? entry : l)) : [...labels, entry];
}
