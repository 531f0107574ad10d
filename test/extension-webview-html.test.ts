// The viewer page's HTML and Content Security Policy, the error page, and reading the viewer settings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol/messages';
import { DEFAULT_VIEWER_SETTINGS, readViewerSettings } from '../src/extension/viewer/viewer-settings';
import { contentSecurityPolicy, errorHtml, makeNonce, viewerHtml } from '../src/extension/viewer/webview-html';
import { recordingLog } from './helpers/viewer-host';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/viewer.css',
  title: 'scan <1>.nii.gz',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'a CSP meta tag');
  return new Map(content.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name!, values];
  }));
}

describe('viewer page', () => {
  const html = viewerHtml(page);

  it('allows only our nonce\'d script and the extension\'s own files', () => {
    const csp = cspOf(html);
    assert.deepEqual([...csp.keys()], ['default-src', 'img-src', 'style-src', 'font-src', 'script-src']);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${page.nonce}'`]);
    assert.deepEqual(csp.get('img-src'), [page.cspSource, 'data:', 'blob:']);
    assert.deepEqual(csp.get('style-src'), [page.cspSource, `'nonce-${page.nonce}'`]);
    assert.deepEqual(csp.get('font-src'), [page.cspSource]);
    // No remote or loosening sources anywhere: only the webview's own origin (cspSource), data: and blob:.
    for (const values of csp.values()) {
      for (const v of values) {
        assert.ok(v === page.cspSource || ['data:', 'blob:', "'none'", `'nonce-${page.nonce}'`].includes(v), `unexpected source ${v}`);
      }
    }
  });

  it('has the stylesheet, #app and the script, and nothing else that loads', () => {
    assert.ok(html.includes(`<link rel="stylesheet" href="${page.styleUri}">`));
    assert.ok(html.includes('<div id="app"></div>'));
    assert.ok(html.includes(`<script nonce="${page.nonce}" src="${page.scriptUri}"></script>`));
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.equal(html.match(/<link/g)!.length, 1);
    assert.ok(!/<style|\sstyle=|\son\w+=/.test(html), 'no inline styles or handlers');
    assert.ok(html.includes('<title>scan &#60;1&#62;.nii.gz</title>'), 'the title is escaped');
  });

  it('the CSP string is exactly the contract', () => {
    assert.equal(contentSecurityPolicy('SRC', 'N'),
      "default-src 'none'; img-src SRC data: blob:; style-src SRC 'nonce-N'; font-src SRC; script-src 'nonce-N';");
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, makeNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[0-9a-f]{32}$/);
  });
});

describe('error page', () => {
  it('names the file and the problem, escaped, with no script and no remote source', () => {
    const html = errorHtml({ title: 'x.nii', message: 'x.nii: bad <script>alert(1)</script> & "worse"', nonce: 'N0' });
    assert.ok(html.includes('Cannot show x.nii'));
    assert.ok(html.includes('x.nii: bad &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;worse&#34;'));
    assert.ok(!/<script/i.test(html));
    assert.deepEqual([...cspOf(html)], [['default-src', ["'none'"]], ['style-src', ["'nonce-N0'"]]]);
    assert.ok(html.includes('<style nonce="N0">'));
  });
});

describe('viewer settings', () => {
  it('reads both settings, falling back to the defaults (radiological, 2x2)', () => {
    assert.deepEqual(DEFAULT_VIEWER_SETTINGS, { convention: 'radiological', layout: '2x2', editor: DEFAULT_EDITOR_SETTINGS });
    assert.deepEqual(readViewerSettings(() => undefined), DEFAULT_VIEWER_SETTINGS);
    const values: Record<string, unknown> = { 'viewer.convention': 'neurological', 'viewer.layout': '1x1' };
    assert.deepEqual(readViewerSettings((k) => values[k]), { convention: 'neurological', layout: '1x1', editor: DEFAULT_EDITOR_SETTINGS });
  });

  it('replaces an invalid value by the default and says so', () => {
    const log = recordingLog();
    assert.deepEqual(readViewerSettings((k) => (k === 'viewer.layout' ? '3x3' : k === 'viewer.convention' ? 7 : undefined), log), DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(log.lines.map((l) => l.message), [
      'swinfuse.viewer.convention: 7 is not one of radiological, neurological; using radiological',
      'swinfuse.viewer.layout: "3x3" is not one of 1x1, 1x3, 2x2; using 2x2',
    ]);
  });
});
