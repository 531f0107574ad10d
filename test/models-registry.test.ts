// The model registry over real folders: models imported from the MONAI fixtures with the built CLI (as a user
// would), placed as bundled, imported and fine-tuned models, beside broken, missing and invalid cards; then what
// list() shows and what every kind of swinfuse.model value resolves to.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MODEL_NAME, ModelRegistry, type ModelChoice, type ModelEntry } from '../src/extension/models/model-registry';
import { copyWithoutEmbeddedCard, importFixtureModel, modelFixtures } from './helpers/fixture-models';

type Fixture = 'swinfuse_f12' | 'swinunetr_f12';
const work = mkdtempSync(join(tmpdir(), 'swinfuse-registry-'));
const source = join(work, 'source');
after(() => rmSync(work, { recursive: true, force: true }));

// The cards here live only beside the models (as before cards were embedded), so that a broken or missing card
// leaves a model unusable and the registry's handling of that shows; a model that embeds its card is the last test.
let embedded = '';
before(() => {
  mkdirSync(source);
  for (const name of ['swinfuse_f12', 'swinunetr_f12'] as const) {
    const path = importFixtureModel(name, source);
    if (name === 'swinunetr_f12') {
      embedded = join(work, 'embedded.onnx');
      copyFileSync(path, embedded);
    }
    copyWithoutEmbeddedCard(path, path);
  }
});

const fixtureConfig = (name: Fixture): { arch: string; roi: number; in_channels: number; out_channels: number } =>
  JSON.parse(readFileSync(join(modelFixtures, `${name}.json`), 'utf8'));

let folderCount = 0;
/** Fresh, empty bundled and user folders. */
function folders(): { bundled: string; user: string } {
  const root = join(work, `case${folderCount++}`);
  const f = { bundled: join(root, 'ext', 'models'), user: join(root, 'storage', 'models') };
  mkdirSync(f.bundled, { recursive: true });
  mkdirSync(f.user, { recursive: true });
  return f;
}

type CardEdit = ((card: Record<string, unknown>) => Record<string, unknown>) | 'missing' | string;

/** Puts an imported fixture model into `folder` as NAME.onnx (a hard link: 48 MiB each) with its card, edited. */
function place(folder: string, name: string, from: Fixture, card: CardEdit = (c) => c): string {
  const path = join(folder, `${name}.onnx`);
  linkSync(join(source, `${from}.onnx`), path);
  if (card === 'missing') return path;
  const text = typeof card === 'string'
    ? card
    : JSON.stringify(card({ ...JSON.parse(readFileSync(join(source, `${from}.json`), 'utf8')), name }), null, 2);
  writeFileSync(join(folder, `${name}.json`), text);
  return path;
}

const fineTuned = (c: Record<string, unknown>) => ({ ...c, lineage: [{ base: 'swinfuse_f12', case: 'case1', steps: 20, loss: [0.9, 0.5] }] });

function logger() {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
}

function model(choice: ModelChoice): ModelEntry {
  assert.equal(choice.kind, 'model', JSON.stringify(choice));
  return (choice as { entry: ModelEntry }).entry;
}

function error(choice: ModelChoice): string {
  assert.equal(choice.kind, 'error', JSON.stringify(choice));
  return (choice as { message: string }).message;
}

/**
 * The bundled default as the extension ships it: in its own folder, models/swinfuse-demo/swinfuse-demo.onnx with
 * its card, beside a sample case in sample/ (BraTS 2021 names) that holds no model.
 */
function placeDemo(bundled: string, card: CardEdit = (c) => c): string {
  const folder = join(bundled, 'swinfuse-demo');
  mkdirSync(join(folder, 'sample'), { recursive: true });
  for (const name of ['sample_flair', 'sample_t1ce', 'sample_t1', 'sample_t2', 'sample_seg']) writeFileSync(join(folder, 'sample', `${name}.nii.gz`), 'not read');
  return place(folder, 'swinfuse-demo', 'swinfuse_f12', card);
}

/** The full cast: two bundled (one in its own folder), one import, one fine-tuned, and four unusable. */
function fullCast() {
  const f = folders();
  placeDemo(f.bundled);
  place(f.bundled, 'extra-bundled', 'swinunetr_f12');
  place(f.user, 'swinfuse_f12', 'swinfuse_f12');
  place(f.user, 'tuned', 'swinfuse_f12', fineTuned);
  place(f.user, 'broken', 'swinunetr_f12', '{ "format": "swinfuse-model-card", ');
  place(f.user, 'nocard', 'swinunetr_f12', 'missing');
  place(f.user, 'badcard', 'swinunetr_f12', (c) => ({ ...c, formatVersion: 2 }));
  writeFileSync(join(f.user, 'empty.onnx'), new Uint8Array(0));
  writeFileSync(join(f.user, 'empty.json'), readFileSync(join(source, 'swinunetr_f12.json')));
  // Not models: another file type, a card without a model, a folder named like a model.
  writeFileSync(join(f.user, 'notes.txt'), 'hello');
  writeFileSync(join(f.user, 'orphan.json'), readFileSync(join(source, 'swinunetr_f12.json')));
  mkdirSync(join(f.user, 'folder.onnx'));
  const log = logger();
  return { f, log, registry: new ModelRegistry(f, log) };
}

describe('a model that embeds its card', () => {
  it('is usable when the card beside it is missing, broken or from another write: the card inside it is read', () => {
    const f = folders();
    for (const [name, card] of [['gone', 'missing'], ['garbled', '{ "format": '], ['stale', '{"format":"swinfuse-model-card","formatVersion":1}']] as const) {
      linkSync(embedded, join(f.user, `${name}.onnx`));
      if (card !== 'missing') writeFileSync(join(f.user, `${name}.json`), card);
    }
    const list = new ModelRegistry(f, logger()).list();
    assert.deepEqual(list.map((e) => [e.name, e.problem, e.card?.arch, e.card?.roi]), [
      ['garbled', null, 'swinunetr', 64], ['gone', null, 'swinunetr', 64], ['stale', null, 'swinunetr', 64],
    ]);
  });
});

describe('ModelRegistry.list', () => {
  it('lists bundled, imported and fine-tuned models in that order, by name, unusable ones with their problem', () => {
    const { f, registry } = fullCast();
    const list = registry.list();
    assert.deepEqual(list.map((e) => [e.name, e.origin]), [
      ['extra-bundled', 'bundled'], ['swinfuse-demo', 'bundled'],
      ['badcard', 'imported'], ['broken', 'imported'], ['empty', 'imported'], ['nocard', 'imported'], ['swinfuse_f12', 'imported'],
      ['tuned', 'fine-tuned'],
    ]);
    const byName = new Map(list.map((e) => [e.name, e]));
    assert.equal(byName.get('swinfuse_f12')!.path, join(f.user, 'swinfuse_f12.onnx'));
    assert.equal(byName.get('extra-bundled')!.path, join(f.bundled, 'extra-bundled.onnx'));
    assert.equal(byName.get('swinfuse-demo')!.path, join(f.bundled, 'swinfuse-demo', 'swinfuse-demo.onnx'));

    const problems = Object.fromEntries(list.filter((e) => e.problem).map((e) => [e.name, e.problem]));
    assert.deepEqual(Object.keys(problems).sort(), ['badcard', 'broken', 'empty', 'nocard']);
    assert.match(problems.broken!, new RegExp(`^${join(f.user, 'broken.json')}: the model card is not valid JSON`));
    assert.match(problems.nocard!, new RegExp(`^${join(f.user, 'nocard.json')}: the model card is missing`));
    assert.match(problems.badcard!, /badcard\.json: model card: formatVersion 2 is not supported/);
    assert.match(problems.empty!, /empty\.onnx: the model file is empty/);
    for (const e of list) assert.equal(e.card === null, e.problem !== null, e.name);

    // The cards read are the ones `swinfuse import` wrote from the fixtures' configs.
    for (const [name, fixture] of [['swinfuse_f12', 'swinfuse_f12'], ['extra-bundled', 'swinunetr_f12'], ['tuned', 'swinfuse_f12']] as const) {
      const card = byName.get(name)!.card!;
      const c = fixtureConfig(fixture);
      assert.deepEqual([card.arch, card.roi, card.inChannels, card.outChannels], [c.arch, c.roi, c.in_channels, c.out_channels], name);
    }
    assert.deepEqual(list.filter((e) => e.isDefault).map((e) => e.name), ['swinfuse-demo']);
  });

  it('finds bundled models one folder down (models/NAME/NAME.onnx), never deeper, and lists data folders silently', () => {
    const f = folders();
    const demo = placeDemo(f.bundled);
    place(f.bundled, 'flat', 'swinunetr_f12');
    // A data folder at the top, a folder holding a model under another name, and a model two levels down.
    mkdirSync(join(f.bundled, 'sample'));
    writeFileSync(join(f.bundled, 'sample', 'case_flair.nii.gz'), 'not read');
    mkdirSync(join(f.bundled, 'extras'));
    place(join(f.bundled, 'extras'), 'other', 'swinunetr_f12');
    place(join(f.bundled, 'swinfuse-demo', 'sample'), 'too-deep', 'swinunetr_f12');
    const log = logger();
    const registry = new ModelRegistry(f, log);
    assert.deepEqual(registry.list().map((e) => [e.name, e.origin, e.path, e.isDefault]), [
      ['flat', 'bundled', join(f.bundled, 'flat.onnx'), false],
      ['other', 'bundled', join(f.bundled, 'extras', 'other.onnx'), false],
      ['swinfuse-demo', 'bundled', demo, true],
    ]);
    assert.equal(registry.list()[2]!.card!.name, 'swinfuse-demo', 'the card beside it, in its folder');
    assert.deepEqual(log.lines, [], 'no warnings for sample/ folders or anything else');
    assert.equal(model(registry.resolve('')).path, demo);
    assert.equal(model(registry.resolve('swinfuse-demo')).path, demo);
    assert.equal(DEFAULT_MODEL_NAME, 'swinfuse-demo');
  });

  it('logs each unusable model once, not again on refresh', () => {
    const { registry, log } = fullCast();
    registry.list();
    registry.refresh();
    const warnings = log.lines.filter((l) => l.startsWith('warn'));
    assert.equal(warnings.length, 4, warnings.join('\n'));
    for (const name of ['badcard', 'broken', 'empty', 'nocard']) assert.ok(warnings.some((w) => w.includes(`${name}.onnx is listed but cannot be used`)), name);
  });

  it('folders that do not exist yet are simply empty', () => {
    const root = join(work, 'nothing-here');
    const log = logger();
    const registry = new ModelRegistry({ bundled: join(root, 'a'), user: join(root, 'b') }, log);
    assert.deepEqual(registry.list(), []);
    assert.deepEqual(registry.resolve(''), { kind: 'none' });
    assert.deepEqual(log.lines, []);
  });

  it('reads the folders once; refresh() re-reads them and tells listeners', () => {
    const f = folders();
    const registry = new ModelRegistry(f, logger());
    assert.deepEqual(registry.list(), []);
    let changes = 0;
    registry.onDidChange(() => changes++);
    place(f.user, 'late', 'swinunetr_f12');
    assert.deepEqual(registry.list(), [], 'not re-read without refresh');
    registry.refresh();
    assert.deepEqual(registry.list().map((e) => e.name), ['late']);
    assert.equal(changes, 1);
    assert.equal(registry.userFolder, f.user);
  });
});

describe('ModelRegistry.resolve: empty setting', () => {
  it('the bundled swinfuse-demo', () => {
    const { registry } = fullCast();
    const entry = model(registry.resolve(''));
    assert.equal(entry.name, 'swinfuse-demo');
    assert.equal(entry.origin, 'bundled');
    assert.equal(model(registry.resolve('   ')).name, 'swinfuse-demo', 'blank is empty');
  });

  it('the only bundled model when none is named swinfuse-demo', () => {
    const f = folders();
    place(f.bundled, 'only-one', 'swinunetr_f12');
    place(f.user, 'mine', 'swinfuse_f12');
    const registry = new ModelRegistry(f, logger());
    const entry = model(registry.resolve(''));
    assert.equal(entry.name, 'only-one');
    assert.equal(entry.isDefault, true);
  });

  it('several bundled and none named swinfuse-demo: choose among every usable model', () => {
    const f = folders();
    place(f.bundled, 'b1', 'swinunetr_f12');
    place(f.bundled, 'b2', 'swinfuse_f12');
    place(f.user, 'mine', 'swinfuse_f12');
    place(f.user, 'broken', 'swinfuse_f12', 'not json');
    const registry = new ModelRegistry(f, logger());
    const choice = registry.resolve('');
    assert.equal(choice.kind, 'choose');
    assert.deepEqual((choice as { entries: ModelEntry[] }).entries.map((e) => e.name), ['b1', 'b2', 'mine']);
    assert.equal(registry.list().some((e) => e.isDefault), false);
  });

  it('no bundled model: the only usable one; a broken default is never chosen', () => {
    const f = folders();
    placeDemo(f.bundled, 'missing');
    place(f.user, 'mine', 'swinunetr_f12', fineTuned);
    place(f.user, 'broken', 'swinfuse_f12', '[]');
    const registry = new ModelRegistry(f, logger());
    assert.equal(registry.list().some((e) => e.isDefault), false);
    const entry = model(registry.resolve(''));
    assert.equal(entry.name, 'mine');
    assert.equal(entry.origin, 'fine-tuned');
  });

  it('models that are all unusable: an error naming each and its problem', () => {
    const f = folders();
    place(f.user, 'broken', 'swinfuse_f12', '42');
    place(f.user, 'nocard', 'swinfuse_f12', 'missing');
    const message = error(new ModelRegistry(f, logger()).resolve(''));
    assert.match(message, /^no usable SwinFUSE model: broken \(.*broken\.json: model card: not a JSON object\); nocard \(.*the model card is missing/);
  });
});

describe('ModelRegistry.resolve: a name', () => {
  it('finds bundled, imported and fine-tuned models by name', () => {
    const { f, registry } = fullCast();
    assert.equal(model(registry.resolve('swinfuse_f12')).path, join(f.user, 'swinfuse_f12.onnx'));
    assert.equal(model(registry.resolve('extra-bundled')).origin, 'bundled');
    assert.equal(model(registry.resolve(' tuned ')).origin, 'fine-tuned');
  });

  it('on a clash, the user\'s model wins over the bundled one', () => {
    const f = folders();
    place(f.bundled, 'same', 'swinunetr_f12');
    place(f.user, 'same', 'swinfuse_f12');
    const registry = new ModelRegistry(f, logger());
    assert.equal(registry.list().filter((e) => e.name === 'same').length, 2, 'both are listed');
    const entry = model(registry.resolve('same'));
    assert.equal(entry.origin, 'imported');
    assert.equal(entry.card!.arch, 'swinfuse');
  });

  it('an unusable model is an error with its problem, never chosen', () => {
    const { registry } = fullCast();
    assert.match(error(registry.resolve('broken')), /^swinfuse\.model names the model "broken", which cannot be used: .*broken\.json: the model card is not valid JSON/);
    assert.match(error(registry.resolve('nocard')), /swinfuse\.model names the model "nocard", which cannot be used: .*the model card is missing/);
  });

  it('an unknown name lists the usable models; a path without .onnx says so', () => {
    const { registry } = fullCast();
    assert.equal(error(registry.resolve('nope')),
      'swinfuse.model names "nope", but there is no model of that name; available: extra-bundled, swinfuse-demo, swinfuse_f12, tuned');
    assert.match(error(registry.resolve('models/mine')), /no model of that name \(a path must end in \.onnx\); available: /);
    const empty = new ModelRegistry(folders(), logger());
    assert.match(error(empty.resolve('nope')), /there are no usable models yet: import one with "SwinFUSE: Import Checkpoint…"/);
  });
});

describe('ModelRegistry.resolve: a path', () => {
  it('an absolute path to a listed model is that entry', () => {
    const { f, registry } = fullCast();
    const entry = model(registry.resolve(join(f.user, 'tuned.onnx')));
    assert.equal(entry.name, 'tuned');
    assert.equal(entry.origin, 'fine-tuned');
    assert.equal(model(registry.resolve(join(f.bundled, 'swinfuse-demo', 'swinfuse-demo.onnx'))).isDefault, true);
  });

  it('a path relative to the workspace folder, outside both folders', () => {
    const { registry } = fullCast();
    const workspace = join(work, 'workspace');
    mkdirSync(join(workspace, 'models'), { recursive: true });
    place(join(workspace, 'models'), 'outside', 'swinunetr_f12');
    const entry = model(registry.resolve('models/outside.onnx', workspace));
    assert.equal(entry.path, join(workspace, 'models', 'outside.onnx'));
    assert.equal(entry.name, 'outside');
    assert.equal(entry.card!.arch, 'swinunetr');
    assert.equal(entry.isDefault, false);
    assert.equal(model(registry.resolve('./models/../models/outside.onnx', workspace)).path, entry.path);
  });

  it('errors name the setting, the path and the problem', () => {
    const { f, registry } = fullCast();
    const workspace = join(work, 'workspace2');
    mkdirSync(workspace);
    place(workspace, 'cardless', 'swinfuse_f12', 'missing');

    assert.match(error(registry.resolve('models/x.onnx')),
      /^swinfuse\.model is the relative path "models\/x\.onnx", but no workspace folder is open/);
    const missing = join(workspace, 'missing.onnx');
    assert.equal(error(registry.resolve('missing.onnx', workspace)),
      `swinfuse.model is "missing.onnx", which cannot be used: ${missing}: no such model file`);
    assert.match(error(registry.resolve(join(workspace, 'cardless.onnx'))),
      new RegExp(`^swinfuse\\.model is "${join(workspace, 'cardless.onnx')}", which cannot be used: ${join(workspace, 'cardless.json')}: the model card is missing`));
    assert.match(error(registry.resolve(join(f.user, 'broken.onnx'))), /broken\.onnx", which cannot be used: .*not valid JSON/);
    assert.match(error(registry.resolve(join(f.user, 'folder.onnx'))), /folder\.onnx: is not a file/);
  });
});

describe('ModelRegistry.remove', () => {
  it('deletes an imported model\'s .onnx and card, then refreshes', async () => {
    const { f, registry } = fullCast();
    let changes = 0;
    registry.onDidChange(() => changes++);
    const entry = model(registry.resolve('swinfuse_f12'));
    await registry.remove(entry);
    assert.equal(existsSync(join(f.user, 'swinfuse_f12.onnx')), false);
    assert.equal(existsSync(join(f.user, 'swinfuse_f12.json')), false);
    assert.equal(registry.list().some((e) => e.name === 'swinfuse_f12'), false);
    assert.equal(changes, 1);
    // A model without a card goes too.
    await registry.remove(registry.list().find((e) => e.name === 'nocard')!);
    assert.equal(existsSync(join(f.user, 'nocard.onnx')), false);
  });

  it('never deletes a bundled model, nor a file outside the user folder', async () => {
    const { f, registry } = fullCast();
    await assert.rejects(registry.remove(model(registry.resolve('swinfuse-demo'))), /only imported and fine-tuned models/);
    assert.ok(existsSync(join(f.bundled, 'swinfuse-demo', 'swinfuse-demo.onnx')));
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const outside = model(registry.resolve(place(elsewhere, 'kept', 'swinfuse_f12')));
    assert.equal(outside.origin, 'imported');
    await assert.rejects(registry.remove(outside), /only imported and fine-tuned models/);
    assert.ok(existsSync(outside.path));
  });
});
