// Training patches: deterministic sampling, the positive/negative balance, crops equal to direct indexing, flips,
// corrections, and the targets the losses take.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelInfo } from '../src/core/models/model-card';
import { cOrderView, type Vec3 } from '../src/core/inference/volume-view';
import { cropPatch, flipPatch } from '../src/core/training/patch-crop';
import { patchBatch, samplePatches, type TrainingPatch } from '../src/core/training/patches';
import { bratsTargets, oneHotTargets } from '../src/core/training/targets';

const [C, D, H, W] = [2, 20, 18, 16];
const V = D * H * W;
const idx = (d: number, h: number, w: number): number => (d * H + h) * W + w;

/** A case: an ellipsoid "head" of non-zero intensities, a small lesion labelled 1, 2 and 4, zeros outside. */
function makeCase(): { image: Float32Array; mask: Uint8Array } {
  const image = new Float32Array(C * V);
  const mask = new Uint8Array(V);
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const inside = ((d - 10) / 9) ** 2 + ((h - 9) / 8) ** 2 + ((w - 8) / 7) ** 2 <= 1;
        if (!inside) continue;
        const v = idx(d, h, w);
        image[v] = 1 + d * 0.1 - w * 0.05;
        image[V + v] = -0.5 + h * 0.01 + d * 0.02; // negative values count as inside too
        if (d >= 5 && d < 11 && h >= 4 && h < 9 && w >= 6 && w < 10) mask[v] = w < 7 ? 2 : d < 8 ? 1 : 4;
      }
    }
  }
  return { image, mask };
}

const { image, mask } = makeCase();
const imageView = cOrderView(image, [C, D, H, W]);
const maskView = cOrderView(mask, [1, D, H, W]);

/** What a patch at `start` must hold, read voxel by voxel from the flat arrays (no views, no strides). */
function expectedCrop(start: Vec3, size: Vec3): { image: Float32Array; labels: Uint8Array; valid: Uint8Array } {
  const n = size[0] * size[1] * size[2];
  const out = { image: new Float32Array(C * n), labels: new Uint8Array(n), valid: new Uint8Array(n) };
  let i = 0;
  for (let d = 0; d < size[0]; d++) {
    for (let h = 0; h < size[1]; h++) {
      for (let w = 0; w < size[2]; w++, i++) {
        const [z, y, x] = [start[0] + d, start[1] + h, start[2] + w];
        if (z < 0 || y < 0 || x < 0 || z >= D || y >= H || x >= W) continue;
        out.labels[i] = mask[idx(z, y, x)]!;
        out.valid[i] = 1;
        for (let c = 0; c < C; c++) out.image[c * n + i] = image[c * V + idx(z, y, x)]!;
      }
    }
  }
  return out;
}

describe('patch sampling', () => {
  it('is deterministic for a seed, and different seeds give different patches', () => {
    const options = { count: 12, roi: 8, seed: 42 };
    const a = samplePatches(imageView, maskView, options);
    const b = samplePatches(imageView, maskView, options);
    assert.deepEqual(a, b);
    const c = samplePatches(imageView, maskView, { ...options, seed: 43 });
    assert.notDeepEqual(a.map((p) => p.centre), c.map((p) => p.centre));
  });

  it('keeps the requested positive ratio, centring positives on labels and negatives on unlabelled image voxels', () => {
    for (const ratio of [0.3, 0.75]) {
      const patches = samplePatches(imageView, maskView, { count: 3000, roi: 6, seed: 7, positiveRatio: ratio, augment: false });
      const positive = patches.filter((p) => p.kind === 'positive').length / patches.length;
      // 3000 draws: the standard error is under 0.01, so 0.035 is beyond 3.5 σ.
      assert.ok(Math.abs(positive - ratio) < 0.035, `ratio ${ratio}: ${positive} of patches are positive`);
      for (const p of patches) {
        const v = idx(...p.centre);
        if (p.kind === 'positive') assert.notEqual(mask[v], 0, `positive centre ${p.centre} is labelled`);
        else {
          assert.equal(p.kind, 'negative');
          assert.equal(mask[v], 0, `negative centre ${p.centre} is unlabelled`);
          assert.ok(image[v] !== 0 || image[V + v] !== 0, `negative centre ${p.centre} is inside the image`);
        }
      }
    }
  });

  it('crops exactly what direct indexing reads, padding with zeros where the patch leaves the volume', () => {
    const sizes: Vec3[] = [[8, 8, 8], [5, 24, 7], [30, 3, 20]];
    for (const size of sizes) {
      const patches = samplePatches(imageView, maskView, { count: 40, roi: size, seed: 3, augment: false });
      for (const p of patches) {
        const e = expectedCrop(p.start, size);
        assert.deepEqual(p.labels, e.labels, `labels of the patch at ${p.start}`);
        assert.deepEqual(p.valid, e.valid, `valid of the patch at ${p.start}`);
        assert.deepEqual(p.image, e.image, `image of the patch at ${p.start}`);
        size.forEach((s, k) => {
          const n = [D, H, W][k]!;
          if (n >= s) assert.ok(p.start[k]! >= 0 && p.start[k]! + s <= n, `axis ${k}: patch ${p.start[k]}+${s} inside 0..${n}`);
          else assert.equal(p.start[k], -Math.floor((s - n) / 2), `axis ${k}: the volume is centred in a larger patch`);
        });
      }
    }
  });

  it('reads any layout a view describes: a permuted, flipped view gives the crop of the permuted volume', () => {
    // The same case stored with axes (w, h, d) reversed on d: view it back as (d, h, w).
    const stored = new Float32Array(C * V);
    const storedMask = new Uint8Array(V);
    for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
      const s = (w * H + h) * D + (D - 1 - d);
      storedMask[s] = mask[idx(d, h, w)]!;
      for (let c = 0; c < C; c++) stored[c * V + s] = image[c * V + idx(d, h, w)]!;
    }
    const view = { data: stored, shape: [C, D, H, W] as const, strides: [V, -1, D, H * D] as const, offset: D - 1 };
    const maskView2 = { data: storedMask, shape: [1, D, H, W] as const, strides: [V, -1, D, H * D] as const, offset: D - 1 };
    const crop = cropPatch(view, maskView2, [-2, 3, 9], [8, 8, 8]);
    const e = expectedCrop([-2, 3, 9], [8, 8, 8]);
    assert.deepEqual(crop.labels, e.labels);
    assert.deepEqual(crop.image, e.image);
  });

  it('augments: flips are involutions that move image and labels together; intensities scale and shift per channel', () => {
    const patches = samplePatches(imageView, maskView, { count: 30, roi: [8, 6, 10], seed: 11 });
    assert.ok(patches.some((p) => p.flipped.some(Boolean)) && patches.some((p) => !p.flipped[0]), 'flips vary');
    for (const p of patches) {
      const unflipped = flipPatch(p, p.flipped);
      const e = expectedCrop(p.start, p.size);
      assert.deepEqual(unflipped.labels, e.labels, `labels of the patch at ${p.start}, flips ${p.flipped}`);
      assert.deepEqual(unflipped.valid, e.valid);
      const n = e.labels.length;
      for (let c = 0; c < C; c++) {
        assert.ok(Math.abs(p.scales[c]! - 1) <= 0.1 && Math.abs(p.shifts[c]!) <= 0.1, `channel ${c} scale ${p.scales[c]} shift ${p.shifts[c]}`);
        for (let i = 0; i < n; i++) {
          const want = e.image[c * n + i]! * p.scales[c]! + p.shifts[c]!;
          assert.ok(Math.abs(unflipped.image[c * n + i]! - want) < 1e-6, `channel ${c} voxel ${i}: ${unflipped.image[c * n + i]} vs ${want}`);
        }
      }
    }
  });

  it('flipPatch twice is the identity, and an image equal to its labels stays equal to them', () => {
    const crop = cropPatch(imageView, maskView, [4, 3, 5], [7, 6, 5]);
    const mirror = { ...crop, image: Float32Array.from(crop.labels), channels: 1 };
    for (const flips of [[true, false, false], [false, true, true], [true, true, true]] as [boolean, boolean, boolean][]) {
      assert.deepEqual(flipPatch(flipPatch(crop, flips), flips), crop);
      const once = flipPatch(mirror, flips);
      assert.notDeepEqual(once.labels, mirror.labels, `flips ${flips} change this asymmetric patch`);
      assert.deepEqual(once.image, Float32Array.from(once.labels), `flips ${flips} move image and labels alike`);
    }
  });

  it('centres a share of patches near corrected voxels, each patch containing the correction', () => {
    const corrected = new Uint8Array(V);
    const fixes: Vec3[] = [[2, 9, 8], [17, 4, 12]];
    for (const f of fixes) corrected[idx(...f)] = 1;
    const roi: Vec3 = [8, 8, 8];
    const patches = samplePatches(imageView, maskView, { count: 2000, roi, seed: 5, correctedFraction: 0.4 }, cOrderView(corrected, [1, D, H, W]));
    const near = patches.filter((p) => p.kind === 'corrected');
    assert.ok(Math.abs(near.length / patches.length - 0.4) < 0.035, `${near.length} of ${patches.length} patches are at corrections`);
    for (const p of near) {
      assert.ok(fixes.some((f) => f.every((x, k) => x >= p.start[k]! && x < p.start[k]! + roi[k]!)), `patch at ${p.start} holds a correction`);
    }
    assert.ok(new Set(near.map((p) => p.start.join())).size > 4, 'jitter moves the patches around the corrections');
  });

  it('falls back to negatives without labels and to anywhere without candidates', () => {
    const empty = cOrderView(new Uint8Array(V), [1, D, H, W]);
    assert.ok(samplePatches(imageView, empty, { count: 50, roi: 6, seed: 1, positiveRatio: 1 }).every((p) => p.kind === 'negative'));
    const blank = cOrderView(new Float32Array(C * V), [C, D, H, W]);
    assert.ok(samplePatches(blank, empty, { count: 5, roi: 6, seed: 1 }).every((p) => p.kind === 'uniform'));
  });

  it('says what is wrong with its inputs', () => {
    const small = cOrderView(new Uint8Array(8), [1, 2, 2, 2]);
    assert.throws(() => samplePatches(imageView, small, { count: 1, roi: 4, seed: 0 }), /the image has 20×18×16 voxels, the label mask 2×2×2/);
    assert.throws(() => samplePatches(imageView, maskView, { count: 0, roi: 4, seed: 0 }), /count is 0/);
    assert.throws(() => samplePatches(imageView, maskView, { count: 1, roi: 4, seed: 0, positiveRatio: 1.5 }), /positiveRatio is 1.5/);
    assert.throws(() => samplePatches(imageView, maskView, { count: 1, roi: [4, 0, 4], seed: 0 }), /roi \[4,0,4\]/);
  });
});

describe('training targets', () => {
  it('makes the nested BraTS regions TC = {1, 4}, WT = {1, 2, 4}, ET = {4}', () => {
    const labels = Uint8Array.of(0, 1, 2, 4, 4, 0);
    const t = bratsTargets(labels, { ET: 4, TC: 1, WT: 2 });
    assert.deepEqual(Array.from(t.subarray(0, 6)), [0, 1, 0, 1, 1, 0], 'TC');
    assert.deepEqual(Array.from(t.subarray(6, 12)), [0, 1, 1, 1, 1, 0], 'WT');
    assert.deepEqual(Array.from(t.subarray(12, 18)), [0, 0, 0, 1, 1, 0], 'ET');
    // BraTS 2023 writes ET as 3.
    assert.deepEqual(Array.from(bratsTargets(Uint8Array.of(3, 2), { ET: 3, TC: 1, WT: 2 })), [1, 0, 1, 1, 1, 0]);
    assert.throws(() => bratsTargets(Uint8Array.of(0, 3), { ET: 4, TC: 1, WT: 2 }), /voxel 1 has label 3, which is not background \(0\) or a BraTS label \(TC 1, WT 2, ET 4\)/);
  });

  it('makes one-hot softmax targets through the card\'s classes', () => {
    const classes = [{ index: 0, label: 0, name: 'bg' }, { index: 1, label: 5, name: 'a' }, { index: 2, label: 2, name: 'b' }];
    const t = oneHotTargets(Uint8Array.of(0, 5, 2, 5), classes);
    assert.deepEqual(Array.from(t), [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
    assert.throws(() => oneHotTargets(Uint8Array.of(0, 7), classes), /voxel 1 has label 7, which no class has \(labels 0, 5, 2\)/);
  });

  it('stacks patches into the batch a training step takes, with padding weighted 0', () => {
    const patches: TrainingPatch[] = samplePatches(imageView, maskView, { count: 3, roi: [4, 24, 4], seed: 9 });
    const batch = patchBatch(patches, labelInfo('brats', 3));
    assert.deepEqual(batch.image.dims, [3, C, 4, 24, 4]);
    assert.deepEqual(batch.target.dims, [3, 3, 4, 24, 4]);
    assert.deepEqual(batch.weight.dims, [3, 1, 4, 24, 4]);
    const n = 4 * 24 * 4;
    assert.deepEqual(batch.target.data.subarray(2 * 3 * n, 2 * 3 * n + 3 * n), bratsTargets(patches[2]!.labels, { ET: 4, TC: 1, WT: 2 }));
    assert.equal(batch.weight.data.reduce((a, b) => a + b, 0), 3 * 4 * 18 * 4, 'the 6 padded rows of each patch weigh 0');
    const soft = patchBatch(patches.map((p) => ({ ...p, labels: p.labels.map((l) => (l === 4 ? 3 : l)) })), labelInfo('softmax', 4));
    assert.deepEqual(soft.target.dims, [3, 4, 4, 24, 4]);
  });
});
