// Hard Dice on hand-made label maps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bratsRegionDice, labelDice, meanDice } from '../src/core/training/dice';

describe('hard Dice', () => {
  it('scores each label: 2|P∩R| / (|P| + |R|)', () => {
    const pred = Uint8Array.of(0, 1, 1, 1, 2, 2, 0, 0);
    const ref = Uint8Array.of(0, 1, 1, 0, 2, 0, 2, 3);
    const scores = labelDice(pred, ref);
    assert.deepEqual(scores.map((s) => s.label), [1, 2, 3], 'labels present in either map');
    assert.deepEqual(scores[0], { label: 1, dice: (2 * 2) / (3 + 2), predicted: 3, reference: 2, intersection: 2 });
    assert.deepEqual(scores[1], { label: 2, dice: (2 * 1) / (2 + 2), predicted: 2, reference: 2, intersection: 1 });
    assert.deepEqual(scores[2], { label: 3, dice: 0, predicted: 0, reference: 1, intersection: 0 });
    assert.equal(meanDice(scores), (0.8 + 0.5 + 0) / 3);
  });

  it('gives 1 for a label absent from both maps and 0 for a label only one has; background on request', () => {
    const pred = Uint8Array.of(0, 0, 4, 4);
    const ref = Uint8Array.of(0, 0, 4, 4);
    assert.deepEqual(labelDice(pred, ref, [4, 7, 0]).map((s) => s.dice), [1, 1, 1]);
    assert.equal(labelDice(Uint8Array.of(0, 5), Uint8Array.of(0, 0), [5])[0]!.dice, 0);
    assert.equal(labelDice(Uint8Array.of(0, 5), Uint8Array.of(0, 0), [0])[0]!.dice, 2 / 3);
  });

  it('scores the nested BraTS regions, not the labels', () => {
    // Predicted necrosis (1) where the reference has enhancing tumour (4): both are TC and WT, only the reference ET.
    const pred = Uint8Array.of(0, 1, 1, 2, 2, 4, 0);
    const ref = Uint8Array.of(0, 4, 1, 2, 0, 4, 2);
    const [tc, wt, et] = bratsRegionDice(pred, ref, { ET: 4, TC: 1, WT: 2 });
    assert.deepEqual(tc, { label: 'TC', dice: (2 * 3) / (3 + 3), predicted: 3, reference: 3, intersection: 3 });
    assert.deepEqual(wt, { label: 'WT', dice: (2 * 4) / (5 + 5), predicted: 5, reference: 5, intersection: 4 });
    assert.deepEqual(et, { label: 'ET', dice: (2 * 1) / (1 + 2), predicted: 1, reference: 2, intersection: 1 });
  });

  it('refuses maps of different sizes and labels outside 0..255', () => {
    assert.throws(() => labelDice(new Uint8Array(3), new Uint8Array(4)), /labelDice: the predicted map has 3 voxels, the reference 4/);
    assert.throws(() => labelDice(new Uint8Array(3), new Uint8Array(3), [256]), /label 256 is not an integer 0\.\.255/);
    assert.ok(Number.isNaN(meanDice([])));
  });
});
