// Where each pane sits in the viewing area, in CSS pixels: 1×1 (one chosen view), 1×3 (the three slice views) and
// 2×2 (axial, coronal / sagittal, 3D).
import type { Layout } from '../../core/viewer-protocol/messages';
import type { PaneView } from './views';

export interface PaneRect {
  readonly view: PaneView;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export const PANE_GAP = 2;

export function panesOf(layout: Layout, single: PaneView): PaneView[] {
  switch (layout) {
    case '1x1': return [single];
    case '1x3': return ['axial', 'coronal', 'sagittal'];
    case '2x2': return ['axial', 'coronal', 'sagittal', '3d'];
  }
}

export function layoutPanes(layout: Layout, single: PaneView, width: number, height: number, gap = PANE_GAP): PaneRect[] {
  const views = panesOf(layout, single);
  const [cols, rows] = layout === '1x1' ? [1, 1] : layout === '1x3' ? [3, 1] : [2, 2];
  const cellW = Math.max(1, Math.floor((width - gap * (cols - 1)) / cols));
  const cellH = Math.max(1, Math.floor((height - gap * (rows - 1)) / rows));
  return views.map((view, n) => {
    const col = n % cols;
    const row = Math.floor(n / cols);
    const left = col * (cellW + gap);
    const top = row * (cellH + gap);
    // The last column and row take up what rounding left over.
    const w = col === cols - 1 ? Math.max(1, width - left) : cellW;
    const h = row === rows - 1 ? Math.max(1, height - top) : cellH;
    return { view, left, top, width: w, height: h };
  });
}
