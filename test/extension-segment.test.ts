// Segmentation inside the editor, without VS Code: channels resolved from a 4D file, BraTS siblings or picks; the
// run through the inference worker on the opened document; the proposal on the mask's grid (checked against the
// CLI's mask of the RAS-stored file: the fixture script stores one base array in several orientations, and the
// viewer's RAS layout is that base array); accepting
// as one undoable edit that keeps hand edits; cancel leaving the document as it was.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InferenceCancelledError, readModelCard } from '../src/core/inference';
import type { ModelCard } from '../src/core/models';
import { readNiftiFile } from '../src/core/nifti';
import type { HostToWebview } from '../src/core/viewer-protocol/messages';
import {
  ChannelPickDismissed, ChannelResolutionError, resolveChannels, type ChannelPicker,
} from '../src/extension/segment/channel-resolution';
import { describeFailure, progressLine } from '../src/extension/segment/segment-messages';
import { segmentScan, type SegmentRunPorts } from '../src/extension/segment/segment-run';
import type { MaskPanel } from '../src/extension/viewer/document-mask';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { runCli } from './helpers/cli';
import { importFixtureModel } from './helpers/fixture-models';
import { FileUri, segmentFixtures, testHost, type TestHost } from './helpers/viewer-host';

const WORKER = join(import.meta.dirname, '..', 'dist', 'inference-worker.js');
const work = mkdtempSync(join(tmpdir(), 'swinfuse-editor-segment-'));
after(() => rmSync(work, { recursive: true, force: true }));

const card4 = { name: 'm', channels: ['flair', 't1ce', 't1', 't2'] } as unknown as ModelCard;
const scripted = (answers: (string | undefined)[], asked: string[] = []): ChannelPicker => ({
  pick: async (channel, position, total, candidates, suggested) => {
    asked.push(`${position}/${total} ${channel}: ${suggested} | ${candidates.join(' ')}`);
    return answers.shift();
  },
});

describe('resolveChannels', () => {
  it('takes a 4D file\'s channels in the card\'s order, and refuses a 4D file with another count', async () => {
    assert.deepEqual(await resolveChannels({ file: 'x.nii', channels: 4, folderFiles: [] }, card4, scripted([])),
      [0, 1, 2, 3].map((axis) => ({ kind: 'axis', axis })));
    await assert.rejects(resolveChannels({ file: 'x.nii', channels: 2, folderFiles: [] }, card4, scripted([])),
      (e: Error) => e instanceof ChannelResolutionError && /m takes 4 channels \(flair, t1ce, t1, t2\); x\.nii has 2 on its 4th axis/.test(e.message));
  });

  it('finds BraTS 2021 and 2023 siblings by suffix, in the card\'s order, whichever one is open', async () => {
    const files21 = ['c_flair.nii.gz', 'c_t1.nii.gz', 'c_t1ce.nii.gz', 'c_t2.nii.gz', 'c_seg.nii.gz'];
    assert.deepEqual(await resolveChannels({ file: 'c_t1.nii.gz', channels: 1, folderFiles: files21 }, card4, scripted([])), [
      { kind: 'file', file: 'c_flair.nii.gz' }, { kind: 'file', file: 'c_t1ce.nii.gz' }, { kind: 'axis', axis: 0 }, { kind: 'file', file: 'c_t2.nii.gz' },
    ]);
    const files23 = ['B-t2f.nii.gz', 'B-t1c.nii.gz', 'B-t1n.nii.gz', 'B-t2w.nii.gz'];
    assert.deepEqual(await resolveChannels({ file: 'B-t2f.nii.gz', channels: 1, folderFiles: files23 }, card4, scripted([])), [
      { kind: 'axis', axis: 0 }, { kind: 'file', file: 'B-t1c.nii.gz' }, { kind: 'file', file: 'B-t1n.nii.gz' }, { kind: 'file', file: 'B-t2w.nii.gz' },
    ]);
  });

  it('asks for channels it cannot find, offering the files beside the image but never masks', async () => {
    const asked: string[] = [];
    const files = ['a.nii.gz', 'b.nii', 'a_seg.nii.gz', 'notes.txt', 'c.nii.gz', 'd.nii.gz'];
    const got = await resolveChannels({ file: 'a.nii.gz', channels: 1, folderFiles: files }, card4, scripted(['c.nii.gz', 'a.nii.gz', 'b.nii', 'd.nii.gz'], asked));
    assert.deepEqual(got, [{ kind: 'file', file: 'c.nii.gz' }, { kind: 'axis', axis: 0 }, { kind: 'file', file: 'b.nii' }, { kind: 'file', file: 'd.nii.gz' }]);
    assert.deepEqual(asked, [
      '1/4 flair: a.nii.gz | a.nii.gz b.nii c.nii.gz d.nii.gz',
      '2/4 t1ce: a.nii.gz | a.nii.gz b.nii d.nii.gz',
      '3/4 t1: b.nii | b.nii d.nii.gz',
      '4/4 t2: d.nii.gz | d.nii.gz',
    ]);
  });

  it('says what is missing when too few files are beside the image, and stops quietly when a pick is dismissed', async () => {
    await assert.rejects(resolveChannels({ file: 'a.nii.gz', channels: 1, folderFiles: ['a.nii.gz', 'a_seg.nii.gz'] }, card4, scripted([])),
      (e: Error) => e instanceof ChannelResolutionError
        && /m takes 4 channels \(flair, t1ce, t1, t2\); nothing beside a\.nii\.gz can be flair, t1ce, t1, t2\. Put one 3D file per channel/.test(e.message));
    await assert.rejects(resolveChannels({ file: 'a.nii.gz', channels: 1, folderFiles: ['a.nii.gz', 'b.nii', 'c.nii', 'd.nii'] }, card4, scripted(['b.nii', undefined])),
      (e: Error) => e instanceof ChannelPickDismissed && e.channel === 't1ce');
    assert.equal(describeFailure('a.nii.gz', new ChannelPickDismissed('t1ce')).kind, 'cancelled');
  });
});

describe('segmenting an opened document', { timeout: 600_000 }, () => {
  let model = '';
  let card: ModelCard;
  let reference: Uint8Array; // the CLI's mask of the RAS-stored 4D file: RAS layout by construction
  before(async () => {
    model = importFixtureModel('swinunetr_f12', work);
    card = readModelCard(model);
    const out = join(work, 'ras_mask.nii.gz');
    const r = runCli(['segment', join(segmentFixtures, 'ras_4d.nii.gz'), '--model', model, '-o', out, '--device', 'cpu', '--threads', '1'], 300_000);
    assert.equal(r.status, 0, r.stderr);
    reference = (await readNiftiFile(out)).data as Uint8Array;
    assert.ok(new Set(reference).size >= 2, 'the reference mask holds labels, so comparisons mean something');
  });

  const folder = (): string => {
    const dir = mkdtempSync(join(work, 'case-'));
    cpSync(segmentFixtures, dir, { recursive: true });
    return dir;
  };
  const ports = (host: TestHost, signal = new AbortController().signal, picker = scripted([])): SegmentRunPorts<FileUri> & { statuses: string[] } => {
    const statuses: string[] = [];
    return { host, workerScript: WORKER, picker, signal, statuses, onStatus: (s) => statuses.push(progressLine(s)) };
  };
  const settings = { device: 'cpu' as const, threads: 1, overlap: 0.5 };

  for (const name of ['las_4d.nii.gz', 'lps_4d.nii.gz']) {
    it(`${name}: the proposal lies on the viewer's RAS grid and equals the CLI's mask of the RAS file`, async () => {
      const dir = folder();
      const host = testHost();
      const document = await NiftiDocument.open(new FileUri(join(dir, name)), host);
      const state = document.state.kind === 'loaded' ? document.state : assert.fail('not loaded');
      const p = ports(host);
      const run = await segmentScan(document.uri, state.scan, await document.folderFiles(host), { path: model, card }, settings, 7, p);
      assert.equal(run.proposal.id, 7);
      // The viewer's RAS layout is the base array of the fixture script; the CLI's RAS-file mask is in it too.
      let mismatches = 0;
      for (let i = 0; i < reference.length; i++) if (run.proposal.labels[i] !== reference[i]) mismatches++;
      assert.equal(mismatches, 0, `${mismatches} voxels differ from the RAS reference`);
      const counts = new Map<number, number>();
      for (const v of reference) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
      assert.deepEqual(run.proposal.info.map((l) => [l.label, l.voxels]), [...counts].sort((a, b) => a[0] - b[0]));
      for (let i = 0; i < reference.length; i++) {
        if (reference[i] !== 0 && !(run.proposal.probability[i]! >= 0.5)) assert.fail(`voxel ${i} is labelled with a heat map value ${run.proposal.probability[i]}`);
      }
      assert.deepEqual(run.inputs, [1, 2, 3, 4].map((c) => `${name} [channel ${c}]`));
      assert.ok(p.statuses.some((s) => /^\d+ \/ \d+ windows/.test(s)), `progress lines: ${p.statuses.join(' | ')}`);
      document.dispose();
    });
  }

  it('ras_t1ce.nii.gz with its BraTS siblings: the same proposal as the 4D file; a channel on another grid is refused by name', async () => {
    const dir = folder();
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(dir, 'ras_t1ce.nii.gz')), host);
    const state = document.state.kind === 'loaded' ? document.state : assert.fail('not loaded');
    const run = await segmentScan(document.uri, state.scan, await document.folderFiles(host), { path: model, card }, settings, 1, ports(host));
    assert.deepEqual(run.inputs, ['ras_flair.nii.gz', 'ras_t1ce.nii.gz', 'ras_t1.nii.gz', 'ras_t2.nii.gz']);
    assert.deepEqual(run.proposal.labels, reference);
    // A single-channel file beside others: the user picks shifted_t2 (another origin) for one channel.
    const other = await NiftiDocument.open(new FileUri(join(dir, 'small_t2.nii.gz')), host);
    const otherState = other.state.kind === 'loaded' ? other.state : assert.fail('not loaded');
    const generic = { ...card, channels: ['a', 'b', 'c', 'd'] } as ModelCard;
    await assert.rejects(
      segmentScan(document.uri, state.scan, ['ras_t1ce.nii.gz', 'shifted_t2.nii.gz', 'ras_t1.nii.gz', 'ras_t2.nii.gz'], { path: model, card: generic }, settings, 2,
        ports(host, undefined, scripted(['ras_t1ce.nii.gz', 'shifted_t2.nii.gz', 'ras_t1.nii.gz', 'ras_t2.nii.gz']))),
      (e: Error) => e instanceof ChannelResolutionError && /shifted_t2\.nii\.gz is not on the voxel grid of ras_t1ce\.nii\.gz: its origin/.test(e.message));
    assert.ok(otherState);
    document.dispose();
    other.dispose();
  });

  it('accepting is one undoable edit that keeps hand edits; undo brings the proposal back; a stale id does nothing', async () => {
    const dir = folder();
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(dir, 'las_4d.nii.gz')), host);
    const state = document.state.kind === 'loaded' ? document.state : assert.fail('not loaded');
    const posted: HostToWebview[] = [];
    const panel: MaskPanel = { post: async (m) => { posted.push(m); } };
    document.attach(panel);
    const changes: { label: string; undo(): void; redo(): void }[] = [];
    document.onDidChange((c) => changes.push(c));
    const run = await segmentScan(document.uri, state.scan, await document.folderFiles(host), { path: model, card }, settings, 3, ports(host));
    await state.segmentation.show(run.proposal);
    assert.equal(posted.filter((m) => m.type === 'proposal').length, 1);

    // A hand edit: label 9 written onto three voxels the proposal labels, and one erase of nothing (no change).
    const labelled = [...reference.keys()].filter((i) => reference[i] !== 0).slice(0, 3);
    const { encodeEdit, editFromChanges } = await import('../src/core/labels/label-edit');
    const stroke = editFromChanges(Uint32Array.from(labelled), new Uint8Array(3), new Uint8Array(3).fill(9));
    await document.edit(panel, 'Brush', encodeEdit(stroke));
    assert.equal(changes.length, 1);

    await document.acceptProposal(999, { mode: { kind: 'all' }, overwriteEdits: false });
    assert.equal(changes.length, 1, 'a stale proposal id accepts nothing');
    await document.acceptProposal(3, { mode: { kind: 'all' }, overwriteEdits: false });
    assert.equal(changes.length, 2, 'accepting is one change for VS Code\'s undo stack');
    const mask = state.mask.data;
    for (let i = 0; i < mask.length; i++) {
      const want = labelled.includes(i) ? 9 : reference[i];
      if (mask[i] !== want) assert.fail(`voxel ${i}: ${mask[i]}, expected ${want}`);
    }
    assert.equal(state.segmentation.current, null, 'accept all retires the proposal');
    assert.deepEqual(posted.slice(-2).map((m) => m.type === 'maskEdit' ? `maskEdit ${m.cause}` : `${m.type} ${m.type === 'proposal' && m.proposal}`),
      ['maskEdit accept', 'proposal null']);

    changes[1]!.undo();
    for (let i = 0; i < mask.length; i++) if (mask[i] !== (labelled.includes(i) ? 9 : 0)) assert.fail(`after undo, voxel ${i} is ${mask[i]}`);
    const proposalNow = (): number | undefined => state.segmentation.current?.id;
    assert.equal(proposalNow(), 3, 'undo brings the proposal back');
    changes[1]!.redo();
    assert.equal(proposalNow(), undefined);
    changes[1]!.undo();

    await document.acceptProposal(3, { mode: { kind: 'all' }, overwriteEdits: true });
    assert.deepEqual(mask, reference, 'overwriting edits makes the mask the proposal');
    document.dispose();
  });

  it('cancel during the run: InferenceCancelledError, and the document has no proposal and no change', async () => {
    const dir = folder();
    const host = testHost();
    const document = await NiftiDocument.open(new FileUri(join(dir, 'las_4d.nii.gz')), host);
    const state = document.state.kind === 'loaded' ? document.state : assert.fail('not loaded');
    const changes: unknown[] = [];
    document.onDidChange((c) => changes.push(c));
    const { id, signal } = state.segmentation.begin(card.name);
    const p = ports(host, signal);
    const onStatus = p.onStatus;
    const cancelling = { ...p, onStatus: (s: Parameters<typeof onStatus>[0]) => { onStatus(s); if (s.total > 0) state.segmentation.cancel(); } };
    await assert.rejects(segmentScan(document.uri, state.scan, undefined, { path: model, card }, settings, id, cancelling),
      (e: Error) => e instanceof InferenceCancelledError);
    state.segmentation.end();
    assert.equal(state.segmentation.current, null);
    assert.equal(changes.length, 0);
    assert.ok(state.mask.data.every((v) => v === 0));
    assert.match(describeFailure('las_4d.nii.gz', new InferenceCancelledError(1, 2)).message, /cancelled after 1 of 2 windows; the mask is unchanged/);
    document.dispose();
  });
});
