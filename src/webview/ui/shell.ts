// The webview's DOM, built inside the host's <div id="app">: toolbar, viewing area (one canvas under the pane
// overlays), side column (segmentation, mask tools, labels, statistics, layers), status line.
import { el } from './dom';

export interface Shell {
  readonly toolbar: HTMLElement;
  readonly viewport: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly panes: HTMLElement;
  readonly message: HTMLElement;
  /** The side column, and the layer (overlay) panel inside it. */
  readonly sideColumn: HTMLElement;
  readonly side: HTMLElement;
  readonly status: HTMLElement;
}

export function buildShell(root: HTMLElement): Shell {
  const toolbar = el('div', { className: 'swv-toolbar', id: 'swv-toolbar', attrs: { role: 'toolbar' } });
  const canvas = el('canvas', { className: 'swv-canvas', id: 'swv-canvas' });
  const panes = el('div', { className: 'swv-panes', id: 'swv-panes' });
  const message = el('div', { className: 'swv-message', id: 'swv-message', text: 'Loading…', attrs: { role: 'status' } });
  const viewport = el('div', { className: 'swv-viewport', id: 'swv-viewport' }, [canvas, panes, message]);
  const side = el('div', { className: 'swv-overlays', id: 'swv-overlays', attrs: { 'aria-label': 'Layers' } });
  const sideColumn = el('aside', { className: 'swv-side', id: 'swv-side' }, [side]);
  const status = el('div', { className: 'swv-status', id: 'swv-status', attrs: { role: 'status', 'aria-live': 'off' } });
  const body = el('div', { className: 'swv-body' }, [viewport, sideColumn]);
  root.classList.add('swv-app');
  root.replaceChildren(toolbar, body, status);
  return { toolbar, viewport, canvas, panes, message, sideColumn, side, status };
}
