// Hostile inputs, generated here as small files: every one must end in one clear `error:` line (or a correct answer),
// within a generous time limit and a bound on peak memory, with nothing on disk overwritten. The bounds are checked
// on the CLI as a user runs it, in a child process with a V8 heap limit whose peak resident memory is read back.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runBoundedCli, type BoundedResult } from './helpers/bounded-cli';
import {
  exponentialPickle, farVoxOffsetNifti, keyedCheckpoint, nestedOffsetPickle, oneEntryFourDtypes, overlappingSafetensors,
  sharedStorageViews, stackGlobalCheckpoint,
} from './helpers/hostile-files';
import { repoRoot } from './helpers/paths';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));
const MiB = 2 ** 20;
const IMPORT = ['--arch', 'swinunetr', '--in-channels', '4', '--out-channels', '3', '--feature-size', '12', '--roi', '64'];
const bundled = join(repoRoot, 'models', 'swinfuse-demo');

function write(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Exit status 2 and exactly one line on stderr: `error: `, the file's name, what is wrong (`says`), no control
 * character a terminal would act on, a length a person can read; peak memory within `peakMiB`.
 */
function assertOneClearError(r: BoundedResult, file: string, says: RegExp, peakMiB: number): void {
  assert.equal(r.signal, null, `killed by ${r.signal} (time limit?); stderr: ${r.stderr.slice(0, 300)}`);
  assert.equal(r.status, 2, `status ${r.status}; stderr: ${r.stderr.slice(0, 500)}`);
  assert.match(r.stderr, /^error: [^\n]*\n$/, `one error line, got ${JSON.stringify(r.stderr.slice(0, 400))}`);
  assert.doesNotMatch(r.stderr.slice(0, -1), /[\x00-\x1f\x7f-\x9f]/, 'no control characters');
  assert.ok(r.stderr.length <= 2100, `${r.stderr.length} characters`);
  assert.ok(r.stderr.includes(basename(file)), `names ${basename(file)}: ${r.stderr.slice(0, 300)}`);
  assert.match(r.stderr, says);
  assert.ok(r.peakMiB <= peakMiB, `peak ${r.peakMiB.toFixed(0)} MiB > ${peakMiB} MiB`);
}

describe('hostile checkpoints: bounded time, bounded memory, one clear line', () => {
  for (const where of ['offset', 'numel', 'key'] as const) {
    for (const depth of [24, 40]) {
      it(`a memo-built list of 2^${depth} leaves as the ${where === 'key' ? 'state-dict key' : `storage ${where}`}`, () => {
        const file = write(`exp-${where}-${depth}.pt`, exponentialPickle(depth, where));
        const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')], { timeoutMs: 30_000 });
        assertOneClearError(r, file, where === 'key' ? /a key is a list of 2 items, not a name/
          : where === 'offset' ? /the storage offset is a list of 2 items, not a count/ : /gives a list of 2 items as its number of elements/, 200);
      });
    }
  }

  it('a storage offset nested 100,000 lists deep', () => {
    const file = write('nested.pt', nestedOffsetPickle(100_000));
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')], { timeoutMs: 30_000 });
    assertOneClearError(r, file, /offset is a list of 1 item, not a count/, 300);
    assert.doesNotMatch(r.stderr, /call stack/);
  });

  it('64 views of one 64 MiB storage share it (the file is 67 KB; copies would be 4 GiB)', async () => {
    const file = write('views.pt', await sharedStorageViews(64));
    assert.ok(readFileSync(file).length < 200_000);
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')], { timeoutMs: 60_000 });
    // It loads (64 tensors of one storage) and then fails the architecture check, as any foreign state dict does.
    assertOneClearError(r, file, /does not fit the model: .*64 unexpected keys: w0, w1/, 450);
  });

  it('views that must be copied are bounded by --max-tensor-bytes', async () => {
    const file = write('transposed.pt', await sharedStorageViews(64, true));
    const r = runBoundedCli(['import', file, ...IMPORT, '--max-tensor-bytes', '256M', '-o', join(work, 'never.onnx')], { timeoutMs: 60_000 });
    assertOneClearError(r, file, /strided view of storage "0" would take reading this checkpoint past 256 MiB of memory, the limit \(swinfuse import --max-tensor-bytes/, 600);
  });

  it('one 1 GiB deflated entry claimed by four storages of different dtypes is inflated once, then refused', async () => {
    const file = write('four-dtypes.pt', await oneEntryFourDtypes(2 ** 30));
    assert.ok(readFileSync(file).length < 2 * MiB);
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')], { timeoutMs: 120_000 });
    assertOneClearError(r, file, /storage "0" is read as float32 \(268435456 elements\) and as float16/, 1600);
  });

  it('8,000 safetensors tensors on one data range are refused before anything is copied', () => {
    const file = write('overlap.safetensors', overlappingSafetensors(8000, MiB));
    assert.ok(readFileSync(file).length < 2 * MiB);
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')], { timeoutMs: 30_000 });
    assertOneClearError(r, file, /tensors "t0" and "t1" share bytes/, 300);
  });
});

describe('file text never reaches the terminal raw', () => {
  const forged = 'w\nerror: forged line\x1b[2J\x1b[31mred\x07';

  it('a state-dict key with newlines and escape sequences', () => {
    const file = write('forged-key.pt', keyedCheckpoint(forged));
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')]);
    assertOneClearError(r, file, /w\\nerror: forged line\\u001b\[2J/, 300);
  });

  it('a zip byteorder entry and a STACK_GLOBAL name with control characters', () => {
    let file = write('forged-byteorder.pt', keyedCheckpoint('w', `big\n${forged}`));
    assertOneClearError(runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')]), file, /big-endian|byteorder/, 300);
    file = write('forged-global.pt', stackGlobalCheckpoint('os\x1b[2J', `system\n${forged}`));
    assertOneClearError(runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')]), file, /refusing to load global "os\\u001b\[2J\.system\\nw\\nerror/, 300);
  });

  it('a key of a million characters is cut', () => {
    const file = write('long-key.pt', keyedCheckpoint('k'.repeat(1_000_000)));
    const r = runBoundedCli(['import', file, ...IMPORT, '-o', join(work, 'never.onnx')]);
    assertOneClearError(r, file, /k{20,}…/, 300);
  });
});

describe('NIfTI vox_offset', () => {
  it('an 8×8×8 .nii.gz with vox_offset 1e9 reads in bounded memory: the gap is skipped, not kept', { timeout: 120_000 }, async () => {
    const file = join(work, 'far.nii.gz');
    await farVoxOffsetNifti(file, 1e9);
    const r = runBoundedCli(['info', file, '--json', '--max-voxels', '1000'], { timeoutMs: 100_000 });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { shape: number[]; sum: number };
    assert.deepEqual(info.shape, [8, 8, 8]);
    assert.equal(info.sum, (511 * 512) / 2);
    assert.ok(r.peakMiB <= 250, `peak ${r.peakMiB.toFixed(0)} MiB`);
  });
});

describe('outputs never replace inputs, however the path is spelled', () => {
  /** A four-channel scan in a folder of its own, and a symlink to that folder. */
  let cases = 0;
  const freshScan = (): { scan: string; link: string } => {
    const dir = join(work, `case${++cases}`);
    mkdirSync(dir);
    const scan = join(dir, 'in.nii.gz');
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'segment', 'ras_4d.nii.gz'), scan);
    const link = join(work, `link${cases}`);
    symlinkSync(dir, link);
    return { scan, link };
  };

  it('segment -o through a symlinked folder, and through a hard link', () => {
    const { scan, link } = freshScan();
    const before = sha(scan);
    let r = runBoundedCli(['segment', scan, '-o', join(link, 'in.nii.gz')]);
    assertOneClearError(r, scan, /is an input image/, 400);
    const hard = join(work, 'hard.nii.gz');
    linkSync(scan, hard);
    r = runBoundedCli(['segment', scan, '-o', hard]);
    assertOneClearError(r, hard, /is an input image/, 400);
    assert.equal(sha(scan), before);
  });

  it('finetune -o onto its base model through a symlinked folder', () => {
    const { scan } = freshScan();
    const models = join(work, 'models');
    mkdirSync(models);
    copyFileSync(join(bundled, 'swinfuse-demo.onnx'), join(models, 'base.onnx'));
    copyFileSync(join(bundled, 'swinfuse-demo.json'), join(models, 'base.json'));
    symlinkSync(models, join(work, 'models-link'));
    const before = sha(join(models, 'base.onnx'));
    const r = runBoundedCli(['finetune', scan, '--mask', scan, '--model', join(models, 'base.onnx'), '-o', join(work, 'models-link', 'base.onnx')]);
    assertOneClearError(r, 'base.onnx', /is the base model/, 400);
    assert.equal(sha(join(models, 'base.onnx')), before);
  });

  it('import onto its own checkpoint, and a card onto it', () => {
    const checkpoint = join(work, 'ck.onnx');
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'checkpoint', 'small.pt'), checkpoint);
    const before = sha(checkpoint);
    let r = runBoundedCli(['import', checkpoint, ...IMPORT, '-o', checkpoint]);
    assertOneClearError(r, checkpoint, /ck\.onnx is the checkpoint; import never writes over its inputs/, 300);
    const weights = join(work, 'weights.json');
    copyFileSync(checkpoint, weights);
    r = runBoundedCli(['import', weights, ...IMPORT, '-o', join(work, 'weights.onnx')]);
    assertOneClearError(r, weights, /weights\.json is the checkpoint; import never writes over its inputs/, 300);
    assert.equal(sha(checkpoint), before);
    assert.equal(sha(weights), before);
  });

  it('segment -o into a folder that does not exist is refused before any inference', () => {
    const { scan } = freshScan();
    const target = join(work, 'no', 'such', 'folder', 'mask.nii.gz');
    const r = runBoundedCli(['segment', scan, '-o', target]);
    assertOneClearError(r, target, /folder .* does not exist/, 400);
    assert.doesNotMatch(r.stderr, /window/);
  });
});

describe('model cards', () => {
  it('a card with a null label map is refused, naming the field, before any inference', () => {
    const dir = join(work, 'nullcard');
    mkdirSync(dir);
    copyFileSync(join(bundled, 'swinfuse-demo.onnx'), join(dir, 'm.onnx'));
    const card = JSON.parse(readFileSync(join(bundled, 'swinfuse-demo.json'), 'utf8'));
    card.labels.labelMap = null;
    writeFileSync(join(dir, 'm.json'), JSON.stringify(card));
    const r = runBoundedCli(['segment', join(repoRoot, 'test', 'fixtures', 'segment', 'ras_4d.nii.gz'), '--model', join(dir, 'm.onnx'), '-o', join(dir, 'mask.nii.gz')]);
    assertOneClearError(r, 'm.json', /labels\.labelMap/, 400);
    assert.doesNotMatch(r.stderr, /window|Cannot read/);
  });
});
