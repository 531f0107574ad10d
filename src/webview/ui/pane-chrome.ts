// The DOM over each pane: the crosshair, orientation letters on its four edges, its title and slice number, and the
// box the pointer tools listen on. `data-slice-rect` publishes where the slice lands (pane-local CSS px) for UI tests.
import type { PaneRect } from '../geometry/pane-layout';
import { faceLetterPositions, volumeBox } from '../geometry/orbit-camera';
import { sliceRectOnScreen, sliceToScreen, type ViewTransform } from '../geometry/view-transform';
import { edgeLetters, VIEW_TITLES, type PaneView, type SliceView } from '../geometry/views';
import { axesOf, sliceIndexOf, viewTransformOf } from '../state/derived';
import type { ViewerState } from '../state/viewer-state';
import { el, placeBox, setText } from './dom';

interface PaneNodes {
  readonly root: HTMLElement;
  readonly title: HTMLElement;
  /** The crosshair: one device pixel wide lines over the canvas, so moving it redraws no WebGL. */
  readonly crossV: HTMLElement;
  readonly crossH: HTMLElement;
  /** The brush's footprint around the voxel under the pointer (brush and eraser tools). */
  readonly brush: HTMLElement;
  /** 3D pane: R/L/A/P/S/I on the volume's faces. */
  readonly faces: Map<string, HTMLElement>;
  readonly letters: Record<'left' | 'right' | 'top' | 'bottom', HTMLElement>;
}

export class PaneChrome {
  private readonly nodes = new Map<PaneView, PaneNodes>();

  constructor(private readonly container: HTMLElement) {}

  update(state: ViewerState, panes: readonly PaneRect[]): void {
    const shown = new Set(panes.map((p) => p.view));
    for (const [view, nodes] of this.nodes) if (!shown.has(view)) nodes.root.hidden = true;
    for (const pane of panes) {
      const nodes = this.nodesFor(pane.view);
      nodes.root.hidden = false;
      placeBox(nodes.root, pane);
      nodes.root.classList.toggle('swv-focused', pane.view === state.focused && panes.length > 1);
      if (pane.view === '3d') {
        setText(nodes.title, '3D · drag to orbit');
        this.placeFaceLetters(nodes, state, pane);
        continue;
      }
      const axes = axesOf(state, pane.view);
      const letters = edgeLetters(axes);
      for (const edge of ['left', 'right', 'top', 'bottom'] as const) setText(nodes.letters[edge], letters[edge]);
      const n = state.doc.shape[axes.normal];
      setText(nodes.title, `${VIEW_TITLES[pane.view]} ${sliceIndexOf(state, pane.view) + 1}/${n}`);
      const t = viewTransformOf(state, pane.view, pane);
      this.placeCrosshair(nodes, pane, sliceToScreen(t, state.cursor[axes.horizontal], state.cursor[axes.vertical]));
      this.placeBrush(nodes, state, pane.view, t);
      const r = sliceRectOnScreen(t);
      const rect = [r.left, r.top, r.width, r.height].map((v) => v.toFixed(3)).join(',');
      if (nodes.root.dataset.sliceRect !== rect) nodes.root.dataset.sliceRect = rect;
    }
  }

  /** The 3D pane's letters sit on the centres of the volume's faces, projected with the pane's camera. */
  private placeFaceLetters(nodes: PaneNodes, state: ViewerState, pane: PaneRect): void {
    const spots = faceLetterPositions(volumeBox(state.doc.shape, state.doc.spacing), state.orbit, pane.width, pane.height);
    for (const [letter, [x, y]] of Object.entries(spots)) {
      const node = nodes.faces.get(letter);
      if (!node) continue;
      node.hidden = !(x >= 0 && y >= 0 && x < pane.width && y < pane.height);
      placeBox(node, { left: x - 6, top: y - 8, width: 12, height: 16 });
    }
  }

  /** Lines through the device pixel the cursor's voxel centre falls in. */
  private placeCrosshair(nodes: PaneNodes, pane: PaneRect, [x, y]: [number, number]): void {
    const dpr = window.devicePixelRatio || 1;
    const px = Math.floor((pane.left + x) * dpr) / dpr - pane.left;
    const py = Math.floor((pane.top + y) * dpr) / dpr - pane.top;
    nodes.crossV.hidden = !(px >= 0 && px < pane.width);
    nodes.crossH.hidden = !(py >= 0 && py < pane.height);
    placeBox(nodes.crossV, { left: px, top: 0, width: 1 / dpr, height: pane.height });
    placeBox(nodes.crossH, { left: 0, top: py, width: pane.width, height: 1 / dpr });
  }

  /** A circle of the brush's radius (mm × CSS px per mm) centred on the voxel the next dab is centred on. */
  private placeBrush(nodes: PaneNodes, state: ViewerState, view: SliceView, t: ViewTransform): void {
    const tool = state.editor.tool;
    const hover = state.hover;
    const show = (tool === 'brush' || tool === 'eraser') && state.pointerView === view && hover !== null;
    nodes.brush.hidden = !show;
    if (!show) return;
    const axes = axesOf(state, view);
    const [x, y] = sliceToScreen(t, hover[axes.horizontal], hover[axes.vertical]);
    const r = state.editor.brushRadiusMm * t.scale;
    placeBox(nodes.brush, { left: x - r, top: y - r, width: 2 * r, height: 2 * r });
    nodes.brush.classList.toggle('swv-brush-eraser', tool === 'eraser');
    nodes.brush.dataset.radiusPx = r.toFixed(2);
  }

  /** The pane element a DOM event landed in, and its view. */
  viewAt(target: EventTarget | null): { view: PaneView; element: HTMLElement } | null {
    const element = (target as Element | null)?.closest?.('.swv-pane') as HTMLElement | null;
    const view = element?.dataset.view as PaneView | undefined;
    return element && view ? { view, element } : null;
  }

  private nodesFor(view: PaneView): PaneNodes {
    let nodes = this.nodes.get(view);
    if (nodes) return nodes;
    const letter = (edge: string) => el('span', { className: `swv-letter swv-letter-${edge}`, attrs: { 'data-edge': edge } });
    const letters = { left: letter('left'), right: letter('right'), top: letter('top'), bottom: letter('bottom') };
    const title = el('span', { className: 'swv-pane-title' });
    const crossV = el('div', { className: 'swv-cross swv-cross-v' });
    const crossH = el('div', { className: 'swv-cross swv-cross-h' });
    const brush = el('div', { className: 'swv-brush-cursor', attrs: { 'data-brush-cursor': view } });
    brush.hidden = true;
    const faces = new Map(view === '3d' ? [...'RLAPSI'].map((l) => [l, el('span', { className: 'swv-face-letter', text: l, attrs: { 'data-face': l } })]) : []);
    const root = el('div', {
      className: `swv-pane swv-pane-${view}`,
      attrs: { 'data-view': view, tabindex: '0', 'aria-label': `${VIEW_TITLES[view]} view` },
    }, view === '3d' ? [title, ...faces.values()] : [crossV, crossH, brush, title, letters.left, letters.right, letters.top, letters.bottom]);
    this.container.append(root);
    nodes = { root, title, letters, crossV, crossH, brush, faces };
    this.nodes.set(view, nodes);
    return nodes;
  }

  clear(): void {
    for (const nodes of this.nodes.values()) nodes.root.remove();
    this.nodes.clear();
  }
}
