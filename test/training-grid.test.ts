// Masks brought to the model's spacing for fine-tuning: no label invented (interpolating label numbers would put a 3
// between 2 and 4), none lost (a structure thinner than the new voxel keeps one voxel), big regions keep their volume
// in mm³; the hand-edit map follows; a case already at the model's spacing is left as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niftiView, type Vec3 } from '../src/core/inference';
import { resampleLabels } from '../src/core/inference/resample';
import type { ModelCard } from '../src/core/models';
import { planReorientation } from '../src/core/nifti/reorient';
import { onTrainingGrid } from '../src/core/training/training-grid';

const SHAPE: Vec3 = [24, 22, 20];
/** A ball of edema (2) around a core (1), a one-voxel sheet of enhancing tumour (4) across it, at 1 mm. */
function labelMap(): Uint8Array {
  const out = new Uint8Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  for (let k = 0; k < SHAPE[2]; k++) for (let j = 0; j < SHAPE[1]; j++) for (let i = 0; i < SHAPE[0]; i++) {
    const r = Math.hypot(i - 12, j - 11, k - 10);
    const at = i + SHAPE[0] * (j + SHAPE[1] * k);
    if (r < 4) out[at] = 1;
    else if (r < 8) out[at] = 2;
    if (i === 5 && r < 8) out[at] = 4;
  }
  return out;
}
const counts = (labels: Uint8Array): Map<number, number> => {
  const c = new Map<number, number>();
  for (const v of labels) c.set(v, (c.get(v) ?? 0) + 1);
  return c;
};

describe('labels at another spacing', () => {
  it('1 mm → 2 mm: the labels present stay exactly those, the thin sheet survives, the ball keeps its volume', () => {
    const labels = labelMap();
    const { data, shape } = resampleLabels(niftiView(labels, SHAPE, 1), [1, 1, 1], [2, 2, 2]);
    assert.deepEqual(shape, [12, 12, 10]);
    const before = counts(labels);
    const after = counts(data);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'no label invented, none lost');
    assert.ok(after.get(4)! >= 1, 'the one-voxel sheet keeps at least one voxel');
    // Volume in mm³ of edema + core (a ball of radius 8 mm): within 15 % after an 8× coarser grid.
    const ball = (c: Map<number, number>, voxelMm3: number) => ((c.get(1) ?? 0) + (c.get(2) ?? 0) + (c.get(4) ?? 0)) * voxelMm3;
    const ratio = ball(after, 8) / ball(before, 1);
    assert.ok(ratio > 0.85 && ratio < 1.15, `volume ratio ${ratio}`);
  });

  it('2 mm → 1 mm and at equal spacing: every output label is an input label; equal spacing changes nothing', () => {
    const labels = labelMap();
    const up = resampleLabels(niftiView(labels, SHAPE, 1), [2, 2, 2], [1, 1, 1]);
    for (const v of new Set(up.data)) assert.ok([0, 1, 2, 4].includes(v), `label ${v}`);
    const same = resampleLabels(niftiView(labels, SHAPE, 1), [1, 1, 1], [1, 1, 1]);
    assert.deepEqual(same.data, labels);
  });
});

describe('a fine-tuning case on the model\'s grid', () => {
  const card = { spacing: [2, 2, 2], inChannels: 1, orientation: 'RAS' } as unknown as ModelCard;
  // Stored LAS (x reversed) at 1 mm: the grid must come out in RAS at 2 mm.
  const affine = [[-1, 0, 0, 23], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const plan = planReorientation(affine, SHAPE, 'RAS');

  it('is resampled and reoriented: channels zero outside the scan, labels and hand edits follow', () => {
    const labels = labelMap();
    const channels = Float32Array.from(labels, (v) => (v ? 100 + v : 0));
    const corrected = new Uint8Array(labels.length);
    corrected[5 + SHAPE[0] * (11 + SHAPE[1] * 10)] = 1;
    const grid = onTrainingGrid({ card, channels, labels, corrected, spatialShape: SHAPE, plan, spacing: [1, 1, 1] });
    assert.equal(grid.resampled, true);
    assert.deepEqual(grid.spatialShape, [12, 12, 10]);
    assert.deepEqual([...grid.plan.sourceAxisOf], [0, 1, 2]);
    assert.deepEqual([...grid.plan.flipped], [false, false, false]);
    // Outside the labelled ball the channel is exactly 0; x was reversed, so the sheet at stored x = 5 is at RAS x = 18,
    // i.e. model voxel 9 at 2 mm.
    const at = (i: number, j: number, k: number): number => i + 12 * (j + 12 * k);
    assert.equal(grid.channels[at(0, 0, 0)], 0);
    assert.equal(grid.labels[at(9, 5, 5)], 4);
    assert.ok(grid.corrected![at(9, 5, 5)] === 1 || grid.corrected![at(9, 6, 5)] === 1, 'the edited voxel is reached');
    assert.equal([...grid.corrected!].filter((v) => v).length <= 8, true, 'one edited voxel reaches few 2 mm voxels');
  });

  it('at the model\'s spacing already, or with a card that names none: untouched', () => {
    const labels = labelMap();
    const channels = Float32Array.from(labels);
    const same = onTrainingGrid({ card, channels, labels, corrected: null, spatialShape: SHAPE, plan, spacing: [2, 2, 2] });
    assert.equal(same.resampled, false);
    assert.equal(same.labels, labels);
    const none = onTrainingGrid({ card: { ...card, spacing: undefined }, channels, labels, corrected: null, spatialShape: SHAPE, plan, spacing: [1, 1, 1] });
    assert.equal(none.resampled, false);
  });
});
