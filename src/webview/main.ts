// Placeholder until the viewer lands: lets the host know the bundled script loaded.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

if (typeof acquireVsCodeApi === 'function') {
  acquireVsCodeApi().postMessage({ type: 'ready' });
}

export {};
