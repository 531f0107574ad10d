// A model and its card are one unit: whatever state an interrupted write leaves on disk, reading MODEL.onnx's card
// gives the card written with that model, never an older one or none; and temporary files a killed writer left
// behind are removed by the next write to the folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelCard } from '../src/core/inference';
import { CARD_METADATA_KEY, makeModelCard, writeModelPair, type ModelCard } from '../src/core/models';
import { GraphBuilder, serializeModel } from '../src/core/onnx';

const work = mkdtempSync(join(tmpdir(), 'swinfuse-pair-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A valid card for a small model, and an ONNX file (one Identity) that embeds it as our writers do. */
function cardNamed(name: string): ModelCard {
  return makeModelCard({ arch: 'swinunetr', inChannels: 4, outChannels: 3, featureSize: 12, roi: 64 },
    { name, channels: ['flair', 't1ce', 't1', 't2'], labels: 'brats', source: { checkpoint: `${name}.pt`, sha256: '0'.repeat(64) } });
}
const serialize = (cardJson: string): Uint8Array => {
  const g = new GraphBuilder('tiny');
  g.output(g.op('Identity', [g.input('image', 'float32', [1])]), 'logits');
  return serializeModel(g.build(), { metadata: { [CARD_METADATA_KEY]: cardJson } });
};
function folder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

describe('a model and its card as a pair', () => {
  it('a kill between the two renames (new model, old card beside it): the new model\'s own card is read', async () => {
    const dir = folder('killed');
    const a = await writeModelPair(join(dir, 'm.onnx'), cardNamed('first'), serialize);
    const staging = folder('staging');
    const b = await writeModelPair(join(staging, 'm.onnx'), cardNamed('second'), serialize);
    copyFileSync(b.modelPath, a.modelPath); // the model's rename happened, the card's did not
    assert.equal(JSON.parse(readFileSync(a.cardPath, 'utf8')).name, 'first');
    const card = readModelCard(a.modelPath);
    assert.equal(card.name, 'second');
    assert.equal(card.pairId, b.card.pairId);
  });

  it('a card that was never written (deleted, or its write failed): the card inside the model is read', async () => {
    const dir = folder('cardless');
    const written = await writeModelPair(join(dir, 'm.onnx'), cardNamed('alone'), serialize);
    rmSync(written.cardPath);
    assert.equal(readModelCard(written.modelPath).name, 'alone');
    // The card's own write failing (its path is a folder) leaves a model that still reads its card.
    const blocked = folder('blocked');
    mkdirSync(join(blocked, 'm.json'));
    await assert.rejects(writeModelPair(join(blocked, 'm.onnx'), cardNamed('blocked'), serialize));
    assert.equal(readModelCard(join(blocked, 'm.onnx')).name, 'blocked');
  });

  it('a hand edit of the card beside the model that keeps its pairId is what is read', async () => {
    const dir = folder('edited');
    const written = await writeModelPair(join(dir, 'm.onnx'), cardNamed('edited'), serialize);
    const card = JSON.parse(readFileSync(written.cardPath, 'utf8'));
    card.channels = ['FLAIR', 'T1c', 'T1', 'T2'];
    writeFileSync(written.cardPath, JSON.stringify(card));
    assert.deepEqual(readModelCard(written.modelPath).channels, ['FLAIR', 'T1c', 'T1', 'T2']);
  });

  it('temporary files of a killed writer are removed by the next write to the folder; a live writer\'s are kept', async () => {
    const dir = folder('leftovers');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const abandoned = `.m.onnx.${dead}.0badf00d.tmp`;
      const inFlight = `.m.onnx.${live.pid}.0c0ffee0.tmp`;
      writeFileSync(join(dir, abandoned), new Uint8Array(1 << 20));
      writeFileSync(join(dir, inFlight), new Uint8Array(16));
      await writeModelPair(join(dir, 'm.onnx'), cardNamed('next'), serialize);
      const left = readdirSync(dir).sort();
      assert.ok(!left.includes(abandoned), `${abandoned} was removed`);
      assert.ok(left.includes(inFlight), 'a running writer\'s temporary file stays');
      assert.deepEqual(left.filter((f) => !f.endsWith('.tmp')), ['m.json', 'm.onnx']);
    } finally {
      live.kill();
    }
    assert.ok(existsSync(join(dir, 'm.onnx')));
  });
});
