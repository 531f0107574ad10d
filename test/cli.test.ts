// The swinfuse CLI as a user meets it: help, readable output, and one-line errors with exit status 2.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './helpers/cli';
import { niftiFixtures } from './helpers/paths';

function assertOneErrorLine(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.equal(r.status, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('swinfuse CLI', () => {
  it('--help lists the commands', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: swinfuse COMMAND/m);
    assert.match(r.stdout, /^\s+info\s+/m);
  });

  it('info --help describes its options', () => {
    const r = runCli(['info', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /--max-voxels/);
  });

  it('info without --json prints readable text with the same facts', () => {
    const file = join(niftiFixtures, 'las_int16_scaled.nii.gz');
    const text = runCli(['info', file]);
    const json = JSON.parse(runCli(['info', file, '--json']).stdout);
    assert.equal(text.status, 0);
    assert.match(text.stdout, new RegExp(`^shape\\s+${json.shape.join(' × ')}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^datatype\\s+${json.datatype}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^axcodes\\s+${json.axcodes}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^sum\\s+${json.sum}$`, 'm'));
  });

  it('an unknown command is an error', () => {
    assertOneErrorLine(runCli(['segmentify']), /unknown command "segmentify"/);
  });

  it('an unknown option is an error', () => {
    assertOneErrorLine(runCli(['info', join(niftiFixtures, 'uint16.nii'), '--bogus']), /--bogus/);
  });

  it('a missing file is an error naming it', () => {
    assertOneErrorLine(runCli(['info', '/nonexistent/scan.nii.gz']), /\/nonexistent\/scan\.nii\.gz: no such file/);
  });

  it('a folder is an error naming it', () => {
    assertOneErrorLine(runCli(['info', niftiFixtures]), /not a regular file/);
  });
});
