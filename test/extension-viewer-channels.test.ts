// Channels and masks that come from files beside the opened scan: BraTS 2021/2023 siblings (read lazily, refused
// when on another grid) and label masks (shown only on the scan's own grid), checked against nibabel.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gridDifference } from '../src/core/nifti/grid';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { parseBratsName } from '../src/core/inference/brats-siblings';
import { caseSiblings } from '../src/core/inference/contrast-names';
import { findLabelFile } from '../src/extension/viewer/scan-names';
import { DEFAULT_VIEWER_SETTINGS } from '../src/extension/viewer/viewer-settings';
import { niftiFixtures } from './helpers/paths';
import { FileUri, testHost, valueAt, viewerFixtures, viewerReference } from './helpers/viewer-host';

const B21 = 'BraTS2021_00001';
const B23 = 'BraTS-GLI-00002-000';

describe('file names', () => {
  it('reads BraTS 2021 and 2023 names, case-insensitively, into one vocabulary', () => {
    assert.deepEqual(parseBratsName(`${B21}_t1ce.nii.gz`), { prefix: B21, separator: '_', modality: 't1ce' });
    assert.deepEqual(parseBratsName(`${B21}_T1.nii`), { prefix: B21, separator: '_', modality: 't1' });
    assert.deepEqual(parseBratsName(`${B21}_FLAIR.NII.GZ`), { prefix: B21, separator: '_', modality: 'flair' });
    assert.deepEqual(parseBratsName(`${B23}-t1c.nii.gz`), { prefix: B23, separator: '-', modality: 't1ce' });
    assert.deepEqual(parseBratsName(`${B23}-t1n.nii.gz`), { prefix: B23, separator: '-', modality: 't1' });
    assert.deepEqual(parseBratsName(`${B23}-t2w.nii.gz`), { prefix: B23, separator: '-', modality: 't2' });
    assert.deepEqual(parseBratsName(`${B23}-t2f.nii.gz`), { prefix: B23, separator: '-', modality: 'flair' });
    for (const name of ['scan.nii.gz', `${B21}_seg.nii.gz`, `${B21}_t1.txt`, 't1.nii.gz', `${B21}_t1ce.nii.gz.bak`, `${B21}t1.nii`]) {
      assert.equal(parseBratsName(name), undefined, name);
    }
  });

  it('lists one sibling per modality with the same prefix, the opened file first, then BraTS order', () => {
    const folder = [`${B21}_t2.nii.gz`, `${B21}_t1.nii.gz`, `${B21}_flair.nii.gz`, `${B21}_t1ce.nii.gz`, `${B21}_seg.nii.gz`,
      'BraTS2021_00002_t1.nii.gz', `${B21}-t1n.nii.gz`, 'notes.txt', `${B21}_t2.nii`];
    assert.deepEqual(caseSiblings(`${B21}_t1.nii.gz`, folder), [
      { name: `${B21}_t1.nii.gz`, modality: 't1' },
      { name: `${B21}_flair.nii.gz`, modality: 'flair' },
      { name: `${B21}_t1ce.nii.gz`, modality: 't1ce' },
      { name: `${B21}_t2.nii.gz`, modality: 't2' },
    ]);
    assert.deepEqual(caseSiblings(`${B21}_t1.nii.gz`, []), [{ name: `${B21}_t1.nii.gz`, modality: 't1' }]);
    assert.equal(caseSiblings('scan.nii.gz', folder), undefined);
  });

  it('finds a label mask beside the image by the usual names', () => {
    assert.equal(findLabelFile('scan.nii.gz', ['scan.nii.gz', 'scan_seg.nii.gz']), 'scan_seg.nii.gz');
    assert.equal(findLabelFile('scan.nii', ['scan.nii', 'scan.mask.nii.gz']), 'scan.mask.nii.gz');
    assert.equal(findLabelFile('scan.nii.gz', ['scan.nii.gz', 'SCAN_MASK.nii']), 'SCAN_MASK.nii');
    assert.equal(findLabelFile(`${B21}_t1.nii.gz`, [`${B21}_seg.nii.gz`]), `${B21}_seg.nii.gz`);
    assert.equal(findLabelFile(`${B23}-t2f.nii.gz`, [`${B23}-seg.nii.gz`]), `${B23}-seg.nii.gz`);
    assert.equal(findLabelFile('scan.nii.gz', ['scan.nii.gz', 'other_seg.nii.gz', 'scan_seg.txt']), undefined);
  });

  it('says how a grid differs, within 1e-3 mm', () => {
    const affine = [[1.5, 0, 0, -9], [0, 1, 0, -4.5], [0, 0, 2, -7], [0, 0, 0, 1]];
    const grid = { shape: [12, 10, 8], affine };
    assert.equal(gridDifference(grid, { shape: [12, 10, 8, 1], affine: affine.map((r) => r.map((v) => v + 0.0009)) }), undefined);
    assert.equal(gridDifference(grid, { shape: [10, 10, 8], affine }), 'its shape is 10×10×8, not 12×10×8');
    const shifted = affine.map((r, i) => (i === 0 ? [...r.slice(0, 3), -7] : r));
    assert.equal(gridDifference(grid, { shape: [12, 10, 8], affine: shifted }), 'its origin is offset by (2, 0, 0) mm');
    const zoomed = affine.map((r, i) => (i === 2 ? [0, 0, 2.5, -7] : r));
    assert.equal(gridDifference(grid, { shape: [12, 10, 8], affine: zoomed }),
      'its voxel axes (spacing or direction) differ by up to 0.5 mm per voxel');
  });
});

describe('BraTS 2021 case (stored LPS)', () => {
  const folder = join(viewerFixtures, 'brats21');
  const opened = `${B21}_t1ce.nii.gz`;

  it('lists the case\'s modalities as channels and reads a sibling only when asked', async () => {
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(folder, opened)), host);
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.channels, [
      { index: 0, name: 't1ce', source: opened },
      { index: 1, name: 'flair', source: `${B21}_flair.nii.gz` },
      { index: 2, name: 't1', source: `${B21}_t1.nii.gz` },
      { index: 3, name: 't2', source: `${B21}_t2.nii.gz` },
    ]);
    // Opening read the scan and its mask, no modality files.
    assert.deepEqual(host.reads, [join(folder, opened), join(folder, `${B21}_seg.nii.gz`)]);

    const ref = viewerReference[`brats21/${opened}`]!;
    for (const p of ref.probes) assert.equal(valueAt(init.initial, ref.shape, p.index), p.value, `t1ce ${p.index}`);
    for (const [index, modality] of [[1, 'flair'], [2, 't1'], [3, 't2']] as const) {
      const channel = await document.channel(index);
      const sibling = viewerReference[`brats21/${B21}_${modality}.nii.gz`]!;
      assert.equal(channel.index, index);
      assert.equal(channel.data.byteLength, 12 * 10 * 8 * 2);
      for (const p of sibling.probes) assert.equal(valueAt(channel, sibling.shape, p.index), p.value, `${modality} ${p.index}`);
    }
    await document.channel(1);
    assert.equal(host.reads.filter((r) => r.endsWith('_flair.nii.gz')).length, 1, 'a sibling is read once');
  });

  it('gives the case\'s _seg file as the editable mask (init.mask, RAS order), not as an overlay', async () => {
    const document = await NiftiDocument.open(new FileUri(join(folder, `${B21}_flair.nii.gz`)), testHost());
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.overlays, []);
    const { data, ...info } = init.mask;
    assert.deepEqual(info, { file: `${B21}_seg.nii.gz`, exists: true, refused: null });
    assert.equal(data.byteLength, 12 * 10 * 8);
    const seg = viewerReference[`brats21/${B21}_seg.nii.gz`]!;
    const labels = new Uint8Array(data);
    for (const p of seg.probes) {
      const [i, j, k] = p.index as [number, number, number];
      assert.equal(labels[i + 12 * (j + 10 * k)], p.value, `seg ${p.index}`);
    }
    assert.deepEqual([...new Set(labels)].sort(), [0, 1, 2, 4]);
    const again = document.init(DEFAULT_VIEWER_SETTINGS).mask;
    assert.notEqual(again.data, data, 'every init gets its own mask buffer');
    assert.deepEqual(new Uint8Array(again.data), labels);
  });
});

describe('BraTS 2023 case (stored with permuted axes)', () => {
  const folder = join(viewerFixtures, 'brats23');

  it('maps t1n/t1c/t2w/t2f to the BraTS names and applies the sibling\'s own scaling', async () => {
    const document = await NiftiDocument.open(new FileUri(join(folder, `${B23}-t2f.nii.gz`)), testHost());
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.channels.map((c) => [c.name, c.source]), [
      ['flair', `${B23}-t2f.nii.gz`], ['t1ce', `${B23}-t1c.nii.gz`], ['t1', `${B23}-t1n.nii.gz`], ['t2', `${B23}-t2w.nii.gz`],
    ]);
    const t1 = await document.channel(2);
    assert.deepEqual(t1.scaling, { slope: 2, inter: -10 });
    const ref = viewerReference[`brats23/${B23}-t1n.nii.gz`]!;
    for (const p of ref.probes) assert.equal(valueAt(t1, ref.shape, p.index), p.value, `t1n ${p.index}`);
  });

  it('refuses a sibling on another grid with an error naming both files and the difference', async () => {
    const document = await NiftiDocument.open(new FileUri(join(folder, `${B23}-t2f.nii.gz`)), testHost());
    await assert.rejects(document.channel(3), {
      message: `${B23}-t2w.nii.gz is not on the voxel grid of ${B23}-t2f.nii.gz: its origin is offset by (2, 0, 0) mm; `
        + 'it cannot be shown as one of its channels',
    });
    // The other channels still work.
    assert.equal((await document.channel(1)).index, 1);
  });

  it('refuses a mask of another shape with an error that says why, and starts an empty mask under a free name', async () => {
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(folder, `${B23}-t1c.nii.gz`)), host);
    const { data, ...info } = document.init(DEFAULT_VIEWER_SETTINGS).mask;
    const reason = `it is not on the voxel grid of ${B23}-t1c.nii.gz: its shape is 10×10×8, not 12×10×8`;
    assert.deepEqual(info, { file: `${B23}-seg-2.nii.gz`, exists: false, refused: `${B23}-seg.nii.gz: ${reason}` });
    assert.ok(new Uint8Array(data).every((v) => v === 0));
    const expected = `The mask ${B23}-seg.nii.gz does not fit ${B23}-t1c.nii.gz: ${reason}. It is not shown and will not be `
      + `written; new labels save to ${B23}-seg-2.nii.gz.`;
    assert.deepEqual(host.errors, [expected]);
    assert.deepEqual(host.warnings, []);
    assert.ok(host.log.lines.some((l) => l.level === 'error' && l.message === expected));
  });
});

describe('label masks beside a plain scan', () => {
  const temp = mkdtempSync(join(tmpdir(), 'swinfuse-viewer-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('converts an int16 NAME_mask file to uint8 labels', async () => {
    const document = await NiftiDocument.open(new FileUri(join(viewerFixtures, 'plain', 'scan.nii')), testHost());
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.channels, [{ index: 0, name: 'scan', source: 'scan.nii' }]);
    assert.equal(init.mask.file, 'scan_mask.nii.gz');
    const ref = viewerReference['plain/scan_mask.nii.gz']!;
    const labels = new Uint8Array(init.mask.data);
    assert.equal(labels.length, 12 * 10 * 8);
    for (const p of ref.probes) {
      const [i, j, k] = p.index as [number, number, number];
      assert.equal(labels[i + 12 * (j + 10 * k)], p.value, `mask ${p.index}`);
    }
    const scan = viewerReference['plain/scan.nii']!;
    for (const p of scan.probes) {
      assert.ok(Math.abs(valueAt(init.initial, scan.shape, p.index) - p.value) < 1e-3, `scan ${p.index}`);
    }
  });

  it('refuses a "mask" whose values are not labels', async () => {
    copyFileSync(join(niftiFixtures, 'oblique_float32.nii.gz'), join(temp, 'head.nii.gz'));
    copyFileSync(join(niftiFixtures, 'oblique_float32.nii.gz'), join(temp, 'head_seg.nii.gz'));
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(temp, 'head.nii.gz')), host);
    const mask = document.init(DEFAULT_VIEWER_SETTINGS).mask;
    assert.equal(mask.file, 'head_seg-2.nii.gz');
    assert.match(mask.refused ?? '', /^head_seg\.nii\.gz: holds the value .* which is not a label/);
    assert.equal(host.errors.length, 1);
    assert.match(host.errors[0]!, /^The mask head_seg\.nii\.gz does not fit head\.nii\.gz: holds the value .* which is not a label/);
  });

  it('refuses a corrupt mask and still opens the scan', async () => {
    copyFileSync(join(niftiFixtures, 'uint16.nii'), join(temp, 'u.nii'));
    copyFileSync(join(niftiFixtures, 'bad', 'truncated.nii.gz'), join(temp, 'u.mask.nii.gz'));
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(temp, 'u.nii')), host);
    assert.equal(document.state.kind, 'loaded');
    assert.match(host.errors[0] ?? '', /^The mask u\.mask\.nii\.gz does not fit u\.nii: /);
    assert.equal(document.init(DEFAULT_VIEWER_SETTINGS).mask.file, 'u_seg.nii.gz', 'the default name is free');
  });

  it('opens with one channel and no mask where the folder cannot be listed', async () => {
    const host = testHost({ listing: 'fails' });
    const document = await NiftiDocument.open(new FileUri(join(viewerFixtures, 'brats21', `${B21}_t1.nii.gz`)), host);
    const init = document.init(DEFAULT_VIEWER_SETTINGS);
    assert.deepEqual(init.channels, [{ index: 0, name: 't1', source: `${B21}_t1.nii.gz` }]);
    assert.deepEqual(init.overlays, []);
    assert.deepEqual({ ...init.mask, data: undefined }, { file: `${B21}_seg.nii.gz`, exists: false, refused: null, data: undefined });
    assert.ok(host.log.lines.some((l) => l.level === 'warn' && /cannot list its folder/.test(l.message)));
  });
});
