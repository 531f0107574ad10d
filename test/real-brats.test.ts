// Real scans in npm test: cases from ../shared/fixtures/real-brats (real brain-tumour MRI as published, each folder
// named its own way) are found from one file, their contrasts matched by name, segmented with the bundled model (at
// its 2 mm, and back) and written, by the CLI and in the editor. The mask must sit on the image's exact grid, checked
// by our reader and by nibabel, and the editor must propose the CLI's mask. Where a reference segmentation exists
// (another model's output, not truth), the mask's whole tumour must overlap it more than it overlaps the reference
// mirrored left-right: a silent flip fails that, whatever the model's quality.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNiftiFile, type NiftiVolume } from '../src/core/nifti';
import { runCli } from './helpers/cli';
import { realBratsFixtures, repoRoot } from './helpers/paths';
import { python, pythonSkip } from './helpers/python-reference';
import { FileUri, testHost } from './helpers/viewer-host';
import { readModelCard } from '../src/core/inference';
import { planReorientation, reorientVoxels } from '../src/core/nifti/reorient';
import { segmentScan } from '../src/extension/segment/segment-run';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-real-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface RealCase {
  readonly folder: string;
  /** The one file given to segment. */
  readonly opened: string;
  /** What the folder's README says each contrast's file is. */
  readonly channels: Readonly<Record<'flair' | 't1ce' | 't1' | 't2', string>>;
  readonly reference?: string;
}

const CASES: readonly RealCase[] = [
  {
    folder: 'BraTS-GLI-00001-000', opened: 'BraTS-GLI-00001-000-t1n.nii.gz',
    channels: { flair: 'BraTS-GLI-00001-000-t2f.nii.gz', t1ce: 'BraTS-GLI-00001-000-t1c.nii.gz', t1: 'BraTS-GLI-00001-000-t1n.nii.gz', t2: 'BraTS-GLI-00001-000-t2w.nii.gz' },
    reference: 'dqe-tests_seg-BraTS23_1.nii.gz',
  },
  {
    folder: 'BraTS20-001-sri24', opened: 't2f.nii.gz',
    channels: { flair: 't2f.nii.gz', t1ce: 't1c.nii.gz', t1: 't1n.nii.gz', t2: 't2w.nii.gz' },
    reference: 'model_output_segmentation.nii.gz',
  },
  {
    folder: 'BraTS-MET-00110-000', opened: 't2.nii.gz',
    channels: { flair: 'flair.nii.gz', t1ce: 't1c.nii.gz', t1: 't1.nii.gz', t2: 't2.nii.gz' },
  },
];

function geometryOf(v: NiftiVolume) {
  const h = v.header;
  return { shape: v.shape.slice(0, 3), qformCode: h.qformCode, sformCode: h.sformCode, quatern: h.quatern, qoffset: h.qoffset,
    srow: h.srow, pixdim: h.pixdim.slice(0, 4), affine: v.affine, axcodes: v.axcodes };
}

describe('real BraTS-style scans through swinfuse segment', () => {
  for (const c of CASES) {
    describe(c.folder, () => {
      const mask = join(work, `${c.folder}-mask.nii.gz`);

      it(`found from ${c.opened}, each contrast by its name, segmented at the model's 2 mm and written on the image's 1 mm grid`, { timeout: 300_000 }, async () => {
        const r = runCli(['segment', join(realBratsFixtures, c.folder, c.opened), '-o', mask, '--threads', '2'], 290_000);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /grid: the \d+×\d+×\d+ box resampled to the model's 2×2×2 mm/);
        const line = /^channels: (.*)$/m.exec(r.stderr)?.[1] ?? '';
        assert.equal(line, Object.entries(c.channels).map(([k, f]) => `${k} ← ${f}`).join(', '));
        const image = await readNiftiFile(join(realBratsFixtures, c.folder, c.opened));
        const written = await readNiftiFile(mask);
        assert.equal(written.datatype, 'uint8');
        assert.deepEqual(geometryOf(written), geometryOf(image));
        let labelled = 0;
        for (const v of written.data) if (v !== 0) labelled++;
        assert.ok(labelled > 0 && labelled < 0.1 * written.data.length, `${labelled} voxels labelled`);
      });

      it('nibabel reads the mask on the image\'s grid' + (c.reference ? ', overlapping the reference more than its mirror image' : ''),
        { skip: pythonSkip('nibabel'), timeout: 60_000 }, (t) => {
          const script = `
import sys, json, nibabel as nib, numpy as np
mask, image = nib.load(sys.argv[1]), nib.load(sys.argv[2])
out = {"shape": mask.shape == image.shape[:3], "affine": bool(np.allclose(mask.affine, image.affine, atol=1e-6))}
if len(sys.argv) > 3:
    ref = nib.load(sys.argv[3])
    m, r = np.asarray(mask.dataobj) > 0, np.asarray(ref.dataobj) > 0
    lr = int(np.argmax(np.abs(mask.affine[0, :3])))  # the voxel axis that runs left-right
    dice = lambda a, b: float(2 * (a & b).sum() / max(1, a.sum() + b.sum()))
    out.update(dice=dice(m, r), mirrored=dice(m, np.flip(r, axis=lr)))
print(json.dumps(out))`;
          const args = [mask, join(realBratsFixtures, c.folder, c.opened), ...(c.reference ? [join(realBratsFixtures, c.folder, c.reference)] : [])];
          const r = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8' });
          assert.equal(r.status, 0, r.stderr);
          const got = JSON.parse(r.stdout) as { shape: boolean; affine: boolean; dice?: number; mirrored?: number };
          assert.ok(got.shape && got.affine, r.stdout);
          if (c.reference) {
            t.diagnostic(`WT Dice vs ${c.reference}: ${got.dice!.toFixed(3)}; vs its left-right mirror: ${got.mirrored!.toFixed(3)}`);
            assert.ok(got.dice! > got.mirrored! + 0.05, `WT Dice ${got.dice} is not clearly above the mirrored reference's ${got.mirrored}`);
          }
        });

      it(`in the editor: Segment on ${c.opened} finds the same files and proposes the CLI's mask, voxel for voxel`, { timeout: 300_000 }, async () => {
        const host = testHost();
        const document = await NiftiDocument.open(new FileUri(join(realBratsFixtures, c.folder, c.opened)), host);
        const state = document.state.kind === 'loaded' ? document.state : assert.fail('not loaded');
        const model = join(repoRoot, 'models', 'swinfuse-demo', 'swinfuse-demo.onnx');
        const run = await segmentScan(document.uri, state.scan, await document.folderFiles(host), { path: model, card: readModelCard(model) },
          { device: 'cpu', threads: 2, overlap: 0.5 }, 1,
          { host, workerScript: join(repoRoot, 'dist', 'inference-worker.js'), picker: { pick: async () => assert.fail('no file should be asked for') }, signal: new AbortController().signal, onStatus: () => {} });
        assert.deepEqual(run.inputs, Object.values(c.channels));
        // The editor works in RAS; the CLI wrote the image's stored layout.
        const cli = await readNiftiFile(mask);
        const inRas = reorientVoxels(cli.data as Uint8Array, planReorientation(cli.affine, cli.shape, 'RAS'));
        let differing = 0;
        for (let i = 0; i < inRas.length; i++) if (run.proposal.labels[i] !== inRas[i]) differing++;
        assert.equal(differing, 0, `${differing} voxels differ from the CLI's mask`);
        document.dispose();
      });
    });
  }
});
