// Accepting a proposal into a mask: every mode against a per-voxel reference written from the rules as the user
// reads them, the edit's undo restoring the mask bit for bit, and the hand-edit map keeping the user's voxels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  acceptProposal, applyEdit, checkAcceptChoice, editIndices, HandEdits, revertEdit, setValues, type AcceptChoice,
} from '../src/core/labels';

/** What the user was promised, voxel by voxel. */
function expected(mask: number, proposal: number, hand: boolean, choice: AcceptChoice): number {
  if (hand && !choice.overwriteEdits) return mask;
  switch (choice.mode.kind) {
    case 'all': return proposal;
    case 'label': return proposal === choice.mode.label ? proposal : mask;
    case 'unlabelled': return mask === 0 && proposal !== 0 ? proposal : mask;
  }
}

const labelValues = fc.constantFrom(0, 0, 0, 1, 2, 4);
const choices = fc.oneof(
  fc.record({ mode: fc.constant({ kind: 'all' as const }), overwriteEdits: fc.boolean() }),
  fc.record({ mode: fc.constant({ kind: 'unlabelled' as const }), overwriteEdits: fc.boolean() }),
  fc.record({ mode: fc.record({ kind: fc.constant('label' as const), label: fc.constantFrom(1, 2, 4) }), overwriteEdits: fc.boolean() }),
);

describe('acceptProposal', () => {
  it('writes what each mode promises, keeps hand-edited voxels unless told, and its edit undoes exactly', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(labelValues, labelValues, fc.boolean()), { minLength: 1, maxLength: 300 }), choices,
      (voxels, choice) => {
        const mask = Uint8Array.from(voxels.map((v) => v[0]));
        const proposal = Uint8Array.from(voxels.map((v) => v[1]));
        const hand = Uint8Array.from(voxels.map((v) => (v[2] ? 1 : 0)));
        const before = mask.slice();
        const edit = acceptProposal(mask, proposal, hand, choice);
        const want = voxels.map(([m, p, h]) => expected(m, p, h, choice));
        assert.deepEqual([...mask], want);
        const changed = want.filter((v, i) => v !== before[i]).length;
        assert.equal(edit.count, changed, 'the edit records exactly the voxels that changed');
        revertEdit(mask, edit);
        assert.deepEqual(mask, before);
        applyEdit(mask, edit);
        assert.deepEqual([...mask], want);
      },
    ), { numRuns: 300 });
  });

  it('refuses a proposal on another grid and bad choices, naming the problem', () => {
    assert.throws(() => acceptProposal(new Uint8Array(4), new Uint8Array(5), null, { mode: { kind: 'all' }, overwriteEdits: false }), /5 voxels, the mask 4/);
    assert.throws(() => checkAcceptChoice({ mode: { kind: 'label', label: 0 }, overwriteEdits: false }), /label 0 is the background/);
    assert.throws(() => checkAcceptChoice({ mode: { kind: 'label', label: 300 }, overwriteEdits: false }), /300/);
    assert.throws(() => checkAcceptChoice({ mode: { kind: 'everything' }, overwriteEdits: false }), /"everything"/);
    assert.throws(() => checkAcceptChoice({ mode: { kind: 'all' } }), /overwriteEdits/);
    assert.deepEqual(checkAcceptChoice({ mode: { kind: 'label', label: 4, extra: 1 }, overwriteEdits: true }),
      { mode: { kind: 'label', label: 4 }, overwriteEdits: true });
  });
});

describe('HandEdits', () => {
  it('covers the labels at open and the voxels of edits in effect, erasures included, and forgets undone ones', () => {
    const mask = Uint8Array.from([0, 2, 2, 0, 0, 0, 1, 0, 0, 0]);
    const hand = new HandEdits(mask.length);
    hand.setBaseline(mask);
    assert.deepEqual([...hand.map()], [0, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
    const paint = setValues(mask, [3, 4], 4);
    const erase = setValues(mask, [6], 0);
    hand.add(paint);
    hand.add(erase);
    assert.deepEqual([...hand.map()], [0, 1, 1, 1, 1, 0, 1, 0, 0, 0]);
    assert.deepEqual([...editIndices(erase)], [6]);
    hand.remove(paint);
    assert.deepEqual([...hand.map()], [0, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
    assert.equal(hand.map().reduce((a, b) => a + b, 0), 3);
    hand.setBaseline(new Uint8Array(10).fill(0).map((_, i) => (i === 9 ? 5 : 0)));
    assert.deepEqual([...hand.map()], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'a new baseline replaces everything');
  });
});
