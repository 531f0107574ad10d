// End to end on real anatomy: the BraTS-like case made from the real ch2bet T1 (scripts/sample-case.ts), one file
// per channel, segmented by the CLI, and the mask read back by nibabel.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSampleCase } from '../scripts/sample-case';
import { readNiftiFile } from '../src/core/nifti';
import { runCli } from './helpers/cli';
import { importFixtureModel } from './helpers/fixture-models';
import { repoRoot } from './helpers/paths';
import { python, pythonSkip } from './helpers/python-reference';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-case-'));
after(() => rmSync(work, { recursive: true, force: true }));
let model = '';
let channels: string[] = [];
before(async () => {
  model = importFixtureModel('swinfuse_f12', work);
  ({ channels } = await writeSampleCase(join(repoRoot, 'samples', 'ch2bet.nii.gz'), join(work, 'case')));
});

describe('swinfuse segment on a real-looking four-channel scan', () => {
  const mask = join(work, 'mask.nii.gz');

  it('segments flair, t1ce, t1, t2 (181×217×181 each) into a mask on the same grid', async () => {
    // overlap 0 keeps the window count (and the test's time) down; blending is covered by the MONAI comparison.
    const r = runCli(['segment', ...channels, '--model', model, '-o', mask, '--overlap', '0', '--device', 'cpu'], 600_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /181×217×181 × 4 channels, RAS → RAS/);
    assert.match(r.stdout, /; \d+ windows on cpu in/);
    const written = await readNiftiFile(mask);
    const t1ce = await readNiftiFile(channels[1]!);
    assert.deepEqual(written.shape, [181, 217, 181]);
    assert.deepEqual(written.affine, t1ce.affine);
    // Outside the head (zero in every channel, beyond the crop margin) nothing may be labelled.
    assert.equal(written.data[0], 0);
  });

  it('nibabel reads the mask on the image\'s grid', { skip: pythonSkip('nibabel') }, () => {
    const script = `import sys, nibabel as nib, numpy as np
m, i = nib.load(sys.argv[1]), nib.load(sys.argv[2])
assert m.shape == i.shape, (m.shape, i.shape)
assert np.allclose(m.affine, i.affine, atol=1e-6), (m.affine, i.affine)
assert m.get_data_dtype() == np.uint8
assert m.header.get_intent()[0] == 'label'
print(sorted(int(v) for v in np.unique(np.asanyarray(m.dataobj))))`;
    const r = spawnSync(python, ['-c', script, mask, channels[0]!], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const labels = JSON.parse(r.stdout) as number[];
    assert.ok(labels.every((v) => [0, 1, 2, 4].includes(v)), `labels ${labels} are BraTS labels`);
  });
});
