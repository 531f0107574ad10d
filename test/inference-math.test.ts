// The inference arithmetic against independent references: MONAI's window geometry, importance map and blend
// transcribed in test/fixtures/inference/make_window_reference.py, nibabel-checked reorientVoxels for the strided
// views, and straightforward loops written here for normalisation, foreground boxes and label heads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  argmaxLabelMap, bratsLabelMap, cOrderView, foregroundBox, gaussianImportanceMap, InferenceCancelledError, niftiView,
  normalizeNonzeroPerChannel, planSlidingWindow, sigmoidInPlace, slidingWindowInference, softmaxChannelsInPlace,
  spatialSize, subView, viewToCOrder, type VolumeView, type WindowRunner,
} from '../src/core/inference';
import { invertReorientation, reorientVoxels, type Reorientation } from '../src/core/nifti';
import { readNpyFile } from '../src/core/npy';
import { assertClose } from './helpers/approx';
import {
  cOrderToNifti, niftiToCOrder, PERMUTATIONS, planFor, readViewNaively, type Shape3,
} from './helpers/layouts';

const fixtures = join(import.meta.dirname, 'fixtures', 'inference');

interface Reference {
  plans: { shape: Shape3; roi: Shape3; overlap: number; padBefore: Shape3; padAfter: Shape3; paddedShape: Shape3; interval: Shape3; starts: Shape3[] }[];
  importance: { roi: Shape3; sigmaScale: number; file: string }[];
  blends: { x: string; y: string; roi: Shape3; overlap: number; sigmaScale: number; windows: number }[];
  normalize: { x: string; y: string; channels: number; voxels: number; stats: { mean: number; std: number; count: number }[] };
  model: { channelWeights: number[]; a: number[]; b: number[]; e: number[] };
}
const reference = JSON.parse(readFileSync(join(fixtures, 'reference.json'), 'utf8')) as Reference;

async function readFloat32(name: string): Promise<{ shape: number[]; data: Float32Array }> {
  const array = await readNpyFile(join(fixtures, name));
  assert.equal(array.dtype, 'float32', `${name}: dtype`);
  return { shape: array.shape, data: array.data as Float32Array };
}

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance * Math.max(1, Math.abs(expected[i]!)))) {
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (±${tolerance})`);
    }
  }
}

/** The fixture script's toy model, for one (1, C, rd, rh, rw) window. */
function toyModel(channels: number, roi: Shape3): WindowRunner {
  const { channelWeights, a, b, e } = reference.model;
  const [rd, rh, rw] = roi;
  const voxels = rd * rh * rw;
  return async (window) => {
    const s = new Float64Array(voxels);
    for (let c = 0; c < channels; c++) for (let v = 0; v < voxels; v++) s[v] = s[v]! + channelWeights[c]! * window[c * voxels + v]!;
    const mean = s.reduce((acc, x) => acc + x, 0) / voxels;
    const out = new Float32Array(a.length * voxels);
    for (let k = 0; k < a.length; k++) for (let d = 0; d < rd; d++) for (let h = 0; h < rh; h++) for (let w = 0; w < rw; w++) {
      const v = (d * rh + h) * rw + w;
      const rampD = (d - (rd - 1) / 2) / rd;
      const rampW = (w - (rw - 1) / 2) / rw;
      out[k * voxels + v] = Math.tanh(a[k]! * s[v]! + b[k]! * mean + e[k]! * rampD * (1 + k * rampW));
    }
    return out;
  };
}

/** Stores a model-order C-order volume so that niftiView(stored, plan.sourceShape, channels, plan) shows it. */
function storeFor(plan: Reorientation, modelData: Float32Array, channels: number, modelShape: Shape3): Float32Array {
  return reorientVoxels(cOrderToNifti(modelData, channels, modelShape), invertReorientation(plan), channels);
}

/** Reads a volume stored in the plan's source layout back in model order, C order. */
function readBack(plan: Reorientation, stored: Float32Array, channels: number, modelShape: Shape3): Float32Array {
  return niftiToCOrder(reorientVoxels(stored, plan, channels), channels, modelShape);
}

describe('sliding window geometry matches MONAI', () => {
  for (const p of reference.plans) {
    it(`image ${p.shape} roi ${p.roi} overlap ${p.overlap}: ${p.starts.length} windows`, () => {
      const plan = planSlidingWindow(p.shape, p.roi, p.overlap);
      assert.deepEqual(plan.padBefore, p.padBefore);
      assert.deepEqual(plan.padAfter, p.padAfter);
      assert.deepEqual(plan.paddedShape, p.paddedShape);
      assert.deepEqual(plan.interval, p.interval);
      assert.deepEqual(plan.starts, p.starts);
    });
  }

  for (const m of reference.importance) {
    it(`gaussian importance map ${m.roi.join('×')} sigma ${m.sigmaScale}`, async () => {
      const expected = await readFloat32(m.file);
      assert.deepEqual(expected.shape, m.roi);
      const map = gaussianImportanceMap(m.roi, m.sigmaScale);
      assert.equal(map.length, expected.data.length);
      for (let i = 0; i < map.length; i++) {
        assert.ok(Math.abs(map[i]! - expected.data[i]!) <= 1e-7, `importance[${i}]: got ${map[i]}, expected ${expected.data[i]}`);
      }
    });
  }

  it('refuses overlaps outside [0, 1) and non-positive rois', () => {
    for (const overlap of [1, 1.5, -0.1, Number.NaN]) {
      assert.throws(() => planSlidingWindow([10, 10, 10], [4, 4, 4], overlap), new RegExp(`overlap is ${overlap}`));
    }
    assert.throws(() => planSlidingWindow([10, 10, 10], [4, 0, 4], 0.5), /roi axis 1 is 0/);
    assert.throws(() => planSlidingWindow([10, 10, 10], [4, 2.5, 4], 0.5), /roi axis 1 is 2.5/);
    assert.throws(() => planSlidingWindow([10, 0, 10], [4, 4, 4], 0.5), /image axis 1 is 0/);
    assert.throws(() => gaussianImportanceMap([4, 4, 4], 0), /sigma scale is 0/);
  });
});

describe('sliding window blend matches MONAI', () => {
  for (const [n, b] of reference.blends.entries()) {
    it(`case ${n}: roi ${b.roi} overlap ${b.overlap}, C order and NIfTI layouts`, async () => {
      const x = await readFloat32(b.x);
      const y = await readFloat32(b.y);
      const [channels, ...spatial] = x.shape as [number, number, number, number];
      const outChannels = y.shape[0]!;
      const modelShape = spatial as Shape3;
      const options = { roi: b.roi, overlap: b.overlap, sigmaScale: b.sigmaScale };

      const output = new Float32Array(y.data.length);
      const result = await slidingWindowInference(
        cOrderView(x.data, x.shape as [number, number, number, number]), outChannels, toyModel(channels, b.roi),
        cOrderView(output, y.shape as [number, number, number, number]), options);
      assert.equal(result.windows, b.windows);
      assertAllClose(output, y.data, 1e-5, 'C-order output');

      // The same scan stored as NIfTI in another orientation, read and written through reorienting views.
      const inPlan = planFor(modelShape, [2, 0, 1], 0b101);
      const outPlan = planFor(modelShape, [1, 2, 0], 0b010);
      const stored = storeFor(inPlan, x.data, channels, modelShape);
      const storedOut = new Float32Array(y.data.length).fill(Number.NaN);
      await slidingWindowInference(
        niftiView(stored, inPlan.sourceShape, channels, inPlan), outChannels, toyModel(channels, b.roi),
        niftiView(storedOut, outPlan.sourceShape, outChannels, outPlan), options);
      assertAllClose(readBack(outPlan, storedOut, outChannels, modelShape), y.data, 1e-5, 'reoriented NIfTI output');
    });
  }
});

describe('strided views', () => {
  it('a NIfTI view with any of the 48 reorientations shows what reorientVoxels stores, in C order', () => {
    fc.assert(fc.property(
      fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
      fc.integer({ min: 1, max: 3 }),
      (sourceShape, channels) => {
        const data = Float32Array.from({ length: channels * sourceShape[0] * sourceShape[1] * sourceShape[2] }, (_, i) => i * 3 + 1);
        let layouts = 0;
        for (const perm of PERMUTATIONS) {
          for (let flips = 0; flips < 8; flips++) {
            const modelShape = perm.map((s) => sourceShape[s]!) as Shape3;
            const plan = planFor(modelShape, perm, flips);
            assert.deepEqual(plan.sourceShape, sourceShape);
            const view = niftiView(data, sourceShape, channels, plan);
            assert.deepEqual(view.shape, [channels, ...modelShape]);
            const expected = Array.from(niftiToCOrder(reorientVoxels(data, plan, channels), channels, modelShape));
            assert.deepEqual(readViewNaively(view), expected, `perm ${perm} flips ${flips}`);
            assert.deepEqual(Array.from(viewToCOrder(view)), expected, `viewToCOrder, perm ${perm} flips ${flips}`);
            layouts++;
          }
        }
        assert.equal(layouts, 48);
      },
    ), { numRuns: 40 });
  });

  it('a NIfTI view without a plan is (C, X, Y, Z); a C-order view is numpy order; subView is a block of either', () => {
    const channels = 2;
    const shape: Shape3 = [4, 3, 5];
    const cData = Float32Array.from({ length: 120 }, (_, i) => i);
    const niftiData = cOrderToNifti(cData, channels, shape);
    for (const view of [cOrderView(cData, [channels, ...shape]), niftiView(niftiData, shape, channels)]) {
      assert.deepEqual(readViewNaively(view), Array.from(cData));
      assert.equal(spatialSize(view), 60);
      const block = subView(view, [1, 0, 2], [2, 3, 2]);
      const expected: number[] = [];
      for (let c = 0; c < 2; c++) for (let d = 1; d < 3; d++) for (let h = 0; h < 3; h++) for (let w = 2; w < 4; w++) {
        expected.push(cData[((c * 4 + d) * 3 + h) * 5 + w]!);
      }
      assert.deepEqual(readViewNaively(block), expected);
      assert.throws(() => subView(view, [3, 0, 0], [2, 1, 1]), /axis 0 block 3\.\.4 \(size 2\) lies outside 0\.\.3/);
    }
    assert.throws(() => cOrderView(cData, [2, 4, 3, 4]), /120 values do not fill a \(2, 4, 3, 4\) array of 96/);
    assert.throws(() => niftiView(niftiData, shape, 3), /120 values do not fill 3 channel\(s\) of 4×3×5/);
    assert.throws(() => niftiView(niftiData, shape, 2, planFor([3, 4, 5], [0, 1, 2], 0)),
      /plan is for 3×4×5 voxels, the data has 4×3×5/);
  });
});

/** Sizes of (d, h, w) for the image and the roi; `.map` so each axis can have its own range. */
const sizes = (max: Shape3) => fc.tuple(...max.map((m) => fc.integer({ min: 1, max: m })) as [fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<number>]);

function pointwiseBlendProperty(maxShape: Shape3, maxRoi: Shape3) {
  return fc.asyncProperty(
    fc.record({
      shape: sizes(maxShape),
      roi: sizes(maxRoi),
      overlap: fc.constantFrom(0, 0.25, 0.5, 0.6, 0.75, 0.9),
      sigmaScale: fc.constantFrom(0.125, 0.3, 0.05),
      channels: fc.integer({ min: 1, max: 3 }),
      outChannels: fc.integer({ min: 1, max: 3 }),
      inLayout: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 7 })),
      outLayout: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 7 })),
      seed: fc.integer({ min: 0, max: 1000 }),
    }),
    async (t) => {
      const modelShape = t.shape as Shape3;
      const voxels = modelShape[0] * modelShape[1] * modelShape[2];
      // Small integers keep f exact in float32, so only the blend's own rounding is left.
      const modelIn = Float32Array.from({ length: t.channels * voxels }, (_, i) => ((i * 7919 + t.seed) % 23) - 11);
      const f = (k: number, values: (c: number) => number): number => {
        let acc = k;
        for (let c = 0; c < t.channels; c++) acc += (c + 1 + 2 * k) * values(c);
        return acc;
      };
      const expected = new Float32Array(t.outChannels * voxels);
      for (let k = 0; k < t.outChannels; k++) for (let v = 0; v < voxels; v++) expected[k * voxels + v] = f(k, (c) => modelIn[c * voxels + v]!);

      // Layout 6 is plain C order; 0..5 pick an axis permutation of a NIfTI array, with the flip bits.
      let input: VolumeView;
      if (t.inLayout[0] === 6) input = cOrderView(modelIn, [t.channels, ...modelShape]);
      else {
        const plan = planFor(modelShape, PERMUTATIONS[t.inLayout[0]]!, t.inLayout[1]);
        input = niftiView(storeFor(plan, modelIn, t.channels, modelShape), plan.sourceShape, t.channels, plan);
      }
      const outData = new Float32Array(t.outChannels * voxels).fill(Number.NaN);
      const outPlan = t.outLayout[0] === 6 ? null : planFor(modelShape, PERMUTATIONS[t.outLayout[0]]!, t.outLayout[1]);
      const output = outPlan
        ? niftiView(outData, outPlan.sourceShape, t.outChannels, outPlan)
        : cOrderView(outData, [t.outChannels, ...modelShape]);

      const roiVoxels = t.roi[0] * t.roi[1] * t.roi[2];
      const pointwise: WindowRunner = async (window) => {
        const out = new Float32Array(t.outChannels * roiVoxels);
        for (let k = 0; k < t.outChannels; k++) for (let v = 0; v < roiVoxels; v++) out[k * roiVoxels + v] = f(k, (c) => window[c * roiVoxels + v]!);
        return out;
      };
      await slidingWindowInference(input, t.outChannels, pointwise, output,
        { roi: t.roi, overlap: t.overlap, sigmaScale: t.sigmaScale });
      const got = outPlan ? readBack(outPlan, outData, t.outChannels, modelShape) : outData;
      assertAllClose(got, expected, 1e-5, 'blended pointwise output');
    },
  );
}

describe('sliding window reads and writes every layout', () => {
  it('a pointwise model comes back unchanged through the blend, whatever the layouts and orientations', async () => {
    await fc.assert(pointwiseBlendProperty([9, 9, 9], [7, 7, 7]), { numRuns: 150 });
  });

  it('the same with rows long enough to be walked in several tiles', async () => {
    await fc.assert(pointwiseBlendProperty([12, 6, 70], [9, 4, 40]), { numRuns: 30 });
  });

  it('windows hanging over the padding read zeros there', async () => {
    // A 2×1×1 image under a 4×3×3 roi: the window's centre column holds the image, everything else is padding.
    const seen: Float32Array[] = [];
    const output = new Float32Array(2);
    await slidingWindowInference(cOrderView(Float32Array.of(5, 7), [1, 2, 1, 1]), 1, async (w) => {
      seen.push(w.slice());
      return w.slice();
    }, cOrderView(output, [1, 2, 1, 1]), { roi: [4, 3, 3], overlap: 0.5 });
    assert.equal(seen.length, 1);
    const expected = new Float32Array(36);
    expected[(1 * 3 + 1) * 3 + 1] = 5; // padBefore is (1, 1, 1)
    expected[(2 * 3 + 1) * 3 + 1] = 7;
    assert.deepEqual(seen[0], expected);
    assertAllClose(output, [5, 7], 1e-6, 'cropped output');
  });
});

describe('sliding window control', () => {
  const input = cOrderView(Float32Array.from({ length: 2 * 6 * 6 * 6 }, (_, i) => i % 5), [2, 6, 6, 6]);
  const options = { roi: [4, 4, 4] as [number, number, number], overlap: 0.5 };
  const total = planSlidingWindow([6, 6, 6], options.roi, options.overlap).starts.length;
  const identityish: WindowRunner = async (w) => w.slice(0, 64);

  it('reports progress before the first window and after each one', async () => {
    const calls: [number, number][] = [];
    const result = await slidingWindowInference(input, 1, identityish, cOrderView(new Float32Array(216), [1, 6, 6, 6]),
      { ...options, onWindow: (done, of) => calls.push([done, of]) });
    assert.equal(total, 8);
    assert.equal(result.windows, total);
    assert.deepEqual(calls, Array.from({ length: total + 1 }, (_, i) => [i, total]));
  });

  for (const after of [0, 3]) {
    it(`cancellation after ${after} windows throws InferenceCancelledError with the counts`, async () => {
      let runs = 0;
      const outData = new Float32Array(216).fill(42);
      await assert.rejects(
        slidingWindowInference(input, 1, async (w) => { runs++; return w.slice(0, 64); }, cOrderView(outData, [1, 6, 6, 6]),
          { ...options, isCancelled: () => runs >= after }),
        (err: unknown) => {
          assert.ok(err instanceof InferenceCancelledError, `expected InferenceCancelledError, got ${String(err)}`);
          assert.equal(err.name, 'InferenceCancelledError');
          assert.equal(err.windowsDone, after);
          assert.equal(err.windowsTotal, total);
          assert.equal(err.message, `inference cancelled after ${after} of ${total} windows`);
          return true;
        });
      assert.equal(runs, after);
      if (after === 0) assert.ok(outData.every((v) => v === 42), 'a run cancelled before any window leaves the output alone');
    });
  }

  it('refuses a model output of the wrong size, naming both sizes', async () => {
    await assert.rejects(
      slidingWindowInference(input, 2, async (w) => w.slice(0, 64), cOrderView(new Float32Array(432), [2, 6, 6, 6]), options),
      /returned 64 values for window 1 of 8, expected 128 \(2 channels × 4×4×4\)/);
  });

  it('refuses an output view that does not match the input grid', async () => {
    await assert.rejects(
      slidingWindowInference(input, 1, identityish, cOrderView(new Float32Array(180), [1, 6, 6, 5]), options),
      /output view is \(1, 6, 6, 5\), it must be \(1, 6, 6, 6\)/);
    await assert.rejects(
      slidingWindowInference(input, 2, identityish, cOrderView(new Float32Array(216), [1, 6, 6, 6]), options),
      /it must be \(2, 6, 6, 6\)/);
    const bad: VolumeView = { data: new Float32Array(216), shape: [1, 6, 6, 6], strides: [216, 36, 6, 2], offset: 0 };
    await assert.rejects(slidingWindowInference(input, 1, identityish, bad, options), /reaches elements 0\.\.220 of an array of 216/);
  });
});

describe('normalisation over non-zero voxels', () => {
  it('matches numpy (float64) on mixed, constant and empty channels', async () => {
    const ref = reference.normalize;
    const x = await readFloat32(ref.x);
    const y = await readFloat32(ref.y);
    const data = x.data.slice();
    const stats = normalizeNonzeroPerChannel(data, ref.channels, ref.voxels);
    assertAllClose(data, y.data, 1e-6, 'normalised voxels');
    stats.forEach((s, c) => {
      const e = ref.stats[c]!;
      assert.equal(s.count, e.count, `channel ${c} count`);
      assertClose(s.mean, e.mean, 1e-12, `channel ${c} mean`);
      assertClose(s.std, e.std, 1e-12, `channel ${c} std`);
    });
    assert.ok(data.subarray(3 * ref.voxels).every((v) => v === 0), 'the empty channel stays zero');
  });

  it('matches a direct float64 reference on random data', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 200 }),
      fc.array(fc.oneof(fc.constant(0), fc.float({ min: -1e4, max: 1e4, noNaN: true })), { minLength: 800, maxLength: 800 }),
      (channels, voxels, pool) => {
        const data = Float32Array.from({ length: channels * voxels }, (_, i) => pool[i % pool.length]!);
        const original = data.slice();
        const stats = normalizeNonzeroPerChannel(data, channels, voxels);
        for (let c = 0; c < channels; c++) {
          const values = Array.from(original.subarray(c * voxels, (c + 1) * voxels));
          const nonzero = values.filter((v) => v !== 0);
          const mean = nonzero.length ? nonzero.reduce((a, b) => a + b, 0) / nonzero.length : 0;
          const std = nonzero.length ? Math.sqrt(nonzero.reduce((a, b) => a + (b - mean) ** 2, 0) / nonzero.length) : 0;
          assert.equal(stats[c]!.count, nonzero.length);
          assertClose(stats[c]!.mean, mean, 1e-9, `channel ${c} mean`);
          assertClose(stats[c]!.std, std, 1e-9, `channel ${c} std`);
          values.forEach((v, i) => {
            const got = data[c * voxels + i]!;
            if (v === 0) assert.equal(got, v, `channel ${c} voxel ${i} is zero and must stay as it was`);
            // Relative to the spread: a value near the mean loses digits to cancellation in any float32 result.
            else assert.ok(Math.abs(got - (v - mean) / (std || 1)) <= 1e-5 * Math.max(1, Math.abs(v) / (std || 1)), `channel ${c} voxel ${i}`);
          });
        }
      },
    ), { numRuns: 100 });
  });

  it('refuses data that does not fill the channels', () => {
    assert.throws(() => normalizeNonzeroPerChannel(new Float32Array(10), 3, 4), /10 values do not fill 3 channel\(s\) of 4 voxels/);
  });
});

describe('foreground box', () => {
  it('is the brute-force box of non-zero voxels, grown and clipped, in every layout', () => {
    fc.assert(fc.property(
      fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })),
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 7 }),
      fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
      (modelShape, channels, margin, perm, flips, picks) => {
        const voxels = modelShape[0] * modelShape[1] * modelShape[2];
        const modelData = new Float32Array(channels * voxels);
        for (const p of picks) modelData[p % modelData.length] = (p % 3) + 0.5;
        const view = perm === 6 ? cOrderView(modelData, [channels, ...modelShape]) : (() => {
          const plan = planFor(modelShape, PERMUTATIONS[perm]!, flips);
          return niftiView(storeFor(plan, modelData, channels, modelShape), plan.sourceShape, channels, plan);
        })();
        const low = [Infinity, Infinity, Infinity];
        const high = [-Infinity, -Infinity, -Infinity];
        modelData.forEach((v, i) => {
          if (v === 0) return;
          const at = [Math.floor(i / (modelShape[1] * modelShape[2])) % modelShape[0], Math.floor(i / modelShape[2]) % modelShape[1], i % modelShape[2]];
          at.forEach((x, k) => { low[k] = Math.min(low[k]!, x); high[k] = Math.max(high[k]!, x); });
        });
        const box = foregroundBox(view, margin);
        if (low[0] === Infinity) return assert.equal(box, null);
        const start = low.map((l) => Math.max(0, l - margin));
        const end = high.map((h, k) => Math.min(modelShape[k]! - 1, h + margin));
        assert.deepEqual(box, { start, size: end.map((e, k) => e - start[k]! + 1) });
      },
    ), { numRuns: 200 });
  });

  it('reads uint8 masks and refuses a negative margin', () => {
    const mask = new Uint8Array(4 * 5 * 6);
    mask[(2 * 5 + 3) * 6 + 1] = 1;
    assert.deepEqual(foregroundBox(cOrderView(mask, [1, 4, 5, 6]), 1), { start: [1, 2, 0], size: [3, 3, 3] });
    assert.throws(() => foregroundBox(cOrderView(mask, [1, 4, 5, 6]), -1), /margin -1 must be a non-negative integer/);
  });
});

describe('output heads', () => {
  it('sigmoid and softmax', () => {
    const logits = Float32Array.of(0, 2, -3, 40, -40);
    sigmoidInPlace(logits);
    [0, 2, -3, 40, -40].forEach((x, i) => assertClose(logits[i]!, 1 / (1 + Math.exp(-x)), 1e-7, `sigmoid(${x})`));

    // Three classes over two voxels, channel-major; the second voxel's logits would overflow exp unshifted.
    const data = Float32Array.of(1, 1000, 2, 1001, 3, 999);
    softmaxChannelsInPlace(data, 3, 2);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertAllClose([data[0]!, data[2]!, data[4]!], [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z], 1e-6, 'voxel 0');
    const z2 = Math.exp(0) + Math.exp(1) + Math.exp(-1);
    assertAllClose([data[1]!, data[3]!, data[5]!], [1 / z2, Math.exp(1) / z2, Math.exp(-1) / z2], 1e-6, 'voxel 1');
    assert.throws(() => softmaxChannelsInPlace(new Float32Array(5), 3, 2), /5 values do not fill 3 channel\(s\) of 2 voxels/);
  });

  it('BraTS regions to labels: ET wins, then TC, then WT', () => {
    // Each row: TC, WT, ET probabilities → label with ET 4, TC 1, WT 2.
    const cases: [number, number, number, number][] = [
      [0.1, 0.2, 0.3, 0], [0.1, 0.9, 0.2, 2], [0.8, 0.9, 0.2, 1], [0.8, 0.9, 0.7, 4],
      [0.1, 0.2, 0.6, 4], // ET without TC or WT is still ET
      [0.7, 0.1, 0.1, 1], // TC without WT is still TC
      [0.5, 0.4, 0.4, 1], // the threshold itself counts, as MONAI's AsDiscrete(threshold) does
      [0.49999, 0.5, 0.2, 2],
      [0.2, 0.3, 0.5, 4],
    ];
    const v = cases.length;
    const probs = new Float32Array(3 * v);
    cases.forEach(([tc, wt, et], i) => { probs[i] = tc; probs[v + i] = wt; probs[2 * v + i] = et; });
    const labels = bratsLabelMap(probs, v, { threshold: 0.5, labelMap: { ET: 4, TC: 1, WT: 2 } });
    assert.deepEqual(Array.from(labels), cases.map((c) => c[3]));
    const brats2023 = bratsLabelMap(probs, v, { threshold: 0.5, labelMap: { ET: 3, TC: 1, WT: 2 } });
    assert.deepEqual(Array.from(brats2023), cases.map((c) => (c[3] === 4 ? 3 : c[3])));
    assert.throws(() => bratsLabelMap(probs, v, { threshold: 0.5, labelMap: { ET: 256, TC: 1, WT: 2 } }), /ET is 256/);
    assert.throws(() => bratsLabelMap(probs.subarray(1), v, { threshold: 0.5, labelMap: { ET: 4, TC: 1, WT: 2 } }), /do not fill 3 channel/);
  });

  it('argmax to labels: first class on ties, unlisted classes are background', () => {
    // Three classes over four voxels.
    const probs = Float32Array.of(
      0.1, 0.5, 0.2, 0.3,
      0.7, 0.5, 0.1, 0.3,
      0.2, 0.0, 0.7, 0.4,
    );
    const classes = [{ index: 0, label: 0 }, { index: 1, label: 5 }, { index: 2, label: 9 }];
    assert.deepEqual(Array.from(argmaxLabelMap(probs, 3, 4, classes)), [5, 0, 9, 9]);
    assert.deepEqual(Array.from(argmaxLabelMap(probs, 3, 4, [{ index: 1, label: 5 }])), [5, 0, 0, 0]);
    assert.throws(() => argmaxLabelMap(probs, 3, 4, [{ index: 3, label: 1 }]), /class index 3 is outside the model's 3 channels/);
  });
});
