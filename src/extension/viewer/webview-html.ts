// The HTML of a viewer panel, and of the page shown instead when a file cannot be opened. The contract with the
// webview bundle: media/viewer.css, an empty #app, and dist/webview.js, nothing else; no remote content at all.
import { randomBytes } from 'node:crypto';

/** A fresh nonce per page load: only our own script tag (and style tags the script marks with it) may run. */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * default-src 'none' forbids everything not listed (fetch, frames, workers, media, remote anything). Images may be
 * data:/blob: (canvas snapshots, colour bars). Styles come from the extension's own files; the nonce in style-src
 * is for @vscode-elements (Lit): where constructable stylesheets are unavailable it falls back to <style> tags
 * carrying `window.litNonce`, and its icon component copies the codicon <link>'s nonce.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ') + ';';
}

export interface ViewerPage {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly nonce: string;
  /** webview.asWebviewUri of dist/webview.js and media/viewer.css, as strings. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
}

export function viewerHtml(page: ViewerPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}

/** A static page (scripts off) that says which file failed and why; its only style is nonce'd and inline. */
export function errorHtml(page: { readonly title: string; readonly message: string; readonly nonce: string }): string {
  const csp = `default-src 'none'; style-src 'nonce-${page.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<title>${escapeHtml(page.title)}</title>
<style nonce="${escapeHtml(page.nonce)}">
  body { padding: 1.5em 2em; line-height: 1.5; }
  .problem { color: var(--vscode-errorForeground); white-space: pre-wrap; overflow-wrap: anywhere; }
  .hint { opacity: 0.8; }
</style>
</head>
<body>
<h2>Cannot show ${escapeHtml(page.title)}</h2>
<p class="problem">${escapeHtml(page.message)}</p>
<p class="hint">Fix or replace the file and reopen it, or use "Reopen Editor With…" to open it another way.</p>
</body>
</html>
`;
}

/** For text and double-quoted attributes; single quotes stay, so the CSP reads as written ('none', 'nonce-…'). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
