// The mouse and keyboard scheme, shown by the toolbar's "?" (as a tooltip and as a panel).
export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['Left click / drag', 'move the crosshair (all views follow)'],
  ['Wheel, ↑/↓, PgUp/PgDn', 'next/previous slice (±1, ±10) of the view under the pointer'],
  ['Ctrl + wheel', 'zoom around the pointer'],
  ['Shift + left drag, or middle drag', 'pan'],
  ['Right drag', 'window (left/right) and level (up/down)'],
  ['Double click', 'reset the view (zoom and pan; 3D: camera)'],
  ['Left drag in 3D', 'orbit; wheel in 3D: zoom'],
  ['Sagittal view', 'anterior on the left, as in ITK-SNAP'],
];

export function helpText(): string {
  return HELP_LINES.map(([k, v]) => `${k}: ${v}`).join('\n');
}
