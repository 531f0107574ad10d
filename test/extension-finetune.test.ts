// SwinFUSE: Fine-tune on This Case in plain Node with the stub `vscode`: end to end through the registered command
// (the MONAI SwinUNETR fixture as the base model in the user's model folder, ras_4d.nii.gz opened in a panel, the
// fixture's lesion painted as labels), cancel, the refusals, one run per document, and the lineage in the Models
// view; plus the vscode-free pieces (settings, case checks, texts, lineage formatting, the unsaved-edits flag).
import './helpers/vscode-stub-hook';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeviceUnavailableError } from '../src/core/inference';
import { editFromChanges, encodeEdit } from '../src/core/labels/label-edit';
import { labelInfo, type ModelCard } from '../src/core/models';
import { DEFAULT_FINETUNE } from '../src/core/training/finetune';
import { FinetuneCancelledError } from '../src/core/training/finetune-protocol';
import type { LineageEntry } from '../src/core/training/lineage';
import {
  FinetuneCaseError, checkCaseLabels, finetunedModelPath, labelCounts, learnableLabels,
} from '../src/extension/finetune/finetune-case';
import {
  REVERT_TO_BASE, StepClock, USE_NEW_MODEL, describeFinetuneFailure, doneMessage, stepLine,
} from '../src/extension/finetune/finetune-messages';
import { FinetuneRuns } from '../src/extension/finetune/finetune-run';
import { FINETUNE_DEFAULTS, checkFinetuneSettings } from '../src/extension/finetune/finetune-settings';
import { asLineageEntry, lineageLine, lineageParent } from '../src/extension/finetune/lineage-format';
import type { ModelEntry } from '../src/extension/models/model-registry';
import { childNodes, lookOf, type ModelNode } from '../src/extension/models/model-tree';
import { ChannelPickDismissed } from '../src/extension/segment/channel-resolution';
import type { MaskPanel } from '../src/extension/viewer/document-mask';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { importFixtureModel } from './helpers/fixture-models';
import { repoRoot } from './helpers/paths';
import { FileUri, segmentFixtures, testHost } from './helpers/viewer-host';
import { ConfigurationTarget, FakePanel, MarkdownString, TreeItem, TreeItemCollapsibleState, Uri, stub, workspace } from './helpers/vscode-stub';

// Imported only now, after the hook that points 'vscode' at the stub is in place.
const extension = await import('../src/extension/extension');
const { NIFTI_VIEW_TYPE } = await import('../src/extension/viewer/nifti-editor-provider');

const work = mkdtempSync(join(tmpdir(), 'swinfuse-ext-finetune-'));
const storage = join(work, 'storage');
const userModels = join(storage, 'models');
// The extension is the checkout: dist/finetune-worker.js (node scripts/build.mjs) and an empty models/ folder.
const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file(repoRoot), globalStorageUri: Uri.file(storage) };
extension.activate(context as never);
const tree = stub.treeProviders.get('swinfuse.models') as TreeProvider; // stub.reset() forgets it
after(() => {
  context.subscriptions.forEach((d) => d.dispose());
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => stub.reset());

interface TreeProvider {
  getChildren(node?: unknown): unknown[];
  getTreeItem(node: unknown): TreeItem;
}
interface Provider {
  openCustomDocument(uri: Uri, openContext: unknown, token: unknown): Promise<NiftiDocument<Uri>>;
  resolveCustomEditor(document: unknown, panel: FakePanel, token: unknown): void | Promise<void>;
}
const provider = () => stub.editors.get(NIFTI_VIEW_TYPE)!.provider as Provider;

const BASE = 'swinunetr_f12';
let basePath = '';
let baseHash = '';
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
before(() => {
  mkdirSync(userModels, { recursive: true });
  basePath = importFixtureModel(BASE, userModels);
  baseHash = sha256(basePath);
});

const SHAPE = [80, 48, 40] as const; // make_segment_fixtures.py's SHAPE; ras_4d's RAS layout is its base array
/** The fixture's lesion (make_segment_fixtures.py): `core` voxels and the rest of `lesion`, indices ascending. */
function lesion(core: number, rest: number): { indices: Uint32Array; values: Uint8Array } {
  const [X, Y, Z] = SHAPE;
  const indices: number[] = [];
  const values: number[] = [];
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const inLesion = ((x - 50) / 9) ** 2 + ((y - 20) / 7) ** 2 + ((z - 22) / 6) ** 2 <= 1;
        const inCore = ((x - 51) / 4) ** 2 + ((y - 20) / 3) ** 2 + ((z - 22) / 3) ** 2 <= 1;
        if (!inLesion && !inCore) continue;
        indices.push(x + X * (y + Y * z));
        values.push(inCore ? core : rest);
      }
    }
  }
  return { indices: Uint32Array.from(indices), values: Uint8Array.from(values) };
}

const quietPanel: MaskPanel = { post: async () => undefined };

/** ras_4d.nii.gz copied to a fresh folder and opened in a viewer panel; `paint` labels the lesion by the edit path. */
async function openCase(paint?: { core: number; rest: number }) {
  const dir = mkdtempSync(join(work, 'case-'));
  copyFileSync(join(segmentFixtures, 'ras_4d.nii.gz'), join(dir, 'ras_4d.nii.gz'));
  const uri = Uri.file(join(dir, 'ras_4d.nii.gz'));
  const document = await provider().openCustomDocument(uri, {}, {});
  const panel = new FakePanel();
  await provider().resolveCustomEditor(document, panel, {});
  if (paint) {
    const { indices, values } = lesion(paint.core, paint.rest);
    await document.edit(quietPanel, 'Brush', encodeEdit(editFromChanges(indices, new Uint8Array(indices.length), values)));
  }
  return { uri, document, close: () => panel.dispose() };
}

function settings(steps: number): void {
  stub.config.set('swinfuse.model', BASE);
  stub.config.set('swinfuse.finetune.steps', steps);
  stub.config.set('swinfuse.finetune.train', 'head');
  stub.config.set('swinfuse.inference.device', 'cpu');
  stub.config.set('swinfuse.inference.threads', 2);
}

const finetune = (...args: unknown[]) => stub.commands.get('swinfuse.finetune')!(...args) as Promise<void>;
const modelFiles = () => (existsSync(userModels) ? readdirSync(userModels).sort() : []);
const messages = (record: { reports: { message?: string }[] }) => record.reports.map((r) => r.message ?? '');

/** Resolves once the first progress notification has a report matching `pattern`. */
async function reported(pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!stub.progress[0]?.reports.some((r) => pattern.test(r.message ?? ''))) {
    if (Date.now() > until) assert.fail(`no progress report matched ${pattern}: ${stub.progress[0] ? messages(stub.progress[0]).join(' | ') : 'no progress'}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Fine-tune on This Case, end to end', { timeout: 600_000 }, () => {
  it('trains on the painted case, writes BASE-ft-… with its lineage beside the untouched base, and Use sets swinfuse.model', async () => {
    settings(2);
    const { document, close } = await openCase({ core: 1, rest: 2 });
    const before = modelFiles();
    stub.messageAnswers.push(USE_NEW_MODEL);
    await finetune(); // the active viewer's document

    assert.deepEqual(stub.errors, []);
    assert.deepEqual(stub.warnings, []);
    assert.deepEqual(stub.shownPicks, [], 'the setting names the model and the 4D file holds every channel: nothing asked');
    // The progress notification: cancellable, titled, a line per step, 100 % in all.
    assert.equal(stub.progress.length, 1);
    const record = stub.progress[0]!;
    assert.deepEqual(record.options, { location: 15, cancellable: true, title: `SwinFUSE: fine-tuning ${BASE} on ras_4d.nii.gz` });
    const steps = messages(record).filter((m) => m.startsWith('step'));
    assert.equal(steps.length, 2, messages(record).join(' | '));
    assert.match(steps[0]!, /^step 1 \/ 2 · loss \d+\.\d{4} · about \d+ s left · cpu$/);
    assert.match(steps[1]!, /^step 2 \/ 2 · loss \d+\.\d{4} · writing the model · cpu$/);
    assert.equal(record.reports.reduce((sum, r) => sum + (r.increment ?? 0), 0), 100);
    assert.equal(record.done, true);

    // The new model and its card, in the user folder, named after the base; the base model untouched.
    const added = modelFiles().filter((f) => !before.includes(f));
    assert.equal(added.length, 2, added.join(', '));
    const name = added[0]!.replace(/\.json$/, '');
    assert.match(name, new RegExp(`^${BASE}-ft-\\d{8}-\\d{6}Z$`));
    assert.deepEqual(added, [`${name}.json`, `${name}.onnx`]);
    assert.equal(sha256(basePath), baseHash, 'the base model file is unchanged');
    const card = JSON.parse(readFileSync(join(userModels, `${name}.json`), 'utf8')) as ModelCard;
    assert.equal(card.name, name);
    assert.equal(card.lineage.length, 1);
    const entry = card.lineage[0] as LineageEntry;
    assert.deepEqual({ ...entry, losses: entry.losses.length, created: typeof entry.created }, {
      kind: 'finetune', base: { name: BASE, file: `${BASE}.onnx` }, case: { images: ['ras_4d.nii.gz'], mask: 'ras_4d_seg.nii.gz' },
      scope: 'head', steps: 2, stepsDone: 2, lr: 0.001, seed: 0, device: 'cpu', losses: 2, created: 'string',
    });
    assert.ok(entry.losses.every(Number.isFinite));
    const [first, last] = [entry.losses[0]!.toFixed(4), entry.losses[1]!.toFixed(4)];
    assert.equal(steps[0]!.split(' · ')[1], `loss ${first}`);

    // The report offers both buttons; "Use the New Model" names it in the user's settings (no folder is open).
    const done = `SwinFUSE: Fine-tuned ${name} from ${BASE} on ras_4d.nii.gz: loss ${first} → ${last} in 2 steps.`;
    assert.deepEqual(stub.infos, [done]);
    assert.deepEqual(stub.messageButtons, [{ message: done, buttons: [USE_NEW_MODEL, REVERT_TO_BASE] }]);
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: name, target: ConfigurationTarget.Global }]);

    // The output channel's record of the run.
    const line = stub.logLines.find((l) => l.startsWith('SwinFUSE info: ras_4d.nii.gz: fine-tuned '));
    assert.ok(line, stub.logLines.join('\n'));
    const channels = [1, 2, 3, 4].map((c) => `ras_4d.nii.gz [channel ${c}]`).join(', ');
    assert.match(line, new RegExp(`^SwinFUSE info: ras_4d\\.nii\\.gz: fine-tuned ${BASE} \\(${basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) `
      + `into ${name}: case ${channels.replace(/[[\]().]/g, '\\$&')} \\+ mask ras_4d_seg\\.nii\\.gz \\(with unsaved edits\\); train head, 2/2 steps, `
      + `lr 0\\.001, seed 0; device cpu \\(.*\\); loss ${first} → ${last}; \\d+\\.\\d s; wrote ${join(userModels, `${name}.onnx`).replace(/[.]/g, '\\.')}$`));
    assert.ok(stub.logLines.some((l) => /fine-tuning swinunetr_f12 .* \d+ labelled voxels \(label 1: \d+, label 2: \d+\), \d+ hand-edited; train head, 2 steps/.test(l)),
      'a line when the run starts, with the case');

    // The Models view lists it under Fine-tuned, "from BASE", with its lineage in the tooltip and as a child.
    const groups = tree.getChildren();
    const fineTuned = groups.find((g) => tree.getTreeItem(g).label === 'Fine-tuned');
    assert.ok(fineTuned, 'a Fine-tuned group');
    const node = tree.getChildren(fineTuned).find((n) => tree.getTreeItem(n).label === name)!;
    const item = tree.getTreeItem(node);
    assert.equal(item.description, `SwinUNETR · 4 → 3 · roi 64 · from ${BASE} (in use)`);
    assert.equal(item.collapsibleState, TreeItemCollapsibleState.Collapsed);
    const tooltip = (item.tooltip as MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes(`- Lineage: 1 fine-tuning run\n  1. from ${BASE} (${BASE}.onnx) on ras_4d.nii.gz + mask ras_4d_seg.nii.gz; `
      + `train head, 2/2 steps, lr 0.001, seed 0, cpu; loss ${first} → ${last}; created ${entry.created}`), tooltip);
    const children = tree.getChildren(node).map((n) => tree.getTreeItem(n));
    assert.deepEqual(children.map((c) => [c.label, c.description, c.contextValue]),
      [[`1. from ${BASE}`, `on ras_4d.nii.gz · head · 2 steps · loss ${first} → ${last}`, 'lineage']]);
    assert.equal(document.mask.hasUnsavedEdits, true, 'fine-tuning leaves the mask as it was');
    close();
  });

  it('Cancel after the first step: "cancelled after k of N steps", and no model is written', async () => {
    settings(3);
    const { uri, close } = await openCase({ core: 1, rest: 2 });
    const before = modelFiles();
    const running = finetune(uri);
    await reported(/^step 1 \//);
    stub.progress[0]!.cancel.cancel();
    await running;
    const k = messages(stub.progress[0]!).filter((m) => m.startsWith('step')).length;
    assert.ok(k >= 1 && k < 3, `${k} steps ran`);
    assert.deepEqual(stub.infos, [`SwinFUSE: Fine-tuning cancelled after ${k} of 3 steps; no model was written.`]);
    assert.deepEqual(stub.errors, []);
    assert.deepEqual(modelFiles(), before);
    assert.deepEqual(stub.updates, []);
    close();
  });

  it('refuses an empty mask before asking anything, and a label the card cannot learn, saying which and how many', async () => {
    settings(2);
    const empty = await openCase();
    await finetune(empty.uri);
    assert.deepEqual(stub.warnings, ['SwinFUSE: The mask of ras_4d.nii.gz has no labelled voxel to learn from: paint or accept labels first, then fine-tune.']);
    assert.equal(stub.progress.length, 0);
    empty.close();

    stub.warnings.length = 0;
    const three = await openCase({ core: 3, rest: 2 });
    const cores = lesion(3, 2).values.filter((v) => v === 3).length;
    await finetune(three.uri);
    assert.deepEqual(stub.warnings, [`SwinFUSE: Cannot fine-tune ${BASE} on ras_4d.nii.gz: ${BASE} cannot learn the label 3 (${cores} voxels) in the mask `
      + 'of ras_4d.nii.gz: it learns only 1 necrotic core, 2 edema, 4 enhancing tumor. Relabel or erase those voxels first.']);
    assert.equal(stub.progress.length, 0);
    assert.deepEqual(stub.errors, []);
    three.close();
  });

  it('one run per document: a second one is refused (offering to cancel the first), and so is one while Segment runs; Revert to Base', async () => {
    settings(2);
    workspace.workspaceFolders = [{ uri: Uri.file(work) }];
    const { uri, document, close } = await openCase({ core: 1, rest: 4 });
    const segmentation = document.state.kind === 'loaded' ? document.state.segmentation : assert.fail('not loaded');
    segmentation.begin('some model');
    await finetune(uri);
    assert.deepEqual(stub.infos, ['SwinFUSE: ras_4d.nii.gz is being segmented; fine-tune it once that run has finished or been cancelled.']);
    segmentation.end();

    stub.infos.length = 0;
    stub.messageButtons.length = 0;
    stub.messageAnswers.push(undefined, REVERT_TO_BASE); // the second run's question dismissed; then the first's report
    const first = finetune(uri);
    await reported(/^(reading|building|step)/);
    await finetune(uri);
    assert.deepEqual(stub.infos, ['SwinFUSE: ras_4d.nii.gz is already being fine-tuned.']);
    assert.deepEqual(stub.messageButtons[0]!.buttons, ['Cancel That Run']);
    assert.equal(stub.progress.length, 1, 'the second run never started');
    await first;
    assert.deepEqual(stub.errors, []);
    assert.match(stub.infos[1]!, new RegExp(`^SwinFUSE: Fine-tuned ${BASE}-ft-\\S+ from ${BASE} on ras_4d\\.nii\\.gz: loss .* in 2 steps\\.$`));
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: BASE, target: ConfigurationTarget.Workspace }]);
    assert.equal(sha256(basePath), baseHash);
    close();
  });

  it('without a viewer document it says what it needs', async () => {
    await finetune(Uri.file(join(work, 'not-open.nii.gz')));
    assert.match(stub.warnings[0]!, /^SwinFUSE: Fine-tune on This Case works on an image open in the SwinFUSE viewer/);
  });
});

describe('fine-tuning settings, case checks and texts', () => {
  it('settings: the manifest\'s defaults, and a value that cannot be used is replaced by its default with a line', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).contributes.configuration.properties;
    assert.deepEqual(FINETUNE_DEFAULTS, {
      steps: manifest['swinfuse.finetune.steps'].default, scope: manifest['swinfuse.finetune.train'].default,
      lr: manifest['swinfuse.finetune.learningRate'].default, seed: manifest['swinfuse.finetune.seed'].default,
    });
    assert.deepEqual(FINETUNE_DEFAULTS, { steps: DEFAULT_FINETUNE.steps, scope: DEFAULT_FINETUNE.scope, lr: DEFAULT_FINETUNE.lr, seed: DEFAULT_FINETUNE.seed });
    assert.deepEqual(checkFinetuneSettings({}), { value: FINETUNE_DEFAULTS, problems: [] });
    assert.deepEqual(checkFinetuneSettings({ steps: 5, train: 'all', learningRate: 0.01, seed: 7 }),
      { value: { steps: 5, scope: 'all', lr: 0.01, seed: 7 }, problems: [] });
    const bad = checkFinetuneSettings({ steps: 0, train: 'encoder', learningRate: -1, seed: 1.5 });
    assert.deepEqual(bad.value, FINETUNE_DEFAULTS);
    assert.deepEqual(bad.problems, [
      'swinfuse.finetune.steps is 0, not a whole number from 1 to 10000; using 20',
      'swinfuse.finetune.train is "encoder", not one of head, decoder, all; using decoder',
      'swinfuse.finetune.learningRate is -1, not a number above 0 and at most 1; using 0.001',
      'swinfuse.finetune.seed is 1.5, not a whole number; using 0',
    ]);
  });

  it('labels: what each scheme learns; empty and foreign labels refused with counts', () => {
    const brats = { labels: labelInfo('brats', 3) };
    const softmax = { labels: labelInfo('softmax', 3) };
    assert.deepEqual([...learnableLabels(brats)], [[1, 'necrotic core'], [2, 'edema'], [4, 'enhancing tumor']]);
    assert.deepEqual([...learnableLabels(softmax)], [[1, 'class 1'], [2, 'class 2']]);
    assert.deepEqual(labelCounts(Uint8Array.of(0, 2, 2, 4, 0)), [{ label: 2, voxels: 2 }, { label: 4, voxels: 1 }]);
    assert.deepEqual(checkCaseLabels('a.nii', 'm', Uint8Array.of(0, 1, 4), brats), [{ label: 1, voxels: 1 }, { label: 4, voxels: 1 }]);
    assert.throws(() => checkCaseLabels('a.nii', 'm', new Uint8Array(4), brats),
      (e: Error) => e instanceof FinetuneCaseError && /no labelled voxel to learn from: paint or accept labels first/.test(e.message));
    assert.throws(() => checkCaseLabels('a.nii', 'm', Uint8Array.of(3, 3, 5, 1, 7), softmax),
      (e: Error) => e instanceof FinetuneCaseError && e.message === 'm cannot learn the labels 3 (2 voxels), 5 (1 voxel) and 7 (1 voxel) in the mask '
        + 'of a.nii: it learns only 1 class 1, 2 class 2. Relabel or erase them first');
  });

  it('texts: step lines, the report, failures; the time left; one run per key', () => {
    const clock = new StepClock();
    assert.equal(clock.update({ step: 1, steps: 20, loss: 0.81234, ms: 3000 }), 57_000);
    assert.equal(clock.update({ step: 2, steps: 20, loss: 0.8, ms: 1000 }), 36_000);
    assert.equal(stepLine({ step: 3, steps: 20, loss: 0.81234, ms: 2000 }, 40_000, 'cpu'), 'step 3 / 20 · loss 0.8123 · about 40 s left · cpu');
    assert.equal(stepLine({ step: 20, steps: 20, loss: 0.5, ms: 2000 }, 0, null), 'step 20 / 20 · loss 0.5000 · writing the model');
    assert.equal(doneMessage('m-ft-1', 'm', 'a.nii', [0.9, 0.7, 0.5]), 'Fine-tuned m-ft-1 from m on a.nii: loss 0.9000 → 0.5000 in 3 steps.');
    assert.deepEqual(describeFinetuneFailure('m', 'a.nii', new FinetuneCancelledError(1, 20)),
      { kind: 'cancelled', message: 'Fine-tuning cancelled after 1 of 20 steps; no model was written.' });
    assert.equal(describeFinetuneFailure('m', 'a.nii', new ChannelPickDismissed('t2')).kind, 'cancelled');
    assert.equal(describeFinetuneFailure('m', 'a.nii', new FinetuneCaseError('x')).kind, 'refused');
    assert.deepEqual(describeFinetuneFailure('m', 'a.nii', new DeviceUnavailableError('no CUDA')),
      { kind: 'error', message: 'Cannot fine-tune m on a.nii: no CUDA' });
    assert.match(describeFinetuneFailure('m', 'a.nii', new Error('boom')).message, /^Fine-tuning m on a\.nii failed: boom$/);

    const runs = new FinetuneRuns();
    const signal = runs.begin('a')!;
    assert.equal(runs.begin('a'), null);
    assert.ok(runs.begin('b'));
    assert.equal(runs.cancel('a'), true);
    assert.equal(signal.aborted, true);
    runs.end('a');
    assert.equal(runs.isRunning('a'), false);
    runs.dispose();
  });

  it('the output path: BASE-ft-time.onnx in the folder, a second later while taken, never the base', () => {
    const now = new Date('2025-03-04T05:06:07.890Z');
    assert.equal(finetunedModelPath('/m', 'base', '/m/base.onnx', now, () => false), '/m/base-ft-20250304-050607Z.onnx');
    const taken = new Set(['/m/base-ft-20250304-050607Z.onnx', '/m/base-ft-20250304-050608Z.json']);
    assert.equal(finetunedModelPath('/m', 'base', '/m/base.onnx', now, (p) => taken.has(p)), '/m/base-ft-20250304-050609Z.onnx');
    assert.equal(finetunedModelPath('/m', 'base-ft-20240101-000000Z', '/m/base-ft-20240101-000000Z.onnx', now, () => false),
      '/m/base-ft-20250304-050607Z.onnx', 'a fine-tuned base gives a sibling name, not a longer one');
  });
});

describe('lineage in the Models view', () => {
  const run = (over: Partial<LineageEntry> = {}): LineageEntry => ({
    kind: 'finetune', base: { name: 'swinfuse-brats', file: 'swinfuse-brats.onnx' },
    case: { images: ['c_flair.nii.gz', 'c_t1ce.nii.gz'], mask: 'c_seg.nii.gz' }, scope: 'decoder', steps: 20, stepsDone: 20,
    lr: 0.001, seed: 0, device: 'cuda', losses: [0.91234, 0.7, 0.45678], created: '2025-03-04T05:06:07.890Z', ...over,
  });
  const entryWith = (lineage: unknown[]): ModelEntry => ({
    name: 'tuned', path: '/models/tuned.onnx', origin: 'fine-tuned', problem: null, isDefault: false,
    card: {
      format: 'swinfuse-model-card', formatVersion: 1, name: 'tuned', arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 48, roi: 96,
      dimHeads: 3, channels: ['flair', 't1ce', 't1', 't2'], normalization: 'zscore-nonzero-per-channel', activation: 'sigmoid',
      labels: labelInfo('brats', 3), orientation: 'RAS', weightsDtype: 'float32', source: { checkpoint: 'x.pt', sha256: 'ab' },
      created: '2025-03-04T05:06:07.890Z', lineage,
    },
  });

  it('formats each entry, and reads malformed ones as such', () => {
    assert.equal(lineageLine(run()), 'from swinfuse-brats (swinfuse-brats.onnx) on c_flair.nii.gz, c_t1ce.nii.gz + mask c_seg.nii.gz; '
      + 'train decoder, 20/20 steps, lr 0.001, seed 0, cuda; loss 0.9123 → 0.4568; created 2025-03-04T05:06:07.890Z');
    assert.equal(asLineageEntry({ step: 1 }), null);
    assert.equal(lineageLine({ step: 1 }), 'an entry this version cannot read ({"step":1})');
    assert.equal(lineageParent([run({ base: { name: 'a', file: 'a.onnx' } }), run({ base: { name: 'a-ft-1', file: 'a-ft-1.onnx' } })]), 'a-ft-1');
    assert.equal(lineageParent([{ step: 1 }]), null);
    assert.equal(lineageParent([]), null);
  });

  it('a fine-tuned model: "from BASE", the runs in its tooltip, one child per run', () => {
    const entry = entryWith([run(), run({ base: { name: 'tuned-0', file: 'tuned-0.onnx' }, stepsDone: 7, losses: [0.5] })]);
    const node: ModelNode = { kind: 'model', entry };
    const look = lookOf(node, null);
    assert.equal(look.description, 'SwinFUSE · 4 → 3 · roi 96 · from tuned-0');
    assert.equal(look.expandable, true);
    assert.equal(look.collapsed, true);
    const tooltip = look.tooltip.replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes('- Lineage: 2 fine-tuning runs\n  1. from swinfuse-brats (swinfuse-brats.onnx) on c_flair.nii.gz, c_t1ce.nii.gz + mask '
      + 'c_seg.nii.gz; train decoder, 20/20 steps, lr 0.001, seed 0, cuda; loss 0.9123 → 0.4568; created 2025-03-04T05:06:07.890Z\n'
      + '  2. from tuned-0 (tuned-0.onnx) on c_flair.nii.gz, c_t1ce.nii.gz + mask c_seg.nii.gz; train decoder, 7/20 steps'), tooltip);
    const children = childNodes(node).map((n) => lookOf(n, null));
    assert.deepEqual(children.map((c) => [c.label, c.description, c.contextValue, c.expandable]), [
      ['1. from swinfuse-brats', 'on c_flair.nii.gz, c_t1ce.nii.gz · decoder · 20 steps · loss 0.9123 → 0.4568', 'lineage', false],
      ['2. from tuned-0', 'on c_flair.nii.gz, c_t1ce.nii.gz · decoder · 7 of 20 steps · loss 0.5000', 'lineage', false],
    ]);
    assert.match(children[0]!.tooltip.replace(/\\(.)/g, '$1'), /^\*\*tuned\*\*, fine-tuning run 1: from swinfuse-brats/);
    assert.deepEqual(childNodes(childNodes(node)[0]!), []);

    const imported = lookOf({ kind: 'model', entry: entryWith([]) }, '/models/tuned.onnx');
    assert.equal(imported.description, 'SwinFUSE · 4 → 3 · roi 96 (in use)');
    assert.equal(imported.expandable, false);
    assert.deepEqual(childNodes({ kind: 'model', entry: entryWith([]) }), []);
  });
});

describe('the mask\'s unsaved-edits flag and hand-edited map', () => {
  it('follows edits, undo, redo, save and revert as VS Code\'s dirty marker does', async () => {
    const dir = mkdtempSync(join(work, 'flag-'));
    copyFileSync(join(segmentFixtures, 'ras_4d.nii.gz'), join(dir, 'ras_4d.nii.gz'));
    const document = await NiftiDocument.open(new FileUri(join(dir, 'ras_4d.nii.gz')), testHost());
    const mask = document.mask;
    const changes: { undo(): void; redo(): void }[] = [];
    document.onDidChange((c) => changes.push(c));
    assert.equal(mask.hasUnsavedEdits, false);
    const stroke = (indices: number[], value: number) =>
      document.edit(quietPanel, 'Brush', encodeEdit(editFromChanges(Uint32Array.from(indices), Uint8Array.from(indices.map((i) => mask.data[i]!)), new Uint8Array(indices.length).fill(value))));
    await stroke([5, 6], 1);
    assert.equal(mask.hasUnsavedEdits, true);
    assert.deepEqual([...mask.handEditMap().subarray(4, 8)], [0, 1, 1, 0]);
    changes[0]!.undo();
    assert.equal(mask.hasUnsavedEdits, false);
    assert.ok(mask.handEditMap().every((v) => v === 0), 'an undone stroke is no longer the user\'s');
    changes[0]!.redo();
    assert.equal(mask.hasUnsavedEdits, true);
    await document.save();
    assert.equal(mask.hasUnsavedEdits, false);
    await stroke([9], 2);
    assert.equal(mask.hasUnsavedEdits, true);
    changes[1]!.undo();
    assert.equal(mask.hasUnsavedEdits, false, 'back at the saved state');
    changes[0]!.undo();
    assert.equal(mask.hasUnsavedEdits, true, 'before the saved state');
    await document.revert();
    assert.equal(mask.hasUnsavedEdits, false);
    assert.deepEqual([...mask.handEditMap().subarray(4, 8)], [0, 1, 1, 0], 'labelled at revert: the user\'s');
    document.dispose();
  });
});
