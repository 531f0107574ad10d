// The extension's entry point and custom editor provider loaded in plain Node with a stub `vscode`: what gets
// registered, what a panel's webview gets (options, HTML, init), settings broadcasts, and the error page. Real VS
// Code behaviour is covered by the e2e harness.
import './helpers/vscode-stub-hook';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { editFromChanges, encodeEdit } from '../src/core/labels/label-edit';
import { DEFAULT_EDITOR_SETTINGS, DEFAULT_SHORTCUTS, VIEWER_PROTOCOL_VERSION } from '../src/core/viewer-protocol/messages';
import { DEFAULT_MASK_PATTERNS } from '../src/extension/viewer/mask-discovery';
import { DEFAULT_VIEWER_SETTINGS, readLabels } from '../src/extension/viewer/viewer-settings';
import { niftiFixtures, repoRoot } from './helpers/paths';
import { segmentFixtures } from './helpers/viewer-host';
import { ConfigurationTarget, FakePanel, Uri, stub, workspace } from './helpers/vscode-stub';

// Imported only now, after the hook that points 'vscode' at the stub is in place.
const extension = await import('../src/extension/extension');
const { NIFTI_VIEW_TYPE } = await import('../src/extension/viewer/nifti-editor-provider');

const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file('/ext'), globalStorageUri: Uri.file(join(tmpdir(), 'swinfuse-provider-test-storage')) };
extension.activate(context as never);
after(() => context.subscriptions.forEach((d) => d.dispose()));
beforeEach(() => stub.reset());

interface Provider {
  openCustomDocument(uri: Uri, openContext: unknown, token: unknown): Promise<{ dispose(): void }>;
  resolveCustomEditor(document: unknown, panel: FakePanel, token: unknown): void | Promise<void>;
}
const provider = () => stub.editors.get(NIFTI_VIEW_TYPE)!.provider as Provider;
interface FullProvider {
  onDidChangeCustomDocument(listener: (e: { document: unknown; label: string; undo(): void; redo(): void }) => void): { dispose(): void };
  saveCustomDocument(document: unknown, token: unknown): Promise<void>;
  saveCustomDocumentAs(document: unknown, destination: Uri, token: unknown): Promise<void>;
  revertCustomDocument(document: unknown, token: unknown): Promise<void>;
  backupCustomDocument(document: unknown, context: { destination: Uri }, token: unknown): Promise<{ id: string; delete(): void }>;
}

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

  it('package.json declares the mask and editor settings with the defaults the code uses', () => {
    const props = packageJson.contributes.configuration.properties;
    assert.deepEqual(props['swinfuse.mask.patterns'].default, DEFAULT_MASK_PATTERNS);
    assert.deepEqual(readLabels(props['swinfuse.editor.labels'].default), DEFAULT_EDITOR_SETTINGS.labels);
    assert.deepEqual(Object.keys(props['swinfuse.editor.shortcuts'].properties), Object.keys(DEFAULT_SHORTCUTS));
    for (const [action, schema] of Object.entries(props['swinfuse.editor.shortcuts'].properties as Record<string, { default: string; pattern: string }>)) {
      assert.equal(schema.default, DEFAULT_SHORTCUTS[action as keyof typeof DEFAULT_SHORTCUTS], action);
      assert.match(schema.default, new RegExp(schema.pattern), action);
    }
    for (const key of ['swinfuse.mask.patterns', 'swinfuse.editor.labels', 'swinfuse.editor.shortcuts']) {
      assert.ok(props[key].markdownDescription.length > 100, key);
    }
    for (const p of DEFAULT_MASK_PATTERNS) assert.match(p, new RegExp(props['swinfuse.mask.patterns'].items.pattern));
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
    const expected = { type: 'settings', settings: { ...DEFAULT_VIEWER_SETTINGS, layout: '1x3' } };
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

  it('a change under swinfuse.editor re-posts the settings, with the editor part read and validated', async () => {
    const { panels: [panel] } = await openPanels(join(segmentFixtures, 'ras_t1.nii.gz'));
    await panel!.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    stub.config.set('swinfuse.editor.labels', [{ label: 3, name: 'lesion', color: '#ff8000' }, { label: 0, name: 'x', color: '#000000' }]);
    stub.config.set('swinfuse.editor.shortcuts', { brush: 'p' });
    stub.configChanged.fire({ affectsConfiguration: (s) => s === 'swinfuse.editor' || s === 'swinfuse' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(panel!.posted[1], {
      type: 'settings',
      settings: {
        ...DEFAULT_VIEWER_SETTINGS,
        editor: { labels: [{ label: 3, name: 'lesion', rgb: [255, 128, 0] }], shortcuts: { ...DEFAULT_SHORTCUTS, brush: 'p' } },
      },
    });
    assert.ok(stub.logLines.some((l) => l.startsWith('SwinFUSE warn: swinfuse.editor.labels[1]: ')), stub.logLines.join('\n'));
  });

  it('setLabels from the webview writes swinfuse.editor.labels: to the workspace when a folder is open, else globally', async () => {
    const { panels: [panel] } = await openPanels(join(segmentFixtures, 'ras_t1.nii.gz'));
    const labels = [{ label: 1, name: 'core', rgb: [255, 0, 0] }, { label: 7, name: 'cyst', rgb: [0, 16, 255] }];
    await panel!.fromWebview({ type: 'setLabels', labels });
    workspace.workspaceFolders = [{ uri: Uri.file('/work') }];
    await panel!.fromWebview({ type: 'setLabels', labels: labels.slice(1) });
    const value = [{ label: 1, name: 'core', color: '#ff0000' }, { label: 7, name: 'cyst', color: '#0010ff' }];
    assert.deepEqual(stub.updates, [
      { key: 'swinfuse.editor.labels', value, target: ConfigurationTarget.Global },
      { key: 'swinfuse.editor.labels', value: value.slice(1), target: ConfigurationTarget.Workspace },
    ]);
    // An invalid list is not stored, and the log says why.
    await panel!.fromWebview({ type: 'setLabels', labels: [{ label: 300, name: 'x', rgb: [0, 0, 0] }] });
    await panel!.fromWebview({ type: 'setLabels', labels: 'all' });
    assert.equal(stub.updates.length, 2);
    assert.equal(stub.logLines.filter((l) => /the label list was not stored/.test(l)).length, 2, stub.logLines.join('\n'));
  });
});

describe('the mask as the custom document\'s content', () => {
  it('edits raise onDidChangeCustomDocument with undo/redo; save, backup/restore and revert go through workspace.fs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'swinfuse-provider-'));
    try {
      cpSync(join(repoRoot, 'test', 'fixtures', 'viewer', 'markers'), folder, { recursive: true });
      const image = join(folder, 'markers_lps.nii.gz');
      const events: { document: unknown; label: string; undo(): void; redo(): void }[] = [];
      const p = provider() as unknown as FullProvider;
      const subscription = p.onDidChangeCustomDocument((e) => events.push(e));
      const { document, panels: [a, b] } = await openPanels(image, 2);
      for (const panel of [a!, b!]) await panel.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
      const edit = encodeEdit(editFromChanges(Uint32Array.of(5, 6), Uint8Array.of(0, 0), Uint8Array.of(2, 2)));
      await a!.fromWebview({ type: 'edit', label: 'Brush', edit });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.document, document);
      assert.equal(events[0]!.label, 'Brush');
      assert.deepEqual(b!.posted.map((m) => (m as { type: string }).type), ['init', 'maskEdit']);
      events[0]!.undo();
      events[0]!.redo();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(a!.posted.slice(1).map((m) => (m as { cause: string }).cause), ['undo', 'redo']);

      const backupFolder = join(folder, 'backups', 'nested');
      const backup = await p.backupCustomDocument(document, { destination: Uri.file(join(backupFolder, 'b1')) }, {});
      assert.equal(backup.id, `file://${join(backupFolder, 'b1')}`);
      const restored = await provider().openCustomDocument(Uri.file(image), { backupId: backup.id }, {});
      const [c] = [new FakePanel()];
      await provider().resolveCustomEditor(restored, c, {});
      await c.fromWebview({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
      const mask = new Uint8Array((c.posted[0] as { mask: { data: ArrayBuffer } }).mask.data);
      assert.deepEqual([mask[5], mask[6], mask[7]], [2, 2, 0]);

      await p.saveCustomDocument(document, {});
      const target = join(folder, 'markers_lps_seg.nii.gz');
      assert.ok(stub.writes.some((w) => w === `rename ${w.slice(7, w.indexOf(' -> '))} -> ${target}`), stub.writes.join('\n'));
      assert.deepEqual((a!.posted.at(-1) as { type: string; mask: unknown }), { type: 'maskInfo', mask: { file: 'markers_lps_seg.nii.gz', exists: true, refused: null } });
      await assert.rejects(p.saveCustomDocumentAs(document, Uri.file(image), {}), /that is the image itself/);
      await p.revertCustomDocument(restored, {});
      assert.deepEqual((c.posted.at(-1) as { type: string; reason: string }).reason, 'revert');
      subscription.dispose();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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

  it('a mask on another grid: the scan opens, the mask is refused with an error message', async () => {
    await openPanels(join(repoRoot, 'test', 'fixtures', 'viewer', 'brats23', 'BraTS-GLI-00002-000-t1c.nii.gz'));
    assert.deepEqual(stub.warnings, []);
    assert.equal(stub.errors.length, 1);
    assert.match(stub.errors[0]!, /^SwinFUSE: The mask BraTS-GLI-00002-000-seg\.nii\.gz does not fit BraTS-GLI-00002-000-t1c\.nii\.gz: /);
  });
});
