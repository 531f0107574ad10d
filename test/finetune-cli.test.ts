// swinfuse finetune as a user runs it: the JSON lines, the adapted model and its lineage, segment with the result,
// the base model untouched, Ctrl-C, and the refusals. Head steps only (about 2 s each here) to keep CI short.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStoredModel } from '../src/core/onnx';
import { runCli } from './helpers/cli';
import { caseImage, caseLabels, readCaseImage, segmentFixtures, writeCaseMask } from './helpers/finetune-case';
import { copyWithoutEmbeddedCard, importFixtureModel } from './helpers/fixture-models';
import { cliPath } from './helpers/paths';

/** A few head steps plus session set-up; other test files share the two cores. */
const TRAIN_TIMEOUT = 180_000;
const work = mkdtempSync(join(tmpdir(), 'swinfuse-finetune-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let model: string;
let mask: string;
before(async () => {
  model = importFixtureModel('swinunetr_f12', work);
  const image = await readCaseImage();
  mask = join(work, 'case_seg.nii.gz');
  await writeCaseMask(mask, image, caseLabels(image.shape));
});
const cpu = ['--device', 'cpu', '--threads', '2'];

describe('swinfuse finetune writes an adapted model and never touches the base', () => {
  it('--json: one line per step, then the summary; the card records the run; segment runs with the new model', () => {
    const baseHash = sha256(model);
    const baseCard = readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8');
    const output = join(work, 'out', 'adapted.onnx');
    mkdirSync(join(work, 'out'));
    const r = runCli(['finetune', caseImage, '--mask', mask, '--model', model, '--steps', '3', '--train', 'head', '--json', ...cpu, '-o', output], TRAIN_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 4, r.stdout);
    const steps = lines.slice(0, 3);
    steps.forEach((s, i) => {
      assert.deepEqual(Object.keys(s), ['step', 'loss', 'ms']);
      assert.equal(s.step, i + 1);
      assert.ok(typeof s.loss === 'number' && Number.isFinite(s.loss) && s.loss > 0, `step ${i + 1} loss ${s.loss}`);
      assert.ok(typeof s.ms === 'number' && s.ms > 0);
    });
    const losses = steps.map((s) => s.loss as number);
    assert.deepEqual(lines[3], { done: true, model: output, steps: 3, lossFirst: losses[0], lossLast: losses[2] });
    assert.match(r.stderr, /^device: CPU/m);
    assert.doesNotMatch(r.stderr, /^step \d/m, 'no human progress lines in --json mode');

    const cardPath = join(work, 'out', 'adapted.json');
    assert.ok(existsSync(output) && existsSync(cardPath));
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { name: string; lineage: Record<string, unknown>[] };
    assert.equal(card.name, 'adapted');
    assert.equal(card.lineage.length, 1);
    const entry = card.lineage[0]!;
    assert.equal(entry.kind, 'finetune');
    assert.deepEqual(entry.base, { name: 'swinunetr_f12', file: 'swinunetr_f12.onnx' });
    assert.deepEqual(entry.case, { images: ['ras_4d.nii.gz'], mask: 'case_seg.nii.gz' });
    assert.equal(entry.scope, 'head');
    assert.equal(entry.steps, 3);
    assert.equal(entry.stepsDone, 3);
    assert.deepEqual(entry.losses, losses);
    assert.equal(entry.device, 'cpu');

    // Head scope: the output convolution moved, nothing else did.
    const base = readStoredModel(readFileSync(model), model).weights;
    const adapted = readStoredModel(readFileSync(output), output).weights;
    assert.deepEqual([...adapted.keys()].sort(), [...base.keys()].sort());
    for (const [name, w] of adapted) {
      const same = Buffer.compare(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength),
        Buffer.from(base.get(name)!.data.buffer, base.get(name)!.data.byteOffset, base.get(name)!.data.byteLength)) === 0;
      assert.equal(same, !name.startsWith('out.'), `${name} ${same ? 'unchanged' : 'changed'}`);
    }

    assert.equal(sha256(model), baseHash, 'the base model is byte-identical');
    assert.equal(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8'), baseCard, 'and so is its card');

    const seg = runCli(['segment', caseImage, '--model', output, ...cpu, '-o', join(work, 'out', 'mask.nii.gz')], TRAIN_TIMEOUT);
    assert.equal(seg.status, 0, seg.stderr);
    assert.match(seg.stdout, /^wrote .*mask\.nii\.gz: .* windows on cpu/);
  });

  it('without --json: a progress line per step on stderr, one summary line on stdout; no -o names it after the card, beside the model', () => {
    const dir = join(work, 'default');
    mkdirSync(dir);
    const local = join(dir, 'swinunetr_f12.onnx');
    copyFileSync(model, local);
    copyFileSync(model.replace(/\.onnx$/, '.json'), local.replace(/\.onnx$/, '.json'));
    const r = runCli(['finetune', caseImage, '--mask', mask, '--model', local, '--steps', '2', '--train', 'head', ...cpu], TRAIN_TIMEOUT);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^step 1\/2: loss \d\.\d+, [\d.]+ m?s, about [\d.]+ s left$/m);
    assert.match(r.stderr, /^step 2\/2: loss \d\.\d+, [\d.]+ m?s$/m);
    const written = readdirSync(dir).filter((f) => /^swinunetr_f12-ft-\d{8}-\d{6}Z\.onnx$/.test(f));
    assert.equal(written.length, 1, readdirSync(dir).join(', '));
    const name = written[0]!.replace(/\.onnx$/, '');
    assert.ok(existsSync(join(dir, `${name}.json`)));
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0]!, new RegExp(`^wrote ${escape(join(dir, name))}\\.onnx and ${escape(join(dir, name))}\\.json: 2 steps on cpu, loss \\d\\.\\d+ → \\d\\.\\d+ in [\\d.]+ s$`));
  });

  it('Ctrl-C cancels after the current step and writes nothing', async () => {
    const output = join(work, 'cancelled.onnx');
    const child = spawn(process.execPath, [cliPath, 'finetune', caseImage, '--mask', mask, '--model', model, '--steps', '50',
      '--train', 'head', ...cpu, '-o', output], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      const first = !/^step 1\//m.test(stderr);
      stderr += d;
      if (first && /^step 1\//m.test(stderr)) child.kill('SIGINT');
    });
    const code = await exit;
    assert.equal(code, 2, stderr);
    assert.match(stderr, /cancelling after the current step/);
    assert.match(stderr, /^error: fine-tuning cancelled after \d+ of 50 steps; no model was written$/m);
    assert.equal(stdout, '');
    assert.ok(!existsSync(output) && !existsSync(join(work, 'cancelled.json')));
  });
});

describe('swinfuse finetune refuses what it cannot train on, naming the file', () => {
  const refuse = (args: string[], message: RegExp) => {
    const r = runCli(['finetune', ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  };

  it('-o the base model, or not .onnx', () => {
    const before = sha256(model);
    refuse([caseImage, '--mask', mask, '--model', model, '-o', model], new RegExp(`^error: ${escape(model)} is the base model; finetune never writes over it`));
    refuse([caseImage, '--mask', mask, '--model', model, '-o', join(work, 'x.nii.gz')], /^error: .*x\.nii\.gz: the adapted model must be an \.onnx file/);
    assert.equal(sha256(model), before);
  });

  it('a mask on another grid (another shape, a shifted origin)', () => {
    refuse([caseImage, '--mask', join(segmentFixtures, 'small_t2.nii.gz'), '--model', model, '-o', join(work, 'n.onnx')],
      /^error: .*small_t2\.nii\.gz is not on .*ras_4d\.nii\.gz's voxel grid: its shape is 76×48×40, not 80×48×40\./);
    refuse([caseImage, '--mask', join(segmentFixtures, 'shifted_t2.nii.gz'), '--model', model, '-o', join(work, 'n.onnx')],
      /^error: .*shifted_t2\.nii\.gz is not on .*ras_4d\.nii\.gz's voxel grid: its origin is offset by \(2, 0, 0\) mm/);
    assert.ok(!existsSync(join(work, 'n.onnx')));
  });

  it('a label the BraTS heads cannot learn', async () => {
    const image = await readCaseImage();
    const three = join(work, 'three.nii.gz');
    await writeCaseMask(three, image, caseLabels(image.shape, (core, lesion) => (core ? 3 : lesion ? 2 : 0)));
    refuse([caseImage, '--mask', three, '--model', model, '-o', join(work, 'n.onnx')],
      /^error: .*three\.nii\.gz: 141 voxels hold label 3, which the model cannot learn; its labels are 0 \(background\), 1 \(necrotic core\), 2 \(edema\), 4 \(enhancing tumor\)$/m);
  });

  it('a model without its card, bad options', () => {
    const bare = join(work, 'bare', 'bare.onnx');
    mkdirSync(join(work, 'bare'));
    copyWithoutEmbeddedCard(model, bare); // a model that embeds its card would read it from inside
    refuse([caseImage, '--mask', mask, '--model', bare], /^error: .*bare\.json: the model card is missing/);
    refuse([caseImage, '--mask', mask, '--model', model, '--train', 'encoder'], /^error: --train must be head, decoder, all, got "encoder"/);
    refuse([caseImage, '--mask', mask, '--model', model, '--steps', '0'], /^error: --steps must be a whole number ≥ 1, got "0"/);
    refuse([caseImage, '--mask', mask, '--model', model, '--lr=-1'], /^error: --lr must be a number > 0, got "-1"/);
    refuse([caseImage, '--model', model], /^error: --mask MASK\.nii\.gz is required/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
