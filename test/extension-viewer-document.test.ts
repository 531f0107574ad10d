// The viewer host's document: what `init` tells the webview about a file (geometry, channels, the first channel's
// voxels) checked against nibabel's as_closest_canonical, and files that cannot be shown.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { DEFAULT_VIEWER_SETTINGS } from '../src/extension/viewer/viewer-settings';
import { VIEWER_PROTOCOL_VERSION } from '../src/core/viewer-protocol/messages';
import { assertMatrixClose } from './helpers/approx';
import { niftiFixtures } from './helpers/paths';
import { nibabelReference } from './helpers/reference';
import {
  BYTES_PER_VOXEL, FileUri, segmentFixtures, testHost, valueAt, viewerReference,
} from './helpers/viewer-host';

async function open(path: string, host = testHost()) {
  return NiftiDocument.open(new FileUri(path), host);
}

function checkGeometry(init: ReturnType<NiftiDocument<FileUri>['init']>, ref: { shape: number[]; affine: number[][] }, what: string) {
  assert.deepEqual(init.geometry.shape, ref.shape.slice(0, 3), `${what}: RAS shape`);
  assertMatrixClose(init.geometry.affine, ref.affine, 1e-5, `${what}: RAS affine`);
  assert.equal(init.geometry.stored.plan.toAxcodes, 'RAS');
}

describe('init geometry and voxels equal nibabel as_closest_canonical', () => {
  for (const name of ['ras_4d.nii.gz', 'las_4d.nii.gz', 'lps_4d.nii.gz', 'oblique_4d.nii.gz']) {
    const ref = viewerReference[`segment/${name}`]!;
    it(`${name} (stored ${ref.stored_axcodes})`, async () => {
      const document = await open(join(segmentFixtures, name));
      const init = document.init(DEFAULT_VIEWER_SETTINGS);
      checkGeometry(init, ref, name);
      ref.spacing.forEach((s, k) => assert.ok(Math.abs(init.geometry.spacing[k]! - s) < 1e-5, `spacing ${k}: ${init.geometry.spacing[k]} vs ${s}`));
      assert.deepEqual(init.geometry.stored.shape, ref.stored_shape);
      assert.equal(init.geometry.stored.axcodes, ref.stored_axcodes);
      assert.deepEqual(init.channels.map((c) => c.name), ['channel 1', 'channel 2', 'channel 3', 'channel 4']);
      assert.ok(init.channels.every((c, i) => c.index === i && c.source === name));

      // The initial buffer is channel 0 and nothing else: exactly X·Y·Z int16 values, in RAS order.
      const voxels = ref.shape.slice(0, 3).reduce((a, b) => a * b, 1);
      assert.equal(init.initial.index, 0);
      assert.equal(init.initial.datatype, 'int16');
      assert.ok(init.initial.data instanceof ArrayBuffer);
      assert.equal(init.initial.data.byteLength, voxels * BYTES_PER_VOXEL.int16);
      // Every channel, the first through init and all through requests, holds nibabel's values at the probes.
      for (const probe of ref.probes) {
        const [i, j, k, c] = probe.index as [number, number, number, number];
        const channel = await document.channel(c);
        assert.equal(channel.index, c);
        assert.equal(channel.data.byteLength, voxels * 2, `channel ${c} buffer holds one channel`);
        assert.equal(valueAt(channel, ref.shape, [i, j, k]), probe.value, `${name} [${probe.index}]`);
        if (c === 0) assert.equal(valueAt(init.initial, ref.shape, [i, j, k]), probe.value, `initial [${probe.index}]`);
      }
      assert.deepEqual(init.overlays, []);
    });
  }

  // The shared fixtures: qform-only LAS with scaling, an oblique sform, the pixdim fallback, NIfTI-2, big-endian.
  for (const [name, ref] of Object.entries(nibabelReference.canonical)) {
    it(`${name}`, async () => {
      const document = await open(join(niftiFixtures, name));
      assert.equal(document.state.kind, 'loaded', document.state.kind === 'failed' ? document.state.message : '');
      const init = document.init(DEFAULT_VIEWER_SETTINGS);
      checkGeometry(init, ref, name);
      const bytes = ref.shape.slice(0, 3).reduce((a, b) => a * b, 1) * BYTES_PER_VOXEL[init.initial.datatype];
      assert.equal(init.initial.data.byteLength, bytes);
      for (const probe of ref.probes) {
        const channel = await document.channel(probe.index[3] ?? 0);
        const got = valueAt(channel, ref.shape, probe.index);
        assert.ok(Math.abs(got - probe.value) <= 1e-6 * Math.max(1, Math.abs(probe.value)), `${name} [${probe.index}]: ${got} vs ${probe.value}`);
      }
    });
  }
});

describe('init message', () => {
  it('names the document, carries the protocol version and the settings it is given', async () => {
    const path = join(segmentFixtures, 'ras_t1.nii.gz');
    const document = await open(path);
    const settings = { ...DEFAULT_VIEWER_SETTINGS, convention: 'neurological', layout: '1x3' } as const;
    const init = document.init(settings);
    assert.equal(init.type, 'init');
    assert.equal(init.version, VIEWER_PROTOCOL_VERSION);
    assert.deepEqual(init.document, { uri: `file://${path}`, name: 'ras_t1.nii.gz' });
    assert.deepEqual(init.settings, settings);
    // segment/ has no BraTS prefix_t1 naming ("ras_t1" is prefix "ras"): its siblings ras_flair... are channels.
    assert.deepEqual(init.channels.map((c) => c.name), ['t1', 'flair', 't1ce', 't2']);
  });

  it('gives every init fresh buffers with the same bytes', async () => {
    const document = await open(join(segmentFixtures, 'lps_4d.nii.gz'));
    const a = document.init(DEFAULT_VIEWER_SETTINGS);
    const b = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.notEqual(a.initial.data, b.initial.data);
    assert.deepEqual(new Uint8Array(a.initial.data), new Uint8Array(b.initial.data));
  });

  it('keeps a 3D scan with no BraTS name as one channel named after the file', async () => {
    const document = await open(join(niftiFixtures, 'las_int16_scaled.nii.gz'));
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.channels, [{ index: 0, name: 'las_int16_scaled', source: 'las_int16_scaled.nii.gz' }]);
    assert.deepEqual(init.initial.scaling, { slope: 2, inter: -10 });
  });
});

describe('files that cannot be shown become failed documents, never exceptions', () => {
  const bad = readdirSync(join(niftiFixtures, 'bad'));
  for (const name of bad) {
    it(`bad/${name}`, async () => {
      const host = testHost();
      const document = await open(join(niftiFixtures, 'bad', name), host);
      assert.equal(document.state.kind, 'failed');
      const message = (document.state as { message: string }).message;
      assert.ok(message.startsWith(`${name}: `), message);
      assert.ok(host.log.lines.some((l) => l.level === 'error' && l.message === message));
      assert.throws(() => document.init(DEFAULT_VIEWER_SETTINGS), { message });
      await assert.rejects(document.channel(0), { message });
    });
  }

  it('a missing file says so', async () => {
    const document = await open(join(niftiFixtures, 'no-such-scan.nii.gz'));
    assert.deepEqual(document.state, { kind: 'failed', message: 'no-such-scan.nii.gz: cannot be read (no such file)' });
  });

  it('swinfuse.maxVoxels is respected', async () => {
    const document = await open(join(segmentFixtures, 'ras_4d.nii.gz'), testHost({ maxVoxels: 1000 }));
    assert.equal(document.state.kind, 'failed');
    assert.match((document.state as { message: string }).message, /^ras_4d\.nii\.gz: .*1000/);
  });

  it('a closed document answers no more requests', async () => {
    const document = await open(join(segmentFixtures, 'lps_4d.nii.gz'));
    document.dispose();
    await assert.rejects(document.channel(1), /lps_4d\.nii\.gz is closed/);
  });
});
