// The webview's DOM, built inside the host's <div id="app">: toolbar, viewing area (one canvas under the pane
// overlays), overlay side panel, status line.
import { el } from './dom';

export interface Shell {
  readonly toolbar: HTMLElement;
  readonly viewport: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly panes: HTMLElement;
  readonly message: HTMLElement;
  readonly side: HTMLElement;
  readonly status: HTMLElement;
}

export function buildShell(root: HTMLElement): Shell {
  const toolbar = el('div', { className: 'swv-toolbar', id: 'swv-toolbar', attrs: { role: 'toolbar' } });
  const canvas = el('canvas', { className: 'swv-canvas', id: 'swv-canvas' });
  const panes = el('div', { className: 'swv-panes', id: 'swv-panes' });
  const message = el('div', { className: 'swv-message', id: 'swv-message', text: 'Loading…', attrs: { role: 'status' } });
  const viewport = el('div', { className: 'swv-viewport', id: 'swv-viewport' }, [canvas, panes, message]);
  const side = el('aside', { className: 'swv-side', id: 'swv-overlays', attrs: { 'aria-label': 'Overlays' } });
  const status = el('div', { className: 'swv-status', id: 'swv-status', attrs: { role: 'status', 'aria-live': 'off' } });
  const body = el('div', { className: 'swv-body' }, [viewport, side]);
  root.classList.add('swv-app');
  root.replaceChildren(toolbar, body, status);
  return { toolbar, viewport, canvas, panes, message, side, status };
}
