// The models feature in plain Node with the stub `vscode`: Import Checkpoint… end to end on the MONAI SwinFUSE
// fixture with scripted answers (checked against the config MONAI built it with and MONAI's outputs), dismissals,
// bad checkpoints, the Models view's items, and the Use / Show Card / Delete commands.
import './helpers/vscode-stub-hook';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readNpyFile } from '../src/core/npy';
import { USE_BUTTON } from '../src/extension/models/import-checkpoint-flow';
import {
  channelNamesProblem, defaultModelName, dimHeadsProblem, modelNameProblem, roiProblem,
} from '../src/extension/models/import-validation';
import type { ModelEntry } from '../src/extension/models/model-registry';
import { copyWithoutEmbeddedCard, importFixtureModel, modelFixtures } from './helpers/fixture-models';
import { niftiFixtures, repoRoot } from './helpers/paths';
import { maxAbsDiff } from './helpers/ort-run';
import { EMPTY_DICT, PickleWriter, SETITEM, torchZip } from './helpers/pickle-builder';
import { ConfigurationTarget, MarkdownString, ThemeIcon, TreeItem, TreeItemCollapsibleState, Uri, stub, window, workspace } from './helpers/vscode-stub';

// Imported only now, after the hook that points 'vscode' at the stub is in place.
const { registerModels, pickModel } = await import('../src/extension/models/models-commands');

const work = mkdtempSync(join(tmpdir(), 'swinfuse-ext-models-'));
const source = join(work, 'source');
after(() => rmSync(work, { recursive: true, force: true }));
before(() => {
  mkdirSync(source);
  // Cards beside the models only (as before cards were embedded): a missing or broken card then shows as a problem.
  for (const name of ['swinfuse_f12', 'swinunetr_f12'] as const) {
    const path = importFixtureModel(name, source);
    copyWithoutEmbeddedCard(path, path);
  }
});
beforeEach(() => stub.reset());

type Fixture = 'swinfuse_f12' | 'swinunetr_f12';
const fuseCheckpoint = join(modelFixtures, 'swinfuse_f12.pt');
const fixtureConfig = (name: Fixture) => JSON.parse(readFileSync(join(modelFixtures, `${name}.json`), 'utf8')) as
  { arch: string; in_channels: number; out_channels: number; feature_size: number; roi: number; dim_heads?: number };
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** A CLI-imported fixture model placed as NAME.onnx (hard link) with its card, optionally edited or left out. */
function place(folder: string, name: string, from: Fixture, edit: ((card: Record<string, unknown>) => unknown) | 'missing' | string = (c) => c): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.onnx`);
  linkSync(join(source, `${from}.onnx`), path);
  if (edit !== 'missing') {
    const card = { ...JSON.parse(readFileSync(join(source, `${from}.json`), 'utf8')), name };
    writeFileSync(join(folder, `${name}.json`), typeof edit === 'string' ? edit : JSON.stringify(edit(card), null, 2));
  }
  return path;
}

const withLineage = (steps: number) => (c: Record<string, unknown>) => ({ ...c, lineage: Array.from({ length: steps }, (_, i) => ({ step: i })) });

let setups = 0;
/** Fresh extension and global storage folders, the models registered as extension.ts will; disposed after the test. */
function setup(t: { after(fn: () => void): void }, fill: (f: { bundled: string; user: string }) => void = () => undefined) {
  const root = join(work, `setup${setups++}`);
  const context = { subscriptions: [], extensionUri: Uri.file(join(root, 'ext')), globalStorageUri: Uri.file(join(root, 'storage')) };
  const f = { bundled: join(root, 'ext', 'models'), user: join(root, 'storage', 'models') };
  mkdirSync(f.bundled, { recursive: true });
  fill(f);
  const { registry, disposable } = registerModels(context as never, window.createOutputChannel('SwinFUSE', { log: true }) as never);
  t.after(() => disposable.dispose());
  return { f, registry, provider: () => stub.treeProviders.get('swinfuse.models') as TreeProvider };
}

interface TreeProvider {
  getChildren(node?: unknown): unknown[];
  getTreeItem(node: unknown): TreeItem;
  onDidChangeTreeData(listener: (e: unknown) => void): { dispose(): void };
}

type Item = { label: string; description?: string };
const byLabel = (pattern: RegExp) => (items: readonly unknown[]) => {
  const item = (items as Item[]).find((i) => pattern.test(i.label));
  assert.ok(item, `no item matches ${pattern}: ${(items as Item[]).map((i) => i.label).join(' | ')}`);
  return item;
};
const run = (command: string, ...args: unknown[]) => stub.commands.get(command)!(...args) as Promise<void>;
const files = (folder: string) => (existsSync(folder) ? readdirSync(folder).sort() : []);
/** The tooltip's Markdown with its escapes removed, to compare with plain text. */
const plain = (tooltip: unknown) => (tooltip as MarkdownString).value.replace(/\\(.)/g, '$1');

describe('Import Checkpoint… end to end', () => {
  it('imports swinfuse_f12.pt with scripted answers: the card is MONAI\'s config and the model computes MONAI\'s outputs', async (t) => {
    const { f, registry } = setup(t, (f) => place(f.bundled, 'swinfuse-demo', 'swinunetr_f12'));
    stub.openDialogs.push([Uri.file(fuseCheckpoint)]);
    stub.quickPicks.push(
      (items) => (items as Item[])[0], // the preselected architecture: the detected one
      byLabel(/^BraTS: flair, t1ce, t1, t2$/),
      byLabel(/^BraTS regions/),
      byLabel(/^Custom…$/),
    );
    stub.inputs.push('64', '4', 'fuse-test'); // roi typed as custom, DIM heads, model name
    stub.messageAnswers.push(USE_BUTTON);
    await run('swinfuse.importCheckpoint');

    assert.deepEqual(stub.errors, []);
    const c = fixtureConfig('swinfuse_f12');
    // What was asked, in order, and what was offered first.
    assert.deepEqual(stub.shownPicks.map((p) => p.title), [
      'Import swinfuse_f12.pt: architecture', 'Import swinfuse_f12.pt: input channels', 'Import swinfuse_f12.pt: outputs',
      'Import swinfuse_f12.pt: window size (roi)',
    ]);
    assert.deepEqual(stub.shownPicks[0]!.labels, ['SwinFUSE', 'SwinUNETR']);
    assert.equal(stub.shownPicks[1]!.labels[0], 'BraTS: flair, t1ce, t1, t2');
    assert.equal(stub.shownPicks[1]!.labels.at(-1), 'Custom names…');
    assert.deepEqual(stub.shownPicks[2]!.labels, ['BraTS regions (sigmoid)', 'Softmax classes']);
    assert.deepEqual(stub.shownPicks[3]!.labels, [String(c.roi), '96', '128', 'Custom…'], 'the DIM\'s roi first');
    assert.deepEqual(stub.inputOptions.map((o) => o.value), ['', '3', 'swinfuse_f12'], 'defaults: none, 3 heads, the file name');

    // Written atomically into the user folder: the model and its card, no temporary files left.
    assert.deepEqual(files(f.user), ['fuse-test.json', 'fuse-test.onnx']);
    const card = JSON.parse(readFileSync(join(f.user, 'fuse-test.json'), 'utf8'));
    assert.deepEqual(
      [card.arch, card.inChannels, card.outChannels, card.featureSize, card.dimHeads, card.roi],
      [c.arch, c.in_channels, c.out_channels, c.feature_size, c.dim_heads, c.roi],
    );
    assert.equal(card.name, 'fuse-test');
    assert.deepEqual(card.channels, ['flair', 't1ce', 't1', 't2']);
    assert.equal(card.labels.scheme, 'brats');
    assert.deepEqual(card.source, { checkpoint: 'swinfuse_f12.pt', sha256: createHash('sha256').update(readFileSync(fuseCheckpoint)).digest('hex') });
    assert.deepEqual(card.lineage, []);

    // Progress notifications around the slow parts, finished.
    assert.deepEqual(stub.progress.map((p) => [p.options.location, p.options.title, p.done]), [
      [15, 'Reading swinfuse_f12.pt…', true],
      [15, 'Importing swinfuse_f12.pt as "fuse-test"…', true],
    ]);
    // Listed, announced, and "Use for Segment" pressed: the user setting (no folder is open) names it.
    assert.deepEqual(registry.list().map((e) => [e.name, e.origin]), [['swinfuse-demo', 'bundled'], ['fuse-test', 'imported']]);
    assert.deepEqual(stub.infos, ['SwinFUSE: Imported "fuse-test" (SwinFUSE · 4 → 3 · roi 64).']);
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: 'fuse-test', target: ConfigurationTarget.Global }]);
    assert.ok(stub.logLines.some((l) => l.startsWith('SwinFUSE info: import: wrote ')));

    // The ONNX loads in onnxruntime and, on the fixture's batch of two (the DIM attends across it, so its heads
    // matter), lands within 1e-3 of what MONAI's PyTorch model computed.
    const x = await readNpyFile(join(modelFixtures, 'swinfuse_f12.x.npy'));
    const y = await readNpyFile(join(modelFixtures, 'swinfuse_f12.y.npy'));
    const session = await ort.InferenceSession.create(join(f.user, 'fuse-test.onnx'), { intraOpNumThreads: 2 });
    try {
      const out = await session.run({ image: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) });
      assert.deepEqual([...out.logits!.dims], [...y.shape]);
      assert.ok(maxAbsDiff(out.logits!.data as Float32Array, y.data as Float32Array) < 1e-3);
    } finally {
      await session.release();
    }
  });

  it('"Use for Segment" with a workspace folder open writes the workspace setting', async (t) => {
    setup(t);
    workspace.workspaceFolders = [{ uri: Uri.file(join(work, 'some-workspace')) }];
    stub.openDialogs.push([Uri.file(join(modelFixtures, 'swinunetr_f12.pt'))]);
    stub.quickPicks.push(byLabel(/^SwinUNETR$/), byLabel(/^Custom names…$/), byLabel(/^Softmax/), byLabel(/^64$/));
    stub.inputs.push('a, b, c, d', 'unetr');
    stub.messageAnswers.push(USE_BUTTON);
    await run('swinfuse.importCheckpoint');
    assert.deepEqual(stub.errors, []);
    assert.equal(stub.shownPicks[0]!.labels[0], 'SwinUNETR', 'detected: no DIM');
    assert.equal(stub.shownPicks.length, 4, 'no DIM heads for SwinUNETR');
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: 'unetr', target: ConfigurationTarget.Workspace }]);
  });

  it('a dismissed dialog at any step writes nothing and shows no error', async (t) => {
    const { f } = setup(t);
    // Every answer of one full import, in order; run k answers them up to step k and dismisses step k.
    const steps: (() => void)[] = [
      () => stub.openDialogs.push([Uri.file(fuseCheckpoint)]),
      () => stub.quickPicks.push(byLabel(/^SwinFUSE$/)),
      () => stub.quickPicks.push(byLabel(/^Custom names…$/)),
      () => stub.inputs.push('flair,t1ce,t1,t2'),
      () => stub.quickPicks.push(byLabel(/^BraTS regions/)),
      () => stub.quickPicks.push(byLabel(/^Custom…$/)),
      () => stub.inputs.push('64'),
      () => stub.inputs.push('4'),
      () => stub.inputs.push('never-written'),
    ];
    for (let k = 0; k < steps.length; k++) {
      stub.reset();
      steps.slice(0, k).forEach((answer) => answer());
      await run('swinfuse.importCheckpoint');
      assert.deepEqual([stub.errors, stub.infos, stub.updates], [[], [], []], `dismissed at step ${k}`);
      assert.equal(stub.quickPicks.length + stub.inputs.length + stub.openDialogs.length, 0, `every answer used before step ${k}`);
      assert.deepEqual(files(f.user), [], `nothing written when step ${k} is dismissed`);
    }
    // Declining to replace an existing model and then dismissing the name writes nothing either.
    place(f.user, 'taken', 'swinunetr_f12');
    stub.reset();
    stub.openDialogs.push([Uri.file(fuseCheckpoint)]);
    stub.quickPicks.push(byLabel(/^SwinFUSE$/), byLabel(/^BraTS:/), byLabel(/^BraTS regions/), byLabel(/^64$/));
    stub.inputs.push('4', 'taken');
    await run('swinfuse.importCheckpoint');
    assert.deepEqual(stub.warnings, ['A model named "taken" exists (imported). Replace it?']);
    assert.deepEqual(files(f.user), ['taken.json', 'taken.onnx']);
    assert.equal(JSON.parse(readFileSync(join(f.user, 'taken.json'), 'utf8')).arch, 'swinunetr', 'not replaced');
  });

  it('a file that is not a checkpoint: an error naming the file, a log line, nothing asked or written', async (t) => {
    const { f } = setup(t);
    const nifti = join(niftiFixtures, 'ras_uint8_labels.nii');
    stub.openDialogs.push([Uri.file(nifti)]);
    await run('swinfuse.importCheckpoint');
    const expected = `${nifti}: not a PyTorch checkpoint: neither a torch.save zip archive nor a .safetensors file`;
    assert.deepEqual(stub.errors, [`SwinFUSE: ${expected}`]);
    assert.ok(stub.logLines.includes(`SwinFUSE error: import failed: ${expected}`), stub.logLines.join('\n'));
    assert.deepEqual(stub.shownPicks, []);
    assert.deepEqual(files(f.user), []);
  });

  it('a checkpoint of another network, and the wrong architecture chosen: errors naming the file', async (t) => {
    const { f } = setup(t);
    const other = join(work, 'other-net.pt');
    const pickle = new PickleWriter().op(EMPTY_DICT).str('fc.weight').tensor('0', 6, 0, [2, 3], [3, 1]).op(SETITEM).done();
    writeFileSync(other, torchZip(pickle, { 0: new Float32Array(6) }));
    stub.openDialogs.push([Uri.file(other)]);
    await run('swinfuse.importCheckpoint');
    assert.equal(stub.errors.length, 1);
    assert.match(stub.errors[0]!, new RegExp(`^SwinFUSE: ${other}: not a MONAI SwinUNETR/SwinFUSE state dict: it has no swinViT\\.patch_embed\\.proj\\.weight`));

    stub.reset();
    const unetr = join(modelFixtures, 'swinunetr_f12.pt');
    stub.openDialogs.push([Uri.file(unetr)]);
    stub.quickPicks.push(byLabel(/^SwinFUSE$/), byLabel(/^BraTS:/), byLabel(/^BraTS regions/), byLabel(/^64$/));
    stub.inputs.push('4', 'wrong-arch');
    await run('swinfuse.importCheckpoint');
    assert.equal(stub.errors.length, 1);
    assert.match(stub.errors[0]!, new RegExp(`^SwinFUSE: ${unetr}: .*swinViT\\.mh1\\..*holds no DIM`));
    assert.deepEqual(files(f.user), [], 'nothing written (the folder is made, then left empty)');
  });

  it('invalid names are asked again; a bundled name is refused; replacing an existing model needs a confirmation', async (t) => {
    const { f } = setup(t, (f) => {
      place(f.bundled, 'swinfuse-demo', 'swinunetr_f12');
      place(f.user, 'taken', 'swinunetr_f12');
    });
    stub.openDialogs.push([Uri.file(fuseCheckpoint)]);
    stub.quickPicks.push(byLabel(/^SwinFUSE$/), byLabel(/^BraTS:/), byLabel(/^BraTS regions/), byLabel(/^64$/));
    stub.inputs.push('4', 'bad name!', 'SWINFUSE-DEMO', 'TAKEN', 'taken');
    stub.messageAnswers.push(undefined, 'Replace', undefined); // decline, then replace; dismiss the announcement
    await run('swinfuse.importCheckpoint');
    assert.deepEqual(stub.errors, []);
    const nameInputs = stub.inputOptions.slice(1);
    assert.deepEqual(nameInputs.map((o) => o.value), ['swinfuse_f12', 'bad name!', 'SWINFUSE-DEMO', 'TAKEN']);
    assert.equal(nameInputs[0]!.validateInput!('bad name!'), 'Use letters, digits, - and _ only.');
    assert.equal(nameInputs[0]!.validateInput!('SWINFUSE-DEMO'), 'A bundled model is named "swinfuse-demo"; choose another name.');
    assert.equal(nameInputs[0]!.validateInput!('taken'), undefined, 'a user model\'s name may be replaced');
    assert.deepEqual(stub.warnings, ['A model named "taken" exists (imported). Replace it?', 'A model named "taken" exists (imported). Replace it?']);
    assert.deepEqual(files(f.user), ['taken.json', 'taken.onnx']);
    const card = JSON.parse(readFileSync(join(f.user, 'taken.json'), 'utf8'));
    assert.deepEqual([card.arch, card.name, card.dimHeads], ['swinfuse', 'taken', 4], 'replaced by the import');
    assert.deepEqual(stub.updates, [], 'the announcement was dismissed');
  });
});

describe('import rules', () => {
  const entry = (name: string, origin: ModelEntry['origin']): ModelEntry => ({ name, origin, path: `/m/${name}.onnx`, card: null, problem: null, isDefault: false });

  it('the default name comes from the file name, made valid and free', () => {
    assert.equal(defaultModelName('/x/swinfuse_f12.pt', []), 'swinfuse_f12');
    assert.equal(defaultModelName('/x/My model (v2).safetensors', []), 'My-model-v2');
    assert.equal(defaultModelName('/x/ü.pth', []), 'model');
    assert.equal(defaultModelName('/x/con.pt', []), 'con-model');
    assert.equal(defaultModelName('/x/best.pt', [entry('best', 'bundled'), entry('BEST-2', 'imported')]), 'best-3');
  });

  it('names, channel lists, roi and DIM heads are validated', () => {
    assert.equal(modelNameProblem('ok_name-1', []), undefined);
    assert.equal(modelNameProblem('  ', []), 'Give the model a name.');
    assert.equal(modelNameProblem('a/b', []), 'Use letters, digits, - and _ only.');
    assert.equal(modelNameProblem('x'.repeat(65), []), 'At most 64 characters.');
    assert.equal(modelNameProblem('NUL', []), '"NUL" is a reserved file name on Windows.');
    assert.equal(channelNamesProblem('a, b ,c', 3), undefined);
    assert.equal(channelNamesProblem('a,b', 3), 'Give 3 names separated by commas (got 2).');
    assert.equal(channelNamesProblem('a,,c', 3), 'A channel name is empty.');
    assert.equal(channelNamesProblem('T1,t1', 2), '"t1" is named twice.');
    for (const ok of ['32', '64', ' 96 ', '128']) assert.equal(roiProblem(ok), undefined, ok);
    for (const bad of ['0', '48', '-64', '64.0', 'abc', '']) assert.match(roiProblem(bad)!, /multiple of 32/, bad);
    assert.equal(dimHeadsProblem('4', 64), undefined);
    assert.equal(dimHeadsProblem('3', 96), undefined);
    assert.equal(dimHeadsProblem('3', 64), 'The DIM heads must divide the DIM\'s embedding size (roi/2)² = 1024.');
    assert.equal(dimHeadsProblem('0', 64), 'The DIM heads must be a positive whole number.');
  });
});

describe('the Models view', () => {
  const fullCast = (t: { after(fn: () => void): void }) => setup(t, (f) => {
    place(f.bundled, 'swinfuse-demo', 'swinunetr_f12');
    place(f.user, 'fuse', 'swinfuse_f12');
    place(f.user, 'broken', 'swinfuse_f12', '{');
    place(f.user, 'tuned', 'swinfuse_f12', withLineage(2));
  });

  it('registers the view and every model command the manifest declares', (t) => {
    setup(t);
    assert.equal(manifest.contributes.views.swinfuse[0].id, 'swinfuse.models');
    assert.ok(stub.treeProviders.has('swinfuse.models'));
    const declared = (manifest.contributes.commands as { command: string }[]).map((c) => c.command)
      .filter((c) => c.startsWith('swinfuse.models.') || c === 'swinfuse.importCheckpoint');
    assert.deepEqual(declared.sort(), ['swinfuse.importCheckpoint', 'swinfuse.models.delete', 'swinfuse.models.refresh', 'swinfuse.models.showCard', 'swinfuse.models.use']);
    for (const command of declared) assert.ok(stub.commands.has(command), command);
  });

  it('no models: no items, so the manifest\'s welcome text shows', (t) => {
    const { provider } = setup(t);
    assert.deepEqual(provider().getChildren(), []);
    assert.ok((manifest.contributes.viewsWelcome as { view: string; contents: string }[])
      .some((w) => w.view === 'swinfuse.models' && w.contents.includes('command:swinfuse.importCheckpoint')));
  });

  it('groups by origin; items show summary, in-use mark, tooltip, context value and problems', (t) => {
    const { f, provider } = fullCast(t);
    stub.config.set('swinfuse.model', 'fuse');
    const groups = provider().getChildren();
    const groupItems = groups.map((g) => provider().getTreeItem(g));
    assert.deepEqual(groupItems.map((i) => [i.label, i.collapsibleState]), [
      ['Bundled', TreeItemCollapsibleState.Expanded], ['Imported', TreeItemCollapsibleState.Expanded], ['Fine-tuned', TreeItemCollapsibleState.Expanded],
    ]);
    const items = new Map(groups.flatMap((g) => provider().getChildren(g)).map((n) => {
      const item = provider().getTreeItem(n);
      return [item.label, item];
    }));
    assert.deepEqual([...items.keys()], ['swinfuse-demo', 'broken', 'fuse', 'tuned']);

    const fuse = items.get('fuse')!;
    const c = fixtureConfig('swinfuse_f12');
    assert.equal(fuse.description, `SwinFUSE · ${c.in_channels} → ${c.out_channels} · roi ${c.roi} (in use)`);
    assert.equal(fuse.contextValue, 'model-imported');
    const sha = createHash('sha256').update(readFileSync(fuseCheckpoint)).digest('hex');
    const tooltip = plain(fuse.tooltip);
    for (const line of ['- Channels: flair, t1ce, t1, t2', '- Labels: 1 necrotic core, 2 edema, 4 enhancing tumor', '- Orientation: RAS',
      '- Weights: float32', `- Source: swinfuse_f12.pt (sha256 ${sha.slice(0, 12)}…)`, '- Lineage: none (not fine-tuned)',
      `- File: ${join(f.user, 'fuse.onnx')}`]) {
      assert.ok(tooltip.includes(line), `${line}\n in\n${tooltip}`);
    }
    assert.match(tooltip, /^\*\*fuse\*\* — SwinFUSE · 4 → 3 · roi 64 \(imported, in use\)/);
    assert.match(tooltip, /- Created: \d{4}-\d\d-\d\dT/);

    const bundled = items.get('swinfuse-demo')!;
    assert.equal(bundled.description, 'SwinUNETR · 4 → 3 · roi 64');
    assert.equal(bundled.contextValue, 'model-bundled');
    assert.match(plain(bundled.tooltip), /\(bundled, default\)/);

    const tuned = items.get('tuned')!;
    assert.equal(tuned.contextValue, 'model-fine-tuned');
    assert.ok(plain(tuned.tooltip).includes('- Lineage: 2 fine-tuning runs'));

    const broken = items.get('broken')!;
    assert.equal(broken.contextValue, 'model-imported');
    assert.equal((broken.iconPath as ThemeIcon).id, 'warning');
    assert.match(broken.description!, /broken\.json: the model card is not valid JSON/);
    assert.match(plain(broken.tooltip), /\*\*broken\*\* cannot be used/);

    // The manifest's menus: Use and Show Card on every model, Delete only on imported and fine-tuned ones.
    const menu = manifest.contributes.menus['view/item/context'] as { command: string; when: string }[];
    const regexOf = (command: string) => new RegExp(/viewItem =~ \/(.+)\/$/.exec(menu.find((m) => m.command === command)!.when)![1]!);
    for (const [name, item] of items) {
      assert.ok(regexOf('swinfuse.models.use').test(item.contextValue!), name);
      assert.equal(regexOf('swinfuse.models.delete').test(item.contextValue!), name !== 'swinfuse-demo', name);
    }
    for (const g of groupItems) assert.equal(regexOf('swinfuse.models.use').test(g.contextValue!), false, 'groups have no model menu');
  });

  it('the in-use mark follows the setting: empty means the default; refresh and setting changes redraw', async (t) => {
    const { f, provider } = fullCast(t);
    const described = () => new Map(provider().getChildren().flatMap((g) => provider().getChildren(g))
      .map((n) => provider().getTreeItem(n)).map((i) => [i.label, i.description]));
    assert.equal(described().get('swinfuse-demo'), 'SwinUNETR · 4 → 3 · roi 64 (in use)');
    stub.config.set('swinfuse.model', join(f.user, 'tuned.onnx'));
    assert.match(described().get('tuned')!, /\(in use\)$/);
    assert.doesNotMatch(described().get('swinfuse-demo')!, /in use/);

    let redraws = 0;
    const listening = provider().onDidChangeTreeData(() => redraws++);
    stub.configChanged.fire({ affectsConfiguration: (s: string) => s === 'swinfuse.model' });
    stub.configChanged.fire({ affectsConfiguration: (s: string) => s === 'swinfuse.viewer' });
    assert.equal(redraws, 1, 'only swinfuse.model changes redraw');
    place(f.user, 'later', 'swinunetr_f12');
    await run('swinfuse.models.refresh');
    assert.equal(redraws, 2);
    assert.ok(described().has('later'));
    listening.dispose();
  });
});

describe('Use, Show Card and Delete', () => {
  const modelNode = (provider: TreeProvider, name: string) =>
    provider.getChildren().flatMap((g) => provider.getChildren(g)).find((n) => provider.getTreeItem(n).label === name)!;

  it('Use on an item sets swinfuse.model to its name (workspace target when a folder is open)', async (t) => {
    const { provider } = setup(t, (f) => place(f.user, 'fuse', 'swinfuse_f12'));
    await run('swinfuse.models.use', modelNode(provider(), 'fuse'));
    workspace.workspaceFolders = [{ uri: Uri.file(work) }];
    await run('swinfuse.models.use', modelNode(provider(), 'fuse'));
    assert.deepEqual(stub.updates, [
      { key: 'swinfuse.model', value: 'fuse', target: ConfigurationTarget.Global },
      { key: 'swinfuse.model', value: 'fuse', target: ConfigurationTarget.Workspace },
    ]);
  });

  it('Use without an item asks among the usable models; a clashing bundled model is set by path', async (t) => {
    const { f, registry } = setup(t, (f) => {
      place(f.bundled, 'same', 'swinunetr_f12');
      place(f.user, 'same', 'swinfuse_f12');
      place(f.user, 'broken', 'swinfuse_f12', 'missing');
    });
    stub.quickPicks.push((items) => (items as { entry: ModelEntry }[]).find((i) => i.entry.origin === 'bundled'));
    await run('swinfuse.models.use');
    assert.deepEqual(stub.shownPicks, [{ title: 'Use for Segment', labels: ['same', 'same'] }]);
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: join(f.bundled, 'same.onnx'), target: ConfigurationTarget.Global }]);
    // …which resolves back to the bundled one, where its name would give the user's.
    const choice = registry.resolve(stub.updates[0]!.value as string);
    assert.equal(choice.kind === 'model' && choice.entry.origin, 'bundled');
    // A model with a problem cannot be used.
    stub.reset();
    await run('swinfuse.models.use', registry.list().find((e) => e.name === 'broken'));
    assert.equal(stub.errors.length, 1);
    assert.match(stub.errors[0]!, /^SwinFUSE: the model "broken" cannot be used: .*the model card is missing/);
    assert.deepEqual(stub.updates, []);
  });

  it('pickModel shows name, summary and origin, and returns the entry', async (t) => {
    const { registry } = setup(t, (f) => place(f.bundled, 'swinfuse-demo', 'swinfuse_f12'));
    let shown: { label: string; description: string; detail: string }[] = [];
    stub.quickPicks.push((items) => { shown = items as typeof shown; return items[0]; });
    const picked = await pickModel(registry.list(), 'Choose a model');
    assert.equal(picked!.name, 'swinfuse-demo');
    assert.deepEqual(shown.map((i) => [i.label, i.description, i.detail]),
      [['swinfuse-demo', 'SwinFUSE · 4 → 3 · roi 64 · default', `bundled · ${registry.list()[0]!.path}`]]);
    assert.equal(await pickModel(registry.list(), 'dismissed'), undefined);
  });

  it('Show Model Card opens the card beside the model; a missing card is an error', async (t) => {
    const { f, provider } = setup(t, (f) => {
      place(f.user, 'fuse', 'swinfuse_f12');
      place(f.user, 'cardless', 'swinfuse_f12', 'missing');
    });
    await run('swinfuse.models.showCard', modelNode(provider(), 'fuse'));
    assert.deepEqual(stub.shownDocuments, [join(f.user, 'fuse.json')]);
    await run('swinfuse.models.showCard', modelNode(provider(), 'cardless'));
    assert.deepEqual(stub.errors, [`SwinFUSE: ${join(f.user, 'cardless.json')}: the model card is missing`]);
  });

  it('Delete asks first, removes both files, refreshes and clears the setting that named the model', async (t) => {
    const { f, provider: currentProvider, registry } = setup(t, (f) => {
      place(f.bundled, 'swinfuse-demo', 'swinunetr_f12');
      place(f.user, 'fuse', 'swinfuse_f12');
      place(f.user, 'tuned', 'swinfuse_f12', withLineage(1));
    });
    const tree = currentProvider(); // stub.reset() below forgets registered providers
    const provider = () => tree;
    stub.config.set('swinfuse.model', 'fuse');

    await run('swinfuse.models.delete', modelNode(provider(), 'fuse')); // the confirmation dismissed
    assert.deepEqual(stub.warnings, ['Delete the model "fuse"?']);
    assert.deepEqual(files(f.user), ['fuse.json', 'fuse.onnx', 'tuned.json', 'tuned.onnx']);

    stub.messageAnswers.push('Delete');
    await run('swinfuse.models.delete', modelNode(provider(), 'fuse'));
    assert.deepEqual(files(f.user), ['tuned.json', 'tuned.onnx']);
    assert.deepEqual(registry.list().map((e) => e.name), ['swinfuse-demo', 'tuned']);
    assert.deepEqual(stub.updates, [{ key: 'swinfuse.model', value: undefined, target: ConfigurationTarget.Global }]);

    // A fine-tuned model the setting does not name: deleted, the setting left alone.
    stub.reset();
    stub.config.set('swinfuse.model', 'swinfuse-demo');
    stub.messageAnswers.push('Delete');
    await run('swinfuse.models.delete', modelNode(provider(), 'tuned'));
    assert.deepEqual(files(f.user), []);
    assert.deepEqual(stub.updates, []);
  });

  it('Delete never removes a bundled model', async (t) => {
    const { f, provider } = setup(t, (f) => place(f.bundled, 'swinfuse-demo', 'swinunetr_f12'));
    stub.messageAnswers.push('Delete');
    await run('swinfuse.models.delete', modelNode(provider(), 'swinfuse-demo'));
    assert.deepEqual(stub.errors, ['SwinFUSE: "swinfuse-demo" comes with the extension and cannot be deleted.']);
    assert.deepEqual(stub.warnings, [], 'not even asked');
    assert.deepEqual(files(f.bundled), ['swinfuse-demo.json', 'swinfuse-demo.onnx']);
  });
});
