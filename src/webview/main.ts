// The viewer webview's entry point (bundled to dist/webview.js, an iife). It talks to the extension host only
// through the viewer protocol; it never imports vscode, node modules or the extension's code.
import type { HostToWebview, WebviewToHost } from '../core/viewer-protocol/messages';
import { ViewerApp } from './app';
import './ui/elements';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

function boot(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  if (!root.id) root.id = 'app';
  const api = typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : { postMessage: (m: unknown) => window.parent.postMessage(m, '*'), getState: () => undefined, setState: () => undefined };
  const post = (message: WebviewToHost) => api.postMessage(message);
  window.addEventListener('error', (e) => post({ type: 'error', message: e.message }));
  window.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: String((e.reason as Error)?.message ?? e.reason) }));
  const app = new ViewerApp(root, post, { getState: () => api.getState(), setState: (s) => api.setState(s) });
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as HostToWebview | undefined;
    if (data && typeof data === 'object' && typeof data.type === 'string') app.onMessage(data);
  });
  app.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
