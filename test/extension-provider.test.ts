// The extension's entry point and custom editor provider loaded in plain Node with a stub `vscode`: what gets
// registered, what a panel's webview gets (options, HTML, init), settings broadcasts, and the error page. Real VS
// Code behaviour is covered by the e2e harness.
import './helpers/vscode-stub-hook';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { VIEWER_PROTOCOL_VERSION } from '../src/core/viewer-protocol/messages';
import { DEFAULT_VIEWER_SETTINGS } from '../src/extension/viewer/viewer-settings';
import { niftiFixtures, repoRoot } from './helpers/paths';
import { segmentFixtures } from './helpers/viewer-host';
import { FakePanel, Uri, stub } from './helpers/vscode-stub';

// Imported only now, after the hook that points 'vscode' at the stub is in place.
const extension = await import('../src/extension/extension');
const { NIFTI_VIEW_TYPE } = await import('../src/extension/viewer/nifti-editor-provider');

const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file('/ext') };
extension.activate(context as never);
after(() => context.subscriptions.forEach((d) => d.dispose()));
beforeEach(() => stub.reset());

interface Provider {
  openCustomDocument(uri: Uri, openContext: unknown, token: unknown): Promise<{ dispose(): void }>;
  resolveCustomEditor(document: unknown, panel: FakePanel, token: unknown): void | Promise<void>;
}
const provider = () => stub.editors.get(NIFTI_VIEW_TYPE)!.provider as Provider;

async function openPanels(path: string, count = 1) {
  const document = await provider().openCustomDocument(Uri.file(path), {}, {});
  const panels = Array.from({ length: count }, () => new FakePanel());
  for (const panel of panels) await provider().resolveCustomEditor(document, panel, {});
  return { document, panels };
}

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

describe('registration', () => {
  it('registers Show NIfTI Header Info and the viewer as a custom editor', () => {
    assert.ok(stub.commands.has('swinfuse.showInfo'));
    assert.deepEqual(stub.editors.get(NIFTI_VIEW_TYPE)!.options, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
  });

  it('package.json makes it the default editor for .nii and .nii.gz, with the viewer settings', () => {
    const editors = packageJson.contributes.customEditors;
    assert.equal(editors.length, 1);
    assert.equal(editors[0].viewType, NIFTI_VIEW_TYPE);
    assert.equal(editors[0].priority, 'default');
    assert.deepEqual(editors[0].selector, [{ filenamePattern: '*.nii' }, { filenamePattern: '*.nii.gz' }]);
    const props = packageJson.contributes.configuration.properties;
    assert.equal(props['swinfuse.viewer.convention'].default, DEFAULT_VIEWER_SETTINGS.convention);
    assert.deepEqual(props['swinfuse.viewer.convention'].enum, ['radiological', 'neurological']);
    assert.equal(props['swinfuse.viewer.layout'].default, DEFAULT_VIEWER_SETTINGS.layout);
    assert.deepEqual(props['swinfuse.viewer.layout'].enum, ['1x1', '1x3', '2x2']);
    for (const key of ['swinfuse.viewer.convention', 'swinfuse.viewer.layout']) assert.ok(props[key].markdownDescription, key);
  });

  it('keeps swinfuse.showInfo working', async () => {
    await stub.commands.get('swinfuse.showInfo')!(Uri.file(join(niftiFixtures, 'lps_float32_4d.nii.gz')));
    assert.deepEqual(stub.infos, ['lps_float32_4d.nii.gz: 16 × 14 × 10 × 4 voxels, float32, orientation LPS']);
  });
});

describe('a viewer panel', () => {
  it('gets scripts limited to dist/ and media/, the CSP page, and init after ready', async () => {
    const path = join(segmentFixtures, 'lps_4d.nii.gz');
    const { panels: [panel] } = await openPanels(path);
    const webview = panel!.webview;
    assert.equal(webview.options.enableScripts, true);
    assert.deepEqual(webview.options.localResourceRoots!.map(String), ['file:///ext/dist', 'file:///ext/media']);
    const nonce = /script-src 'nonce-([0-9a-f]{32})'/.exec(webview.html)?.[1];
    assert.ok(nonce, webview.html);
    assert.ok(webview.html.includes(`<script nonce="${nonce}" src="https://stub.vscode-cdn.net/ext/dist/webview.js"></script>`));
    assert.ok(webview.html.includes('<link rel="stylesheet" href="https://stub.vscode-cdn.net/ext/media/viewer.css">'));
    assert.ok(stub.reads.includes(path), 'read through workspace.fs');

    assert.equal(panel!.posted.length, 0);
    await panel!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    const init = panel!.posted[0] as { type: string; geometry: { shape: number[] }; settings: unknown };
    assert.equal(init.type, 'init');
    assert.deepEqual(init.geometry.shape, [80, 48, 40]);
    assert.deepEqual(init.settings, DEFAULT_VIEWER_SETTINGS);
  });

  it('each panel of one document has its own handshake; settings changes reach every open panel', async () => {
    const { panels: [a, b] } = await openPanels(join(segmentFixtures, 'ras_t1.nii.gz'), 2);
    await a!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual([a!.posted.length, b!.posted.length], [1, 0]);
    await b!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual([a!.posted.length, b!.posted.length], [1, 1]);
    assert.notEqual(a!.webview.html, b!.webview.html, 'a nonce per page');

    stub.config.set('swinfuse.viewer.layout', '1x3');
    stub.configChanged.fire({ affectsConfiguration: (s) => s === 'swinfuse.viewer' || s === 'swinfuse' });
    await new Promise((resolve) => setImmediate(resolve));
    const expected = { type: 'settings', settings: { convention: 'radiological', layout: '1x3' } };
    assert.deepEqual(a!.posted[1], expected);
    assert.deepEqual(b!.posted[1], expected);

    b!.dispose();
    stub.configChanged.fire({ affectsConfiguration: (s) => s === 'swinfuse.viewer' });
    stub.configChanged.fire({ affectsConfiguration: (s) => s === 'editor' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(a!.posted.length, 3, 'one more settings message for the change that concerns the viewer');
    assert.equal(b!.posted.length, 2, 'nothing for a closed panel');
    await b!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.equal(b!.posted.length, 2);
  });

  it('an invalid setting falls back to its default, with a log line', async () => {
    const { panels: [panel] } = await openPanels(join(segmentFixtures, 'ras_t1.nii.gz'));
    stub.config.set('swinfuse.viewer.convention', 'upside-down');
    await panel!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual((panel!.posted[0] as { settings: unknown }).settings, DEFAULT_VIEWER_SETTINGS);
    assert.ok(stub.logLines.some((l) => l.startsWith('SwinFUSE warn: swinfuse.viewer.convention: "upside-down"')));
  });
});

describe('a file that cannot be shown', () => {
  it('gets a static error page naming the file and the problem, and an error message', async () => {
    const { panels: [panel] } = await openPanels(join(niftiFixtures, 'bad', 'truncated.nii.gz'));
    assert.equal(stub.errors.length, 1);
    assert.match(stub.errors[0]!, /^SwinFUSE: truncated\.nii\.gz: .*truncated/);
    const webview = panel!.webview;
    assert.equal(webview.options.enableScripts, false);
    assert.ok(!/<script/i.test(webview.html));
    assert.ok(webview.html.includes('Cannot show truncated.nii.gz'));
    assert.ok(webview.html.includes(stub.errors[0]!.slice('SwinFUSE: '.length)));
    assert.ok(stub.logLines.some((l) => l.startsWith('SwinFUSE error: truncated.nii.gz: ')));
  });

  it('a mask on another grid: the scan opens, the user is warned', async () => {
    await openPanels(join(repoRoot, 'test', 'fixtures', 'viewer', 'brats23', 'BraTS-GLI-00002-000-t1c.nii.gz'));
    assert.deepEqual(stub.errors, []);
    assert.equal(stub.warnings.length, 1);
    assert.match(stub.warnings[0]!, /^SwinFUSE: Not showing the mask BraTS-GLI-00002-000-seg\.nii\.gz over/);
  });
});
