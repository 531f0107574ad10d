// Pre-training batches: quarter turns as torch.rot90 makes them, two views of one sub-volume, cut-outs only
// inside boxes, the same batch for the same seed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../src/core/models/random-weights';
import { nonzeroBox, rotateInPlane, sampleViews, type PretrainVolume } from '../src/core/pretrain/pretrain-views';

describe('rotateInPlane', () => {
  it('turns each slice as torch.rot90(x, k, dims=(1, 2)) does', () => {
    // torch.rot90(tensor([[1, 2], [3, 4]]), 1) == [[2, 4], [1, 3]]; k = 2: [[4, 3], [2, 1]]; k = 3: [[3, 1], [4, 2]].
    const x = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const out = new Float32Array(8);
    const expected: Record<number, number[]> = { 0: [1, 2, 3, 4], 1: [2, 4, 1, 3], 2: [4, 3, 2, 1], 3: [3, 1, 4, 2] };
    for (const [k, slice] of Object.entries(expected)) {
      rotateInPlane(x, 2, Number(k), out);
      assert.deepEqual([...out], [...slice, ...slice.map((v) => v + 4)], `k = ${k}`);
    }
  });

  it('four quarter turns give the cube back, and k and k + 4 agree', () => {
    const s = 5;
    const x = Float32Array.from({ length: s ** 3 }, (_, i) => i);
    let a = x;
    for (let k = 0; k < 4; k++) {
      const b = new Float32Array(a.length);
      rotateInPlane(a, s, 1, b);
      a = b;
    }
    assert.deepEqual([...a], [...x]);
    const one = new Float32Array(x.length);
    const five = new Float32Array(x.length);
    rotateInPlane(x, s, 1, one);
    rotateInPlane(x, s, 5, five);
    assert.deepEqual([...one], [...five]);
  });
});

function ramp(shape: [number, number, number], mri: boolean): PretrainVolume {
  const [X, Y, Z] = shape;
  const data = new Float32Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    if (x > 3 && y > 2 && z > 1) data[x + X * (y + Y * z)] = 1 + x + 100 * y + 10000 * z;
  }
  return { data, shape, mri, box: nonzeroBox(data, shape) };
}

describe('sampleViews', () => {
  const volumes = [ramp([20, 18, 16], true), ramp([20, 18, 16], false)];
  const roi = 8;
  const n = roi ** 3;

  it('finds the non-zero box', () => {
    assert.deepEqual(nonzeroBox(volumes[0]!.data, volumes[0]!.shape), { min: [4, 3, 2], max: [19, 17, 15] });
  });

  it('gives two views of the same sub-volume, each target the turned crop and each view the target outside its cut-outs', () => {
    const batch = sampleViews(volumes, 2, roi, mulberry32(7), (i) => i);
    assert.deepEqual(batch.mri, [true, false, true, false]);
    const unturned = (row: number): Float32Array => {
      const k = batch.rotation.subarray(row * 4, row * 4 + 4).indexOf(1);
      assert.ok(k >= 0 && batch.rotation.subarray(row * 4, row * 4 + 4).reduce((a, b) => a + b, 0) === 1, `row ${row} is one-hot`);
      const back = new Float32Array(n);
      rotateInPlane(batch.target.subarray(row * n, (row + 1) * n), roi, 4 - k, back);
      return back;
    };
    for (const i of [0, 1]) {
      const a = unturned(i);
      assert.deepEqual([...a], [...unturned(i + 2)], `both views of sub-volume ${i} come from one crop`);
      // A crop of the ramp: along x consecutive non-zero values differ by exactly 1 (it is not shuffled).
      let steps = 0;
      for (let v = 0; v + 1 < n; v++) if ((v + 1) % roi !== 0 && a[v]! > 0 && a[v + 1]! > 0) { assert.equal(a[v + 1]! - a[v]!, 1); steps++; }
      assert.ok(steps > 0);
    }
    for (let row = 0; row < 4; row++) {
      const view = batch.image.subarray(row * n, (row + 1) * n);
      const target = batch.target.subarray(row * n, (row + 1) * n);
      let changed = 0;
      for (let v = 0; v < n; v++) if (view[v] !== target[v]) changed++;
      // Cut-outs stop once 30 % is reached, so at most 30 % plus one box of (roi/4)³.
      assert.ok(changed > 0 && changed <= 0.3 * n + (roi / 4) ** 3, `row ${row}: ${changed} of ${n} voxels cut out`);
    }
  });

  it('is deterministic for a seed and differs for another', () => {
    const a = sampleViews(volumes, 2, roi, mulberry32(3), (i) => i % 2);
    const b = sampleViews(volumes, 2, roi, mulberry32(3), (i) => i % 2);
    const c = sampleViews(volumes, 2, roi, mulberry32(4), (i) => i % 2);
    assert.deepEqual([...a.image], [...b.image]);
    assert.notDeepEqual([...a.image], [...c.image]);
  });
});
