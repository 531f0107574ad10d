// The editable mask of a viewer document: edits from panels (and their races), VS Code's undo/redo, save in the
// image's stored layout (checked against the nibabel-made marker fixtures' manifest, not our reorientation code),
// Save As and its refusals, masks that do not fit the image, hot-exit backups and revert. Everything writes into a
// temporary copy of the fixtures.
import assert from 'node:assert/strict';
import { cpSync, existsSync, linkSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  applyEdit, decodeEdit, decodeRunValues, editBytes, editFromChanges, editIndices, encodeEdit, setValues, type EncodedLabelEdit,
} from '../src/core/labels/index';
import { encodeMaskBackup } from '../src/core/labels/mask-backup';
import { encodeNifti, readNifti } from '../src/core/nifti/index';
import type { HostToWebview } from '../src/core/viewer-protocol/messages';
import type { MaskChange } from '../src/extension/viewer/document-mask';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { ViewerSession } from '../src/extension/viewer/viewer-session';
import { DEFAULT_VIEWER_SETTINGS } from '../src/extension/viewer/viewer-settings';
import { FileUri, recordingLog, testHost, viewerFixtures, type TestHost } from './helpers/viewer-host';

const temp = mkdtempSync(join(tmpdir(), 'swinfuse-mask-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let folders = 0;

/** A fresh copy of a fixture folder, so each test owns what it writes. */
function copyFolder(name: string): string {
  const to = join(temp, `${name}-${++folders}`);
  cpSync(join(viewerFixtures, name), to, { recursive: true });
  return to;
}

/** A panel as the webview would be: keeps its own copy of the mask and applies what the host posts. */
class FakePanel {
  readonly posted: HostToWebview[] = [];
  copy: Uint8Array = new Uint8Array(0);
  async post(message: HostToWebview): Promise<void> {
    this.posted.push(message);
    if (message.type === 'init' || message.type === 'mask') this.copy = new Uint8Array(message.mask.data.slice(0));
    if (message.type === 'maskEdit') applyEdit(this.copy, decodeEdit(message.edit));
  }
  types(): string[] {
    return this.posted.map((m) => (m.type === 'mask' ? `mask:${m.reason}` : m.type === 'maskEdit' ? `maskEdit:${m.cause}` : m.type));
  }
}

async function openDocument(path: string, host: TestHost = testHost(), backup?: string) {
  const document = await NiftiDocument.open(new FileUri(path), host, { backup: backup ? new FileUri(backup) : undefined });
  assert.equal(document.state.kind, 'loaded', document.state.kind === 'failed' ? document.state.message : '');
  const changes: MaskChange[] = [];
  document.onDidChange((change) => changes.push(change));
  const panel = (): FakePanel => {
    const p = new FakePanel();
    document.attach(p);
    void p.post(document.init(DEFAULT_VIEWER_SETTINGS));
    p.posted.length = 0;
    return p;
  };
  return { document, host, changes, panel };
}

/** An edit message that sets `indices` (ascending) from `before` to `value`. */
function editMessage(indices: number[], before: number[], value: number): EncodedLabelEdit {
  return encodeEdit(editFromChanges(Uint32Array.from(indices), Uint8Array.from(before), new Uint8Array(indices.length).fill(value)));
}

const MARKERS = JSON.parse(readFileSync(join(viewerFixtures, 'markers', 'manifest.json'), 'utf8')) as {
  shape: [number, number, number];
  markers: Record<string, { value: number; box: [number, number][] }>;
  files: Record<string, { perm: number[]; flip: boolean[]; axcodes: string }>;
};

/** Where nibabel stored base (RAS) voxel `b` in `file`: stored axis k is base axis perm[k], reversed when flip[k]. */
function storedIndex(file: string, b: readonly number[]): number[] {
  const { perm, flip } = MARKERS.files[file]!;
  return perm.map((p, k) => (flip[k] ? MARKERS.shape[p]! - 1 - b[p]! : b[p]!));
}

function flat(shape: readonly number[], index: readonly number[]): number {
  return index[0]! + shape[0]! * (index[1]! + shape[1]! * index[2]!);
}

describe('undo and redo', () => {
  it('random strokes undo and redo bit-exactly on the host mask, and every panel copy follows', async () => {
    const folder = copyFolder('markers');
    const { document, changes, panel } = await openDocument(join(folder, 'markers_ras.nii.gz'));
    const [a, b] = [panel(), panel()];
    const reference = new Uint8Array(document.mask.data); // our own model of the mask, edited by setValues
    const snapshots = [reference.slice()];
    let seed = 12345;
    const random = (n: number): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
    for (let stroke = 0; stroke < 25; stroke++) {
      const indices = Array.from({ length: 1 + random(300) }, () => random(reference.length));
      const edit = setValues(reference, indices, [0, 1, 2, 4][random(4)]!);
      snapshots.push(reference.slice());
      const from = stroke % 2 === 0 ? a : b;
      from.copy = reference.slice(); // the sender painted its own copy already
      await document.edit(from, `stroke ${stroke}`, encodeEdit(edit));
      assert.deepEqual(document.mask.data, reference, `after stroke ${stroke}`);
    }
    const applied = changes.length;
    assert.ok(applied >= 20, `${applied} non-empty strokes`);
    assert.deepEqual(changes.map((c) => c.label).slice(0, 2), ['stroke 0', 'stroke 1']);
    // VS Code undoes in reverse order, then redoes forward.
    const states = snapshots.filter((s, i) => i === 0 || !snapshots[i - 1]!.every((v, k) => v === s[k]));
    assert.equal(states.length, applied + 1);
    for (let i = applied - 1; i >= 0; i--) {
      changes[i]!.undo();
      assert.deepEqual(document.mask.data, states[i], `undo to ${i}`);
    }
    for (let i = 0; i < applied; i++) {
      changes[i]!.redo();
      assert.deepEqual(document.mask.data, states[i + 1], `redo to ${i + 1}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
    for (const p of [a, b]) assert.deepEqual(p.copy, document.mask.data, 'the panel copy equals the host mask');
    assert.equal(a.types().filter((t) => t === 'maskEdit:undo').length, applied, 'every undo reaches every panel');
    assert.equal(b.types().filter((t) => t === 'maskEdit:redo').length, applied);
  });

  it('a 10-voxel edit on a 256³ mask keeps less than 1 KiB in its undo record', async () => {
    const path = join(temp, 'big.nii.gz');
    const shape = [256, 256, 256];
    const geometry = (await readNifti(readFileSync(join(viewerFixtures, 'markers', 'markers_ras.nii.gz')), 'm')).header;
    writeFileSync(path, await encodeNifti({ shape, data: new Uint8Array(256 ** 3), geometry }, true));
    const { document, changes, panel } = await openDocument(path);
    const indices = [5, 6, 7, 1000, 70000, 70001, 3_000_000, 9_000_000, 16_000_000, 16_777_215];
    await document.edit(panel(), 'Brush', editMessage(indices, indices.map(() => 0), 2));
    assert.equal(changes.length, 1);
    assert.ok(editBytes(changes[0]!.edit) < 1024, `${editBytes(changes[0]!.edit)} bytes`);
    assert.deepEqual([...editIndices(changes[0]!.edit)], indices);
    document.dispose();
  });
});

describe('edits from panels', () => {
  it('an edit whose before values are stale is rebuilt from the host mask; the sender is resynced, the others get it', async () => {
    const folder = copyFolder('brats21');
    const { document, changes, panel } = await openDocument(join(folder, 'BraTS2021_00001_flair.nii.gz'));
    const [a, b] = [panel(), panel()];
    const host = document.mask.data;
    // Voxels with labels 2 and 1 (from the fixture) and one background voxel, all claimed to be 0 by the panel.
    const indices = [host.indexOf(2), host.indexOf(1), host.indexOf(0)].sort((x, y) => x - y);
    const trueBefore = indices.map((i) => host[i]!);
    await document.edit(a, 'Brush', editMessage(indices, [0, 0, 0], 4));
    assert.deepEqual(indices.map((i) => host[i]), [4, 4, 4]);
    assert.deepEqual(a.types(), ['mask:resync']);
    assert.deepEqual(a.copy, host);
    assert.deepEqual(b.types(), ['maskEdit:other-panel']);
    const forwarded = decodeEdit((b.posted[0] as { edit: EncodedLabelEdit }).edit);
    assert.deepEqual([...decodeRunValues(forwarded.before)], trueBefore, 'the other panel gets the host\'s before values');
    assert.deepEqual(b.copy, host);
    // Undo restores what the host had, not what the panel claimed.
    changes[0]!.undo();
    assert.deepEqual(indices.map((i) => host[i]), trueBefore);
  });

  it('a stroke from one panel reaches the others through the session, and not the sender', async () => {
    const folder = copyFolder('markers');
    const document = await NiftiDocument.open(new FileUri(join(folder, 'markers_pir.nii.gz')), testHost());
    const posted: HostToWebview[][] = [[], []];
    const sessions = posted.map((list) => new ViewerSession(document, {
      post: async (m) => { list.push(m); return true; },
      settings: () => DEFAULT_VIEWER_SETTINGS,
      setLabels: async () => undefined,
      segment: () => undefined,
      log: recordingLog(),
    }));
    await sessions[0]!.handle({ type: 'edit', label: 'Fill', edit: editMessage([3, 4, 900], [0, 0, 0], 1) });
    assert.deepEqual(posted[0], []);
    assert.deepEqual(posted[1]!.map((m) => m.type === 'maskEdit' && m.cause), ['other-panel']);
    sessions[1]!.dispose();
    await sessions[0]!.handle({ type: 'edit', label: 'Fill', edit: editMessage([5], [0], 1) });
    assert.equal(posted[1]!.length, 1, 'a closed panel hears nothing');
    // A re-created webview's `ready` gets the edited mask.
    await sessions[0]!.handle({ type: 'ready', version: 2 });
    const init = posted[0]!.at(-1)! as Extract<HostToWebview, { type: 'init' }>;
    assert.deepEqual([3, 4, 5, 900].map((i) => new Uint8Array(init.mask.data)[i]), [1, 1, 1, 1]);
  });

  it('a malformed or out-of-range edit is logged and answered with a resync; empty edits are ignored', async () => {
    const folder = copyFolder('markers');
    const host = testHost();
    const { document, changes, panel } = await openDocument(join(folder, 'markers_las.nii.gz'), host);
    const a = panel();
    const before = document.mask.data.slice();
    await document.edit(a, 'x', { starts: 'nope' });
    await document.edit(a, 'x', null);
    await document.edit(a, 'x', editMessage([24 * 20 * 16], [0], 3));
    await document.edit(a, 'x', encodeEdit(editFromChanges(new Uint32Array(0), new Uint8Array(0), new Uint8Array(0))));
    assert.deepEqual(a.types(), ['mask:resync', 'mask:resync', 'mask:resync']);
    assert.equal(changes.length, 0);
    assert.deepEqual(document.mask.data, before);
    const errors = host.log.lines.filter((l) => l.level === 'error').map((l) => l.message);
    assert.equal(errors.length, 3);
    assert.match(errors[2]!, /^markers_las\.nii\.gz: a panel sent an edit that cannot be applied \(the edit reaches voxel 7680 but the mask has 7680\)/);
  });
});

describe('save writes the mask in the image\'s stored layout and geometry', () => {
  for (const file of Object.keys(MARKERS.files)) {
    it(`${file} (stored ${MARKERS.files[file]!.axcodes})`, async () => {
      const folder = copyFolder('markers');
      const imagePath = join(folder, file);
      const imageBytes = readFileSync(imagePath);
      const { document, panel } = await openDocument(imagePath);
      const a = panel();
      const init = document.init(DEFAULT_VIEWER_SETTINGS);
      assert.deepEqual(init.mask.file, file.replace('.nii.gz', '_seg.nii.gz'));
      assert.equal(init.mask.exists, false);
      // The centre voxel of each marker box, in the base (RAS) array of make_markers.py.
      const painted: { base: number[]; label: number; value: number }[] = Object.values(MARKERS.markers).map((m, i) => ({
        base: m.box.map(([lo, hi]) => Math.floor((lo + hi) / 2)), label: [1, 2, 4][i]!, value: m.value,
      }));
      for (const p of painted) {
        const index = flat(MARKERS.shape, p.base);
        await document.edit(a, 'Brush', editMessage([index], [0], p.label));
      }
      await document.save();
      assert.deepEqual(a.posted.at(-1), { type: 'maskInfo', mask: { file: init.mask.file, exists: true, refused: null } });

      const saved = await readNifti(readFileSync(join(folder, init.mask.file)), init.mask.file);
      const image = await readNifti(imageBytes, file);
      assert.equal(saved.datatype, 'uint8');
      assert.equal(saved.header.intentCode, 1002);
      assert.deepEqual(saved.shape, image.shape);
      assert.deepEqual(saved.affine, image.affine);
      for (const key of ['qformCode', 'sformCode', 'quatern', 'qoffset', 'srow', 'pixdim', 'xyztUnits'] as const) {
        assert.deepEqual(saved.header[key], image.header[key], key);
      }
      let labelled = 0;
      for (const p of painted) {
        const s = storedIndex(file, p.base);
        const k = flat(image.shape, s);
        // The stored index nibabel recorded holds the marker in the image and the label in the mask.
        const raw = image.data[k]!;
        assert.equal(image.scaling ? raw * image.scaling.slope + image.scaling.inter : raw, p.value, `image at ${s}`);
        assert.equal(saved.data[k], p.label, `mask at stored ${s}`);
      }
      for (let i = 0; i < saved.data.length; i++) if (saved.data[i] !== 0) labelled++;
      assert.equal(labelled, painted.length, 'nothing else is labelled');
      assert.deepEqual(readFileSync(imagePath), imageBytes, 'the image is never written');

      // Reopening gives the same voxels.
      const again = await openDocument(imagePath);
      assert.equal(again.document.init(DEFAULT_VIEWER_SETTINGS).mask.exists, true);
      assert.deepEqual(again.document.mask.data, document.mask.data);
    });
  }

  it('writes through a temporary file renamed over the target, and leaves no temporary file when that fails', async () => {
    const folder = copyFolder('markers');
    const host = testHost();
    const { document, panel } = await openDocument(join(folder, 'markers_ras.nii.gz'), host);
    await document.edit(panel(), 'Brush', editMessage([10], [0], 1));
    await document.save();
    const target = join(folder, 'markers_ras_seg.nii.gz');
    assert.equal(host.writes.length, 2);
    assert.match(host.writes[0]!, /^write .*\/\.markers_ras_seg\.nii\.gz\.[0-9a-f]{8}\.swinfuse-tmp$/);
    assert.equal(host.writes[1], `rename ${host.writes[0]!.slice('write '.length)} -> ${target}`);

    const failing = testHost({ renameFails: true });
    const other = await openDocument(join(folder, 'markers_las.nii.gz'), failing);
    await other.document.edit(other.panel(), 'Brush', editMessage([10], [0], 1));
    await assert.rejects(other.document.save(), /Not saving the mask of markers_las\.nii\.gz to markers_las_seg\.nii\.gz: writing it failed/);
    assert.match(failing.writes.at(-1)!, /^delete .*\.swinfuse-tmp$/);
    assert.deepEqual(readdirSync(folder).filter((n) => n.includes('swinfuse-tmp') || n === 'markers_las_seg.nii.gz'), []);
  });
});

describe('Save As and the files it must not write', () => {
  it('Save As writes a new name, which then becomes where Save writes', async () => {
    const folder = copyFolder('markers');
    const { document, panel } = await openDocument(join(folder, 'markers_lps.nii.gz'));
    const a = panel();
    await document.edit(a, 'Brush', editMessage([100, 101], [0, 0], 2));
    await document.saveAs(new FileUri(join(folder, 'corrected.nii')));
    assert.deepEqual(a.posted.at(-1), { type: 'maskInfo', mask: { file: 'corrected.nii', exists: true, refused: null } });
    const saved = await readNifti(readFileSync(join(folder, 'corrected.nii')), 'corrected.nii');
    assert.equal(saved.datatype, 'uint8');
    assert.equal([...saved.data].filter((v) => v === 2).length, 2);
    assert.ok(!existsSync(join(folder, 'markers_lps_seg.nii.gz')));
    assert.equal(document.init(DEFAULT_VIEWER_SETTINGS).mask.file, 'corrected.nii');
  });

  it('refuses Save As onto the image, onto a channel file, and to a name that is not NIfTI', async () => {
    const folder = copyFolder('brats21');
    const image = join(folder, 'BraTS2021_00001_t1.nii.gz');
    const before = new Map(readdirSync(folder).map((n) => [n, readFileSync(join(folder, n))]));
    const { document, panel } = await openDocument(image);
    await document.edit(panel(), 'Brush', editMessage([0], [0], 4));
    await assert.rejects(document.saveAs(new FileUri(image)), {
      message: 'Not saving the mask of BraTS2021_00001_t1.nii.gz to BraTS2021_00001_t1.nii.gz: that is the image itself, which is '
        + 'never written; save the mask under another name',
    });
    await assert.rejects(document.saveAs(new FileUri(join(folder, 'BraTS2021_00001_T2.nii.gz'))),
      /to BraTS2021_00001_T2\.nii\.gz: it is one of the channels shown with BraTS2021_00001_t1\.nii\.gz, which are never written/);
    await assert.rejects(document.saveAs(new FileUri(join(folder, 'labels.png'))), /must end in \.nii or \.nii\.gz/);
    // The image through a linked folder, and under another name (a hard link): still the image.
    const linked = `${folder}-link`;
    symlinkSync(folder, linked);
    await assert.rejects(document.saveAs(new FileUri(join(linked, 'BraTS2021_00001_t1.nii.gz'))), /that is the image itself/);
    linkSync(image, join(linked, 'alias.nii.gz'));
    await assert.rejects(document.saveAs(new FileUri(join(folder, 'alias.nii.gz'))), /that is the image itself/);
    rmSync(join(folder, 'alias.nii.gz'));
    for (const [name, bytes] of before) assert.deepEqual(readFileSync(join(folder, name)), bytes, name);
    assert.deepEqual(readdirSync(folder).sort(), [...before.keys()].sort());
  });

  it('refuses to overwrite a target that appeared on disk on another grid', async () => {
    const folder = copyFolder('markers');
    const { document, panel } = await openDocument(join(folder, 'markers_ras.nii.gz'));
    await document.edit(panel(), 'Brush', editMessage([0], [0], 1));
    // Someone else's file appears where the new mask would go, on another grid.
    const intruder = join(folder, 'markers_ras_seg.nii.gz');
    cpSync(join(viewerFixtures, 'plain', 'scan.nii'), intruder);
    const intruderBytes = readFileSync(intruder);
    await assert.rejects(document.save(), {
      message: 'Not saving the mask of markers_ras.nii.gz to markers_ras_seg.nii.gz: that file exists and is not on the voxel '
        + 'grid of markers_ras.nii.gz (its shape is 12×10×8, not 24×20×16), so it is left as it is',
    });
    assert.deepEqual(readFileSync(intruder), intruderBytes);
    // One on the same grid, even stored in another orientation (PIR), may be replaced.
    cpSync(join(folder, 'markers_pir.nii.gz'), intruder);
    await document.save();
    assert.equal((await readNifti(readFileSync(intruder), 'x')).datatype, 'uint8');
  });
});

describe('a mask beside the image that does not fit it', () => {
  it('is refused with a message naming both files and the difference, and is never written', async () => {
    const folder = copyFolder('markers');
    const image = await readNifti(readFileSync(join(folder, 'markers_ras.nii.gz')), 'markers_ras.nii.gz');
    const h = image.header;
    const shifted = {
      ...h, qoffset: [h.qoffset[0] + 2, h.qoffset[1], h.qoffset[2]] as [number, number, number],
      srow: h.srow.map((row, r) => (r === 0 ? [row[0]!, row[1]!, row[2]!, row[3]! + 2] : [...row])),
    };
    const refusedPath = join(folder, 'markers_ras.seg.nii.gz');
    writeFileSync(refusedPath, await encodeNifti({ shape: image.shape, data: new Uint8Array(image.data.length).fill(1), geometry: shifted }, true));
    const refusedBytes = readFileSync(refusedPath);

    const host = testHost();
    const { document, panel } = await openDocument(join(folder, 'markers_ras.nii.gz'), host);
    const reason = 'it is not on the voxel grid of markers_ras.nii.gz: its origin is offset by (2, 0, 0) mm';
    assert.deepEqual(host.errors, [
      `The mask markers_ras.seg.nii.gz does not fit markers_ras.nii.gz: ${reason}. It is not shown and will not be written; `
        + 'new labels save to markers_ras_seg.nii.gz.',
    ]);
    const { data, ...info } = document.init(DEFAULT_VIEWER_SETTINGS).mask;
    assert.deepEqual(info, { file: 'markers_ras_seg.nii.gz', exists: false, refused: `markers_ras.seg.nii.gz: ${reason}` });
    assert.ok(new Uint8Array(data).every((v) => v === 0), 'an empty mask, never the shifted one');

    const a = panel();
    await document.edit(a, 'Brush', editMessage([7], [0], 2));
    await document.save();
    assert.deepEqual(readFileSync(refusedPath), refusedBytes);
    assert.ok(existsSync(join(folder, 'markers_ras_seg.nii.gz')));
    await assert.rejects(document.saveAs(new FileUri(refusedPath)), /was refused as this image's mask and is never written/);
    assert.deepEqual(readFileSync(refusedPath), refusedBytes);
  });

  it('takes a free name when the default name is the refused file', async () => {
    const folder = copyFolder('brats23');
    const { document } = await openDocument(join(folder, 'BraTS-GLI-00002-000-t2f.nii.gz'));
    assert.equal(document.init(DEFAULT_VIEWER_SETTINGS).mask.file, 'BraTS-GLI-00002-000-seg-2.nii.gz');
  });
});

describe('masks found beside the image', () => {
  async function maskFor(folder: string, image: string, mask: string, patterns?: string[]) {
    const source = await readNifti(readFileSync(join(folder, image)), image);
    const labels = new Uint8Array(source.data.length);
    labels[3] = 4;
    writeFileSync(join(folder, mask), await encodeNifti({ shape: source.shape, data: labels, geometry: source.header }, true));
    const { document } = await openDocument(join(folder, image), testHost(patterns ? { maskPatterns: patterns } : {}));
    return document.init(DEFAULT_VIEWER_SETTINGS).mask;
  }

  it('NAME_seg.nii.gz, NAME.seg.nii.gz and a configured pattern', async () => {
    for (const [mask, patterns] of [
      ['markers_ras_seg.nii.gz', undefined], ['markers_ras.seg.nii.gz', undefined], ['labels-markers_ras.nii', ['labels-{name}.nii']],
    ] as const) {
      const folder = copyFolder('markers');
      const found = await maskFor(folder, 'markers_ras.nii.gz', mask, patterns && [...patterns]);
      assert.equal(found.file, mask);
      assert.equal(found.exists, true);
      assert.equal(new Uint8Array(found.data)[3], 4, mask);
    }
  });

  it('the BraTS case\'s seg file for every modality, and a new one under the case\'s name', async () => {
    const folder = copyFolder('brats21');
    for (const modality of ['t1', 't2', 'flair']) {
      const { document } = await openDocument(join(folder, `BraTS2021_00001_${modality}.nii.gz`));
      assert.equal(document.init(DEFAULT_VIEWER_SETTINGS).mask.file, 'BraTS2021_00001_seg.nii.gz');
    }
    rmSync(join(folder, 'BraTS2021_00001_seg.nii.gz'));
    const { document } = await openDocument(join(folder, 'BraTS2021_00001_t1ce.nii.gz'));
    const { data, ...info } = document.init(DEFAULT_VIEWER_SETTINGS).mask;
    assert.deepEqual(info, { file: 'BraTS2021_00001_seg.nii.gz', exists: false, refused: null });
  });
});

describe('hot exit', () => {
  it('a backup restores the unsaved voxels and where they save', async () => {
    const folder = copyFolder('brats21');
    const image = join(folder, 'BraTS2021_00001_t2.nii.gz');
    const { document, panel } = await openDocument(image);
    await document.edit(panel(), 'Brush', editMessage([1, 2, 3], [...document.mask.data.slice(1, 4)], 4));
    const expected = document.mask.data.slice();
    const destination = join(temp, 'backups', `${folders}`, 'a', 'backup-1');
    const backup = await document.backup(new FileUri(destination));
    assert.equal(backup.id, `file://${destination}`);
    assert.ok(existsSync(destination));

    const restored = await openDocument(image, testHost(), destination);
    assert.deepEqual(restored.document.mask.data, expected);
    const { data, ...info } = restored.document.init(DEFAULT_VIEWER_SETTINGS).mask;
    assert.deepEqual(info, { file: 'BraTS2021_00001_seg.nii.gz', exists: true, refused: null });
    assert.deepEqual(new Uint8Array(data), expected);
    backup.delete();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(!existsSync(destination));
  });

  it('a corrupt, truncated or foreign backup falls back to the mask on disk, with a warning that says why', async () => {
    const folder = copyFolder('brats21');
    const image = join(folder, 'BraTS2021_00001_t2.nii.gz');
    const { document, panel } = await openDocument(image);
    const disk = document.mask.data.slice();
    await document.edit(panel(), 'Brush', editMessage([0], [disk[0]!], 4));
    const good = join(temp, `good-${folders}`);
    await document.backup(new FileUri(good));
    const bytes = readFileSync(good);
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', bytes.subarray(0, bytes.length - 30), /its labels end early: the backup is truncated/],
      ['cut in the header', bytes.subarray(0, 40), /ends inside its header: the backup is truncated/],
      ['bad magic', Buffer.concat([Buffer.from('NOT-A-BACKUP\n'), bytes]), /not a SwinFUSE mask backup/],
      ['other shape', await encodeMaskBackup({
        image: 'BraTS2021_00001_t2.nii.gz', target: '/x_seg.nii.gz', exists: false, refused: null, shape: [2, 2, 2],
      }, new Uint8Array(8)), /holds a 2×2×2 mask but BraTS2021_00001_t2\.nii\.gz is 12×10×8/],
    ];
    for (const [what, content, problem] of cases) {
      const path = join(temp, `bad-${what.replace(/ /g, '-')}-${folders}`);
      writeFileSync(path, content);
      const host = testHost();
      const restored = await openDocument(image, host, path);
      assert.deepEqual(restored.document.mask.data, disk, what);
      assert.equal(host.warnings.length, 1, what);
      assert.match(host.warnings[0]!, /^Could not restore the unsaved mask of BraTS2021_00001_t2\.nii\.gz: the unsaved-changes backup of /);
      assert.match(host.warnings[0]!, problem, what);
      assert.match(host.warnings[0]!, /Showing the mask from disk instead\.$/);
    }
    const host = testHost();
    await openDocument(image, host, join(temp, 'no-such-backup'));
    assert.equal(host.warnings.length, 1);
  });
});

describe('revert', () => {
  it('puts the mask from disk back in every panel', async () => {
    const folder = copyFolder('brats21');
    const { document, panel } = await openDocument(join(folder, 'BraTS2021_00001_flair.nii.gz'));
    const [a, b] = [panel(), panel()];
    const disk = (await readNifti(readFileSync(join(folder, 'BraTS2021_00001_seg.nii.gz')), 'seg'));
    await document.edit(a, 'Brush', editMessage([0, 1], [...document.mask.data.slice(0, 2)], 4));
    await document.revert();
    for (const p of [a, b]) {
      const last = p.posted.at(-1)!;
      assert.ok(last.type === 'mask' && last.reason === 'revert');
      assert.equal(last.mask.file, 'BraTS2021_00001_seg.nii.gz');
      assert.deepEqual(p.copy, document.mask.data);
    }
    // The fixture is stored LPS: x and y reversed from RAS, so compare through that flip (independent of our code).
    const [X, Y, Z] = [12, 10, 8];
    for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
      assert.equal(document.mask.data[x + X * (y + Y * z)], disk.data[(X - 1 - x) + X * ((Y - 1 - y) + Y * z)]);
    }
  });

  it('of a mask never saved gives an empty mask', async () => {
    const folder = copyFolder('markers');
    const { document, panel } = await openDocument(join(folder, 'markers_oblique.nii.gz'));
    const a = panel();
    await document.edit(a, 'Brush', editMessage([9], [0], 2));
    await document.revert();
    assert.ok(document.mask.data.every((v) => v === 0));
    assert.deepEqual(a.types(), ['mask:revert']);
  });
});
