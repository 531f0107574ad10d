// One panel's handshake and requests: every `ready` gets a full `init`, requests get replies (errors included),
// and what the webview reports is logged, with a real document behind the session and a recording webview.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HostToWebview, ViewerSettings } from '../src/core/viewer-protocol/messages';
import { DEFAULT_EDITOR_SETTINGS, VIEWER_PROTOCOL_VERSION } from '../src/core/viewer-protocol/messages';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { ViewerSession } from '../src/extension/viewer/viewer-session';
import { FileUri, recordingLog, segmentFixtures, testHost, viewerFixtures } from './helpers/viewer-host';

async function panelFor(path: string, options: { post?: (m: HostToWebview) => PromiseLike<boolean> } = {}) {
  const document = await NiftiDocument.open(new FileUri(path), testHost());
  const posted: HostToWebview[] = [];
  const log = recordingLog();
  let settings: ViewerSettings = { convention: 'radiological', layout: '2x2', editor: DEFAULT_EDITOR_SETTINGS };
  const stored: unknown[] = [];
  const session = new ViewerSession(document, {
    post: options.post ?? (async (message) => { posted.push(message); return true; }),
    settings: () => settings,
    setLabels: async (labels) => { stored.push(labels); },
    segment: () => undefined,
    log,
  });
  return { document, session, posted, log, stored, setSettings: (s: ViewerSettings) => { settings = s; } };
}

const replies = (posted: HostToWebview[]) => posted.filter((m): m is Extract<HostToWebview, { type: 'reply' }> => m.type === 'reply');

describe('handshake', () => {
  it('answers ready with init, and a second ready (a re-shown webview) with a fresh init', async () => {
    const panel = await panelFor(join(segmentFixtures, 'las_4d.nii.gz'));
    assert.equal(panel.posted.length, 0, 'nothing is sent before the webview says ready');
    await panel.session.handle({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual(panel.posted.map((m) => m.type), ['init']);
    panel.setSettings({ convention: 'neurological', layout: '1x1', editor: DEFAULT_EDITOR_SETTINGS });
    await panel.session.handle({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual(panel.posted.map((m) => m.type), ['init', 'init']);
    const [first, second] = panel.posted as Extract<HostToWebview, { type: 'init' }>[];
    assert.notEqual(first!.initial.data, second!.initial.data);
    assert.deepEqual(new Uint8Array(first!.initial.data), new Uint8Array(second!.initial.data));
    assert.deepEqual(second!.settings, { convention: 'neurological', layout: '1x1', editor: DEFAULT_EDITOR_SETTINGS }, 'each init reads the settings anew');
    assert.deepEqual(panel.log.lines.filter((l) => l.level !== 'info'), []);
  });

  it('still answers a ready without a version, and logs the mismatch', async () => {
    const panel = await panelFor(join(segmentFixtures, 'ras_t2.nii.gz'));
    await panel.session.handle({ type: 'ready' });
    assert.deepEqual(panel.posted.map((m) => m.type), ['init']);
    assert.ok(panel.log.lines.some((l) => l.level === 'warn' && /protocol version undefined/.test(l.message)));
  });

  it('posts settings on request of the provider (configuration change)', async () => {
    const panel = await panelFor(join(segmentFixtures, 'ras_t2.nii.gz'));
    const settings = { convention: 'neurological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS } as const;
    panel.setSettings(settings);
    await panel.session.postSettings();
    assert.deepEqual(panel.posted, [{ type: 'settings', settings }]);
  });
});

describe('requests', () => {
  it('answers a channel request with that channel\'s voxels', async () => {
    const panel = await panelFor(join(segmentFixtures, 'lps_4d.nii.gz'));
    await panel.session.handle({ type: 'request', id: 7, kind: 'channel', params: { index: 3 } });
    const [reply] = replies(panel.posted);
    assert.ok(reply && reply.ok && reply.id === 7);
    const result = reply.result as { index: number; datatype: string; data: ArrayBuffer };
    assert.equal(result.index, 3);
    assert.equal(result.datatype, 'int16');
    assert.equal(result.data.byteLength, 80 * 48 * 40 * 2);
  });

  it('answers an unknown kind, a bad index and a sibling on another grid with error replies', async () => {
    const panel = await panelFor(join(viewerFixtures, 'brats23', 'BraTS-GLI-00002-000-t1n.nii.gz'));
    await panel.session.handle({ type: 'request', id: 1, kind: 'histogram', params: {} });
    await panel.session.handle({ type: 'request', id: 2, kind: 'channel', params: { index: 9 } });
    await panel.session.handle({ type: 'request', id: 3, kind: 'channel', params: {} });
    await panel.session.handle({ type: 'request', id: 4, kind: 'channel', params: { index: 3 } });
    assert.deepEqual(replies(panel.posted), [
      { type: 'reply', id: 1, ok: false, error: 'unknown request "histogram"' },
      { type: 'reply', id: 2, ok: false, error: 'BraTS-GLI-00002-000-t1n.nii.gz has no channel 9 (channels 0..3)' },
      { type: 'reply', id: 3, ok: false, error: 'BraTS-GLI-00002-000-t1n.nii.gz has no channel undefined (channels 0..3)' },
      {
        type: 'reply', id: 4, ok: false,
        error: 'BraTS-GLI-00002-000-t2w.nii.gz is not on the voxel grid of BraTS-GLI-00002-000-t1n.nii.gz: '
          + 'its origin is offset by (2, 0, 0) mm; it cannot be shown as one of its channels',
      },
    ]);
    assert.equal(panel.log.lines.filter((l) => l.level === 'warn' && /request .* #\d failed/.test(l.message)).length, 4);
  });

  it('ignores a request without an id, with a log line', async () => {
    const panel = await panelFor(join(segmentFixtures, 'ras_t2.nii.gz'));
    await panel.session.handle({ type: 'request', kind: 'channel', params: { index: 0 } });
    assert.deepEqual(panel.posted, []);
    assert.ok(panel.log.lines.some((l) => l.level === 'warn' && /without a numeric id/.test(l.message)));
  });
});

describe('what the webview reports, and delivery problems, go to the log', () => {
  it('logs webview errors (e.g. a request timeout), first-frame times and stray messages', async () => {
    const panel = await panelFor(join(segmentFixtures, 'ras_t2.nii.gz'));
    await panel.session.handle({ type: 'error', message: 'request channel #4 got no reply within 30000 ms' });
    await panel.session.handle({ type: 'rendered', msFromInit: 42 });
    await panel.session.handle({ type: 'paint' });
    await panel.session.handle(null);
    await panel.session.handle('ready');
    assert.deepEqual(panel.posted, []);
    const lines = panel.log.lines.map((l) => `${l.level}: ${l.message}`);
    assert.ok(lines.includes('error: ras_t2.nii.gz: webview: request channel #4 got no reply within 30000 ms'), lines.join('\n'));
    assert.ok(lines.includes('info: ras_t2.nii.gz: first frame drawn 42 ms after init'));
    assert.equal(lines.filter((l) => l.startsWith('warn: ras_t2.nii.gz: ignored a message')).length, 3);
  });

  it('logs a post that fails or finds no webview, without throwing', async () => {
    let calls = 0;
    const panel = await panelFor(join(segmentFixtures, 'ras_t2.nii.gz'), {
      post: async () => {
        calls++;
        if (calls === 1) throw new Error('Webview is disposed');
        return false;
      },
    });
    await panel.session.handle({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    await panel.session.handle({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    const lines = panel.log.lines.map((l) => `${l.level}: ${l.message}`);
    assert.ok(lines.includes('error: ras_t2.nii.gz: cannot post "init" to the webview: Webview is disposed'), lines.join('\n'));
    assert.ok(lines.includes('info: ras_t2.nii.gz: the webview was not there to receive "init"'));
  });

  it('drops a reply that is ready only after the panel closed', async () => {
    const panel = await panelFor(join(viewerFixtures, 'brats21', 'BraTS2021_00001_t1.nii.gz'));
    const pending = panel.session.handle({ type: 'request', id: 1, kind: 'channel', params: { index: 1 } });
    panel.session.dispose();
    await pending;
    await panel.session.handle({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
    assert.deepEqual(panel.posted, []);
  });
});
