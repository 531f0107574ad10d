// Runs the built viewer (dist/webview.js) in headless Chromium the way VS Code hosts it: the extension host's own
// HTML (viewerHtml from src/extension/viewer/webview-html.ts, with its strict CSP and nonce), a stand-in
// acquireVsCodeApi (injected before any page script) that records what the webview posts, and host messages
// delivered as window 'message' events. Voxel buffers cross into the page as base64 (no fetch: the CSP has no
// connect-src, as in VS Code).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, viewerHtml } from '../src/extension/viewer/webview-html';
import { answer, type HostToWebview, type WebviewToHost } from '../src/core/viewer-protocol';
import { decodeEdit, type EncodedLabelEdit, type LabelEdit } from '../src/core/labels';
import { decodePng, type RgbaImage } from './webview-png';
import type { StandInDocument } from './webview-host';

const repoRoot = resolve(import.meta.dirname, '..');
export const CHROMIUM = process.env.SWINFUSE_CHROMIUM ?? '/usr/bin/chromium';
// Software WebGL2 (SwiftShader through ANGLE) with GPU compositing. Not --disable-gpu: Chromium's software compositor
// then redraws the part of a WebGL canvas under an overlapping element from the vertically mirrored place
// (seen on Chromium 156: a help panel over the top of the canvas blanked the bottom of another pane).
export const CHROMIUM_ARGS = process.env.SWINFUSE_CHROMIUM_ARGS?.split(' ') ?? ['--no-sandbox', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Injected before the page's scripts (so the CSP does not apply to it), as VS Code injects acquireVsCodeApi.
const STAND_IN = `(() => {
  const posted = [];
  window.__posted = posted;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  function bytes(b64) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(b64);
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function decode(v) {
    if (v === null || typeof v !== 'object') return v;
    if (typeof v.$b64 === 'string') return bytes(v.$b64).buffer;
    if (Array.isArray(v)) return v.map(decode);
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = decode(x);
    return out;
  }
  // Messages are decoded first and kept, so that delivery itself can be timed apart from the transfer.
  window.__stage = (encoded) => { window.__staged = decode(encoded); };
  window.__deliverStaged = () => {
    const data = window.__staged;
    window.__staged = undefined;
    const t = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data }));
    return t;
  };
  // Posted messages are kept as JSON with every ArrayBuffer as {$b64} (edits carry their voxels in ArrayBuffers).
  function record(v) {
    if (v instanceof ArrayBuffer) {
      const b = new Uint8Array(v);
      if (b.toBase64) return { $b64: b.toBase64() };
      let s = '';
      for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
      return { $b64: btoa(s) };
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(record);
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = record(x);
    return out;
  }
  window.__deliver = (encoded) => { window.__stage(encoded); return window.__deliverStaged(); };
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    // VS Code keeps a webview's state across reloads and re-creation; sessionStorage does the same here.
    return {
      postMessage(m) {
        posted.push(record(m));
        if (m && m.type === 'request') window.__hostRequest(m).then((reply) => window.__deliver(reply));
      },
      getState() { const s = sessionStorage.getItem('vscode-state'); return s === null ? undefined : JSON.parse(s); },
      setState(s) { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
    };
  };
})();`;

export class ViewerHarness {
  private constructor(private readonly server: Server, readonly browser: Browser, readonly origin: string) {}

  static async start(): Promise<ViewerHarness> {
    const holder: { h?: ViewerHarness } = {};
    const server = createServer((req, res) => holder.h!.serve(req.url ?? '/', res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    holder.h = new ViewerHarness(server, browser, origin);
    return holder.h;
  }

  private serve(url: string, res: import('node:http').ServerResponse): void {
    const path = url.split('?')[0]!;
    const send = (type: string, body: Buffer | string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (path === '/viewer.html') {
        send('text/html; charset=utf-8', viewerHtml({
          cspSource: this.origin, nonce: makeNonce(), title: 'viewer',
          scriptUri: `${this.origin}/dist/webview.js`, styleUri: `${this.origin}/media/viewer.css`,
        }));
      } else if (path === '/favicon.ico') {
        res.writeHead(204);
        res.end();
      } else if (path === '/dist/webview.js' || path === '/dist/webview.js.map' || path === '/media/viewer.css') {
        send(path.endsWith('.css') ? 'text/css' : 'text/javascript', readFileSync(join(repoRoot, path)));
      } else {
        res.writeHead(404);
        res.end();
      }
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  }

  /** Replaces every ArrayBuffer in a message by its base64, which the stand-in turns back into an ArrayBuffer. */
  encode(value: unknown): unknown {
    if (value instanceof ArrayBuffer) return { $b64: Buffer.from(value).toString('base64') };
    if (Array.isArray(value)) return value.map((v) => this.encode(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.encode(v)]));
    return value;
  }

  async open(doc: StandInDocument, options: { width?: number; height?: number; deviceScaleFactor?: number } = {}): Promise<ViewerPage> {
    const page = await this.browser.newPage({
      viewport: { width: options.width ?? 960, height: options.height ?? 640 }, deviceScaleFactor: options.deviceScaleFactor ?? 1,
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.exposeFunction('__hostRequest', async (message: { id: number; kind: string; params: unknown }) => {
      let reply: unknown;
      await answer<{ channel: { params: { index: number }; result: unknown } }>(message, {
        channel: async (params) => ({ result: doc.channel(params.index) }),
      }, (r) => { reply = r; });
      return this.encode(reply);
    });
    await page.addInitScript(STAND_IN);
    const viewer = new ViewerPage(this, page, doc, errors);
    await page.goto(`${this.origin}/viewer.html`);
    await viewer.waitForMessage('ready');
    return viewer;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

export interface Box { x: number; y: number; width: number; height: number }

export class ViewerPage {
  constructor(readonly harness: ViewerHarness, readonly page: Page, readonly doc: StandInDocument, readonly errors: string[]) {}

  posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  }

  /** The 'edit' messages posted so far, decoded and validated with the core's decodeEdit. */
  async edits(): Promise<{ label: string; edit: LabelEdit }[]> {
    const toBuffers = (v: unknown): unknown => {
      if (v && typeof v === 'object' && typeof (v as { $b64?: unknown }).$b64 === 'string') {
        const b = Buffer.from((v as { $b64: string }).$b64, 'base64');
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      }
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toBuffers(x)]));
      return v;
    };
    return (await this.posted()).filter((m) => m.type === 'edit').map((m) => {
      const { label, edit } = m as { label: string; edit: unknown };
      return { label, edit: decodeEdit(toBuffers(edit) as EncodedLabelEdit) };
    });
  }

  async waitForMessage(type: WebviewToHost['type'], count = 1, timeout = 30_000): Promise<WebviewToHost[]> {
    await this.page.waitForFunction(([t, n]) => (window as unknown as { __posted: { type: string }[] }).__posted
      .filter((m) => m.type === t).length >= (n as number), [type, count] as const, { timeout });
    return (await this.posted()).filter((m) => m.type === type);
  }

  /** Delivers a host message; resolves with the page's performance.now() at dispatch. */
  deliver(message: HostToWebview): Promise<number> {
    const encoded = this.harness.encode(message);
    return this.page.evaluate((m) => (window as unknown as { __deliver(m: unknown): number }).__deliver(m), encoded);
  }

  /** Moves a message into the page without dispatching it (deliverStaged dispatches it). */
  async stage(message: HostToWebview): Promise<void> {
    const encoded = this.harness.encode(message);
    await this.page.evaluate((m) => (window as unknown as { __stage(m: unknown): void }).__stage(m), encoded);
  }

  /** Sends init and waits for the 'rendered' message it answers. */
  async init(): Promise<void> {
    const before = (await this.posted()).filter((m) => m.type === 'rendered').length;
    await this.deliver(this.doc.init);
    await this.waitForMessage('rendered', before + 1);
  }

  frames(): Promise<number> {
    return this.page.evaluate(() => Number(document.body.dataset.frames ?? 0));
  }

  /** Waits until at least one more frame than `since` has been drawn, then for the DOM to settle. */
  async waitForFrame(since: number): Promise<void> {
    await this.page.waitForFunction((n) => Number(document.body.dataset.frames ?? 0) > n, since, { timeout: 15_000 });
  }

  /** Runs an action, then lets the page draw whatever frame it scheduled (two animation frames). */
  async act(action: () => Promise<unknown>): Promise<void> {
    await action();
    await this.settle();
  }

  settle(): Promise<void> {
    return this.page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  }

  /** The pane's box on the page. */
  async paneBox(view: string): Promise<Box> {
    const box = await this.page.locator(`.swv-pane[data-view="${view}"]`).boundingBox();
    if (!box) throw new Error(`no ${view} pane`);
    return box;
  }

  /** Where the slice image lands on the page (from the pane's data-slice-rect). */
  async sliceBox(view: string): Promise<Box> {
    const pane = await this.paneBox(view);
    const rect = await this.page.locator(`.swv-pane[data-view="${view}"]`).getAttribute('data-slice-rect');
    const [left, top, width, height] = (rect ?? '').split(',').map(Number) as [number, number, number, number];
    return { x: pane.x + left, y: pane.y + top, width, height };
  }

  async letters(view: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const edge of ['left', 'right', 'top', 'bottom']) {
      out[edge] = (await this.page.locator(`.swv-pane[data-view="${view}"] [data-edge="${edge}"]`).textContent()) ?? '';
    }
    return out;
  }

  async screenshot(): Promise<RgbaImage> {
    return decodePng(await this.page.screenshot({ type: 'png' }));
  }

  statusText(): Promise<string> {
    return this.page.locator('#swv-status').innerText();
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
