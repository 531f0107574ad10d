// The mouse and keyboard scheme, shown by the toolbar's "?" (as a tooltip and as a panel).
import type { EditorAction } from '../../core/viewer-protocol/messages';
import { shortcutLabel } from '../tools/shortcuts';

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['Left click / drag', 'move the crosshair (all views follow); with a mask tool: paint, erase or fill'],
  ['Wheel, ↑/↓, PgUp/PgDn', 'next/previous slice (±1, ±10) of the view under the pointer'],
  ['Ctrl + wheel', 'zoom around the pointer'],
  ['Shift + left drag (navigate), or middle drag', 'pan'],
  ['Shift + wheel (brush, eraser)', 'brush size'],
  ['1 … 9', 'pick the label at that place in the label list'],
  ['Ctrl+Z, Ctrl+Shift+Z, Ctrl+S', 'undo, redo, save the mask (VS Code)'],
  ['Right drag', 'window (left/right) and level (up/down)'],
  ['Double click', 'reset the view (zoom and pan; 3D: camera)'],
  ['Left drag in 3D', 'orbit; wheel in 3D: zoom'],
  ['Sagittal view', 'anterior on the left, as in ITK-SNAP'],
];

const ACTION_HELP: Readonly<Record<EditorAction, string>> = {
  navigate: 'navigate tool (crosshair)', brush: 'brush tool', eraser: 'eraser tool', fill: 'fill tool',
  brushSmaller: 'smaller brush', brushLarger: 'larger brush', toggleShape3d: 'brush: 2D disk / 3D sphere',
  toggleThreshold: 'threshold-constrained painting on/off', interpolate: 'interpolate between edited slices',
  nextLabel: 'next label', previousLabel: 'previous label',
};

/** The mask tools' keys as configured (swinfuse.editor.shortcuts). */
export function editorHelpLines(shortcuts: Readonly<Record<EditorAction, string>>): [string, string][] {
  return (Object.keys(ACTION_HELP) as EditorAction[])
    .filter((a) => shortcutLabel(shortcuts[a]) !== '')
    .map((a) => [shortcutLabel(shortcuts[a]), ACTION_HELP[a]]);
}

export function helpText(shortcuts?: Readonly<Record<EditorAction, string>>): string {
  return [...HELP_LINES, ...(shortcuts ? editorHelpLines(shortcuts) : [])].map(([k, v]) => `${k}: ${v}`).join('\n');
}
