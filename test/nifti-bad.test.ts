// Every file under bad/ is refused with an error that names the file and the problem, quickly and without a crash.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NiftiError, readNiftiFile } from '../src/core/nifti';
import { runCli } from './helpers/cli';
import { niftiFixtures } from './helpers/paths';

/** What each refusal must say, in words a user understands. */
const expectedProblem: Record<string, RegExp> = {
  'truncated.nii': /truncated/,
  'truncated.nii.gz': /truncated|ends early/,
  'bad_magic.nii': /magic/,
  'bad_sizeof_hdr.nii': /sizeof_hdr.*neither 348.*nor 540/,
  'huge_dims.nii': /30000×30000×30000.*over the limit/,
  'zero_dim.nii': /dim\[1\]\) is 0/,
  'negative_dim.nii': /negative/,
  'bad_datatype.nii': /datatype code 999 is not supported/,
  'not_nifti.nii.gz': /not a NIfTI file/,
  'empty.nii': /empty/,
  'vox_offset_past_end.nii': /vox_offset .* past the end/,
};

const manifest = JSON.parse(readFileSync(join(niftiFixtures, 'manifest.json'), 'utf8')) as { bad: Record<string, string> };

describe('bad NIfTI files are refused clearly', () => {
  it('covers every file the manifest lists', () => {
    assert.deepEqual(Object.keys(expectedProblem).sort(), Object.keys(manifest.bad).sort());
  });

  for (const [name, problem] of Object.entries(expectedProblem)) {
    const path = join(niftiFixtures, 'bad', name);

    it(`refuses ${name} (${manifest.bad[name]})`, async () => {
      const start = performance.now();
      await assert.rejects(readNiftiFile(path), (err: unknown) => {
        assert.ok(err instanceof NiftiError, `expected a NiftiError, got ${String(err)}`);
        assert.ok(err.message.startsWith(path), `message names the file: ${err.message}`);
        assert.match(err.problem, problem);
        return true;
      });
      const ms = performance.now() - start;
      assert.ok(ms < 1000, `refused in ${ms.toFixed(0)} ms, over a second`);
    });

    it(`swinfuse info ${name} exits 2 with one error line`, () => {
      const r = runCli(['info', path, '--json']);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
      assert.match(lines[0]!, /^error: /);
      assert.ok(lines[0]!.includes(path), 'the error names the file');
      assert.match(lines[0]!, problem);
    });
  }

  it('the voxel limit is configurable', async () => {
    const path = join(niftiFixtures, 'ras_uint8_labels.nii');
    await assert.rejects(readNiftiFile(path, { maxVoxels: 959 }), /960 voxels, over the limit/);
    await readNiftiFile(path, { maxVoxels: 960 });
    const r = runCli(['info', path, '--max-voxels', '100']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*over the limit/);
  });
});
