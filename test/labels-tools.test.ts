// Mask-editing core (src/core/labels): every tool's voxel set against an independent brute-force definition in
// test/helpers/labels-reference.ts, bit-exact undo/redo, edit size proportional to the change, message encoding,
// incremental stats and shape-based interpolation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyEdit,
  chamferDistance,
  clearLabel,
  composeEdits,
  computeLabelStats,
  decodeEdit,
  decodeRunValues,
  disk,
  editBytes,
  editIndices,
  encodeEdit,
  encodeRunValues,
  eraseValues,
  floodFill,
  interpolateSlices,
  isEmptyEdit,
  labelVolume,
  labelVolumes,
  LabelToolError,
  removeIslands,
  revertEdit,
  setValues,
  sphere,
  updateLabelStats,
  type LabelEdit,
  type Plane,
} from '../src/core/labels';
import { coords, idx, naiveComponents, naiveEllipsoid, naiveRegion, type Vec3 } from './helpers/labels-reference';

const PLANES: Plane[] = ['axial', 'coronal', 'sagittal'];
const NORMAL: Record<Plane, number> = { axial: 2, coronal: 1, sagittal: 0 };
const runs = { numRuns: 60 };

const arbShape = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 }));
/** A shape plus a mask of a few labels (small alphabet so equal-label regions actually connect). */
const arbMaskCase = arbShape.chain((s) =>
  fc.record({
    s: fc.constant(s as Vec3),
    mask: fc.uint8Array({ minLength: s[0] * s[1] * s[2], maxLength: s[0] * s[1] * s[2], max: 3 }),
  }),
);
const arbSpacing = fc.tuple(
  fc.double({ min: 0.3, max: 3, noNaN: true }),
  fc.double({ min: 0.3, max: 3, noNaN: true }),
  fc.double({ min: 0.3, max: 3, noNaN: true }),
) as fc.Arbitrary<Vec3>;

describe('label edits: run-length encoding and messages', () => {
  it('RunValues round-trips any byte sequence and merges equal neighbours', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, max: 4 }), (values) => {
        const rv = encodeRunValues(values);
        assert.deepEqual(decodeRunValues(rv), values);
        for (let k = 1; k < rv.values.length; k++) assert.notEqual(rv.values[k], rv.values[k - 1]);
      }),
    );
  });

  it('encodeEdit / decodeEdit round-trip through ArrayBuffers only and survive structuredClone', () => {
    fc.assert(
      fc.property(arbMaskCase, fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: 0, max: 5 }), ({ s, mask }, picks, value) => {
        const indices = picks.map((p) => p % mask.length);
        const edit = setValues(mask, indices, value);
        const msg = encodeEdit(edit);
        for (const [k, v] of Object.entries(msg)) if (k !== 'count') assert.ok(v instanceof ArrayBuffer, k);
        const back = decodeEdit(structuredClone(msg));
        assert.deepEqual(back, edit);
        assert.equal(s.length, 3);
      }),
      runs,
    );
  });

  it('decodeEdit refuses overlapping runs and miscounted values, naming the problem', () => {
    const mask = new Uint8Array(100);
    const msg = encodeEdit(setValues(mask, [3, 4, 10], 2));
    assert.throws(() => decodeEdit({ ...msg, count: 4 }), /runs cover 3 voxels, message says 4/);
    assert.throws(() => decodeEdit({ ...msg, starts: new Uint32Array([3, 4]).buffer }), /run 1 at 4 overlaps/);
    assert.throws(() => decodeEdit({ ...msg, lengths: new Uint32Array([2, 0]).buffer }), /run 1 is empty/);
    assert.throws(() => decodeEdit({ ...msg, starts: new Uint8Array(3).buffer }), /starts is not an ArrayBuffer of 32-bit/);
    assert.throws(() => decodeEdit({ ...msg, afterCounts: new Uint32Array([2]).buffer }), /after values cover 2 voxels/);
  });

  it('a 10-voxel change on a 200^3 mask costs bytes proportional to the change, not the volume', () => {
    const mask = new Uint8Array(200 ** 3);
    const scattered = Array.from({ length: 10 }, (_, k) => 12345 + k * 777_777);
    const edit = setValues(mask, scattered, 1);
    assert.equal(edit.count, 10);
    assert.ok(editBytes(edit) <= 10 * 8 + 2 * (1 + 4), `${editBytes(edit)} bytes`);
    const line = setValues(mask, Array.from({ length: 150 }, (_, k) => 5_000_000 + k), 2);
    assert.equal(line.starts.length, 1, 'consecutive voxels form one run');
    assert.ok(editBytes(line) <= 4 * 2 + 2 * (2 + 8), `${editBytes(line)} bytes`);
  });
});

describe('setValues: the one write path', () => {
  it('matches a per-voxel definition for any indices, value and constraints', () => {
    fc.assert(
      fc.property(
        arbMaskCase,
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.integer({ min: 0, max: 3 }),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.option(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 6 })), { nil: undefined }),
        fc.boolean(),
        ({ mask }, picks, value, onlyLabel, range, typed) => {
          const image = Float32Array.from(mask, (_, i) => ((i * 7919) % 11) - 5);
          const indices = picks.map((p) => p % mask.length);
          const constraint = {
            ...(onlyLabel !== undefined ? { onlyLabel } : {}),
            ...(range ? { image: { data: image, lo: range[0], hi: range[0] + range[1] } } : {}),
          };
          const original = mask.slice();
          const expected = mask.slice();
          for (const i of new Set(indices)) {
            if (onlyLabel !== undefined && original[i] !== onlyLabel) continue;
            if (range && !(image[i]! >= range[0] && image[i]! <= range[0] + range[1])) continue;
            expected[i] = value;
          }
          const edit = setValues(mask, typed ? Uint32Array.from(indices) : indices, value, constraint);
          assert.deepEqual(mask, expected);
          const changed = [...expected.keys()].filter((i) => expected[i] !== original[i]);
          assert.deepEqual([...editIndices(edit)], changed, 'edit records exactly the changed voxels');
          assert.deepEqual([...decodeRunValues(edit.before)], changed.map((i) => original[i]));
          revertEdit(mask, edit);
          assert.deepEqual(mask, original);
        },
      ),
      runs,
    );
  });

  it('threshold-constrained painting never writes outside [lo, hi]', () => {
    const image = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
    const mask = new Uint8Array(1000);
    const edit = setValues(mask, Array.from({ length: 1000 }, (_, i) => i), 4, { image: { data: image, lo: -10, hi: 30 } });
    for (let i = 0; i < 1000; i++) assert.equal(mask[i] === 4, image[i]! >= -10 && image[i]! <= 30, `voxel ${i}`);
    assert.ok(edit.count > 50 && edit.count < 500);
  });

  it('erase is value 0 through the same path; onlyLabel erases one label only', () => {
    const a = Uint8Array.from([0, 1, 2, 1, 2, 0]);
    const b = a.slice();
    assert.deepEqual(eraseValues(a, [1, 2, 3, 4], { onlyLabel: 2 }), setValues(b, [1, 2, 3, 4], 0, { onlyLabel: 2 }));
    assert.deepEqual([...a], [0, 1, 0, 1, 0, 0]);
    assert.ok(isEmptyEdit(eraseValues(a, [0, 5])), 'erasing background changes nothing');
  });

  it('refuses bad indices and values with where and what', () => {
    const mask = new Uint8Array(8);
    assert.throws(() => setValues(mask, [8], 1), /setValues: index 8 is outside the mask of 8 voxels/);
    assert.throws(() => setValues(mask, [-1], 1), /index -1 is not a voxel index/);
    assert.throws(() => setValues(mask, [0], 256), LabelToolError);
    assert.throws(() => setValues(mask, [0], 1, { image: { data: new Float32Array(7), lo: 0, hi: 1 } }), /image has 7 voxels/);
  });
});

describe('shapes', () => {
  const arbCentre = (s: Vec3) =>
    fc.tuple(...s.map((n) => fc.double({ min: -2, max: n + 1, noNaN: true })) as [fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<number>]);

  it('sphere = every voxel with sum((d * spacing)^2) <= r^2, clipped to the volume', () => {
    fc.assert(
      fc.property(
        arbShape.chain((s) => fc.tuple(fc.constant(s as Vec3), arbCentre(s as Vec3))),
        fc.double({ min: 0, max: 6, noNaN: true }),
        arbSpacing,
        ([s, c], r, spacing) => {
          assert.deepEqual([...sphere(c, r, s, spacing)], naiveEllipsoid(c, r, s, spacing, [true, true, true]));
        },
      ),
      runs,
    );
  });

  it('disk = the in-plane ellipse on the slice through the rounded centre, for every plane', () => {
    fc.assert(
      fc.property(
        arbShape.chain((s) => fc.tuple(fc.constant(s as Vec3), arbCentre(s as Vec3))),
        fc.double({ min: 0, max: 6, noNaN: true }),
        arbSpacing,
        fc.constantFrom(...PLANES),
        ([s, c], r, spacing, plane) => {
          const use = [true, true, true];
          use[NORMAL[plane]] = false;
          const got = disk(c, r, plane, s, spacing);
          assert.deepEqual([...got], naiveEllipsoid(c, r, s, spacing, use));
          for (const i of got) assert.ok(coords(i, s)[NORMAL[plane]] === Math.round(c[NORMAL[plane]]!), 'on the centre slice'); // === : -0 is slice 0
        },
      ),
      runs,
    );
  });

  it('anisotropic spacing makes a round mm brush an ellipse in voxels', () => {
    const d = disk([10, 10, 0], 4, 'axial', [21, 21, 1], [1, 2, 1]);
    const xs = [...d].map((i) => i % 21), ys = [...d].map((i) => Math.floor(i / 21));
    assert.equal(Math.max(...xs) - Math.min(...xs), 8);
    assert.equal(Math.max(...ys) - Math.min(...ys), 4);
  });
});

describe('flood fill', () => {
  const arbFill = arbMaskCase.chain(({ s, mask }) =>
    fc.record({ s: fc.constant(s), mask: fc.constant(mask), seed: fc.nat(mask.length - 1), plane: fc.option(fc.constantFrom(...PLANES), { nil: undefined }) }),
  );
  const axesFor = (plane?: Plane) => [0, 1, 2].filter((a) => plane === undefined || a !== NORMAL[plane]);

  it('same-label fill equals a naive BFS (3D 6-connected, 2D 4-connected)', () => {
    fc.assert(
      fc.property(arbFill, ({ s, mask, seed, plane }) => {
        const got = floodFill(coords(seed, s), s, { kind: 'label', mask }, plane ? { plane } : {});
        assert.deepEqual([...got], naiveRegion(seed, s, (j) => mask[j] === mask[seed], axesFor(plane)));
      }),
      runs,
    );
  });

  it('intensity-range fill equals a naive BFS, empty when the seed is out of range', () => {
    fc.assert(
      fc.property(arbFill, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), ({ s, mask, seed, plane }, lo, w) => {
        const image = Float32Array.from(mask, (v, i) => v + (i % 2) * 0.5);
        const ok = (j: number) => image[j]! >= lo && image[j]! <= lo + w;
        const got = floodFill(coords(seed, s), s, { kind: 'range', image, lo, hi: lo + w }, plane ? { plane } : {});
        assert.deepEqual([...got], naiveRegion(seed, s, ok, axesFor(plane)));
      }),
      runs,
    );
  });

  it('fills a 35 M voxel volume (3D, whole-volume region) without recursion or per-voxel objects', () => {
    const s: Vec3 = [330, 330, 322];
    const mask = new Uint8Array(s[0] * s[1] * s[2]);
    mask.fill(1, idx(0, 0, 200, s), idx(0, 0, 201, s)); // a wall: the region is slices 0..199
    const got = floodFill([5, 5, 5], s, { kind: 'label', mask });
    assert.equal(got.length, 330 * 330 * 200);
    assert.equal(got[got.length - 1], idx(329, 329, 199, s));
    assert.equal(floodFill([5, 5, 250], s, { kind: 'label', mask }, { plane: 'axial' }).length, 330 * 330);
  });

  it('refuses a seed outside the volume', () => {
    assert.throws(() => floodFill([3, 0, 0], [3, 3, 3], { kind: 'label', mask: new Uint8Array(27) }), /floodFill: seed \[3, 0, 0\]/);
  });
});

describe('islands and clearLabel', () => {
  it('removeIslands erases exactly the components smaller than N (all labels, or one label)', () => {
    fc.assert(
      fc.property(arbMaskCase, fc.integer({ min: 0, max: 6 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), ({ s, mask }, n, label) => {
        const { id, sizes } = naiveComponents(mask, s);
        const expected = Uint8Array.from(mask, (v, i) => (v !== 0 && (label === undefined || v === label) && sizes.get(id[i]!)! < n ? 0 : v));
        const original = mask.slice();
        const edit = removeIslands(mask, s, n, label);
        assert.deepEqual(mask, expected);
        revertEdit(mask, edit);
        assert.deepEqual(mask, original);
      }),
      runs,
    );
  });

  it('clearLabel sets one label to 0 and nothing else', () => {
    const mask = Uint8Array.from([1, 2, 3, 2, 0, 2]);
    const edit = clearLabel(mask, 2);
    assert.deepEqual([...mask], [1, 0, 3, 0, 0, 0]);
    assert.equal(edit.count, 3);
  });
});

/** One random tool application on a mask, used by the undo/redo and stats properties. */
type Op = { tool: 'brush' | 'erase' | 'fill' | 'islands' | 'set'; at: number; v: number; r: number };
const arbOp: fc.Arbitrary<Op> = fc.record({
  tool: fc.constantFrom('brush', 'erase', 'fill', 'islands', 'set'),
  at: fc.nat(),
  v: fc.integer({ min: 0, max: 3 }),
  r: fc.double({ min: 0, max: 3, noNaN: true }),
});
function runOp(mask: Uint8Array, s: Vec3, op: Op): LabelEdit {
  const at = coords(op.at % mask.length, s);
  switch (op.tool) {
    case 'brush':
      return setValues(mask, sphere(at, op.r, s, [1, 1.5, 2]), op.v);
    case 'erase':
      return eraseValues(mask, disk(at, op.r, 'coronal', s, [1, 1, 1]));
    case 'fill':
      return setValues(mask, floodFill(at, s, { kind: 'label', mask }), op.v);
    case 'islands':
      return removeIslands(mask, s, Math.round(op.r * 2));
    case 'set':
      return setValues(mask, [op.at % mask.length, (op.at * 31) % mask.length], op.v);
  }
}

describe('undo / redo', () => {
  it('random edit sequences revert bit-exactly in reverse order and re-apply to the same forward state', () => {
    fc.assert(
      fc.property(arbMaskCase, fc.array(arbOp, { maxLength: 12 }), ({ s, mask }, ops) => {
        const original = mask.slice();
        const edits = ops.map((op) => runOp(mask, s, op));
        const forward = mask.slice();
        for (const e of [...edits].reverse()) revertEdit(mask, e);
        assert.deepEqual(mask, original);
        for (const e of edits) applyEdit(mask, e);
        assert.deepEqual(mask, forward);
      }),
      runs,
    );
  });

  it('composeEdits makes one undo step equal to the sequence', () => {
    fc.assert(
      fc.property(arbMaskCase, fc.array(arbOp, { maxLength: 8 }), ({ s, mask }, ops) => {
        const original = mask.slice();
        const stroke = ops.map((op) => runOp(mask, s, op)).reduce(composeEdits, setValues(mask, [], 1));
        const forward = mask.slice();
        const changed = [...original.keys()].filter((i) => original[i] !== forward[i]);
        assert.deepEqual([...editIndices(stroke)], changed, 'voxels restored mid-stroke are dropped');
        revertEdit(mask, stroke);
        assert.deepEqual(mask, original);
        applyEdit(mask, stroke);
        assert.deepEqual(mask, forward);
      }),
      runs,
    );
  });

  it('refuses an edit that reaches beyond the mask', () => {
    const edit = setValues(new Uint8Array(20), [19], 1);
    assert.throws(() => applyEdit(new Uint8Array(10), edit), /applyEdit: edit reaches voxel 19 but the mask has 10/);
  });
});

describe('label stats', () => {
  it('incremental updates (apply and revert) equal a full recount', () => {
    fc.assert(
      fc.property(arbMaskCase, fc.array(arbOp, { maxLength: 10 }), ({ s, mask }, ops) => {
        const spacing: Vec3 = [0.5, 1, 2];
        let stats = computeLabelStats(mask, spacing);
        const edits: LabelEdit[] = [];
        for (const op of ops) {
          const e = runOp(mask, s, op);
          edits.push(e);
          stats = updateLabelStats(stats, e);
          assert.deepEqual(stats, computeLabelStats(mask, spacing));
        }
        for (const e of edits.reverse()) {
          revertEdit(mask, e);
          stats = updateLabelStats(stats, e, 'revert');
        }
        assert.deepEqual(stats, computeLabelStats(mask, spacing));
      }),
      runs,
    );
  });

  it('volume in mL is count x sx*sy*sz / 1000', () => {
    const mask = new Uint8Array(1000);
    mask.fill(2, 0, 400);
    mask.fill(5, 400, 410);
    const stats = computeLabelStats(mask, [2, 2, 2.5]);
    assert.equal(labelVolume(stats, 2).ml, 4);
    assert.deepEqual(labelVolumes(stats).map((v) => [v.label, v.voxels]), [[2, 400], [5, 10]]);
  });
});

describe('shape-based interpolation', () => {
  it('chamfer distance is the 8-neighbour shortest path (relaxed to convergence) and bounds the Euclidean one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.nat(),
        (U, V, su, sv, bits) => {
          const feature = Uint8Array.from({ length: U * V }, (_, p) => ((bits * 2654435761 + p * 40503) % 7 === 0 ? 1 : 0));
          const got = chamferDistance(feature, U, V, su, sv);
          const ref = Array.from(feature, (f) => (f ? 0 : Infinity));
          for (let changed = true; changed; ) {
            changed = false;
            for (let p = 0; p < U * V; p++)
              for (const [da, db] of [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]] as const) {
                const a = (p % U) + da, b = Math.floor(p / U) + db;
                if (a < 0 || a >= U || b < 0 || b >= V) continue;
                const c = ref[a + U * b]! + Math.hypot(da * su, db * sv);
                if (c < ref[p]! - 1e-12) (ref[p] = c), (changed = true);
              }
          }
          for (let p = 0; p < U * V; p++) {
            assert.ok(Math.abs(got[p]! - ref[p]!) < 1e-9 || got[p] === ref[p], `pixel ${p}: ${got[p]} vs ${ref[p]}`);
            let euclid = Infinity;
            for (let q = 0; q < U * V; q++)
              if (feature[q]) euclid = Math.min(euclid, Math.hypot(((p % U) - (q % U)) * su, (Math.floor(p / U) - Math.floor(q / U)) * sv));
            assert.ok(got[p]! >= euclid - 1e-9, `pixel ${p}: chamfer ${got[p]} below Euclidean ${euclid}`);
          }
        },
      ),
      runs,
    );
  });

  for (const plane of PLANES) {
    it(`${plane}: a small disk to a larger one gives nested, monotonic areas and touches only in-between slices`, () => {
      const s: Vec3 = [24, 26, 22];
      const spacing: Vec3 = [1, 1.2, 0.8];
      const n = NORMAL[plane];
      const centre = (k: number): Vec3 => {
        const c: Vec3 = [12, 13, 11];
        c[n] = k;
        return c;
      };
      const mask = new Uint8Array(s[0] * s[1] * s[2]);
      mask[idx(0, 0, 0, s)] = 7; // an unrelated label elsewhere must survive
      const k0 = 3, k1 = 12;
      setValues(mask, disk(centre(k0), 2.5, plane, s, spacing), 1);
      setValues(mask, disk(centre(k1), 8, plane, s, spacing), 1);
      const before = mask.slice();
      const edit = interpolateSlices(mask, s, spacing, { plane, k0, k1, label: 1 });
      for (const i of editIndices(edit)) {
        const k = coords(i, s)[n]!;
        assert.ok(k > k0 && k < k1, `voxel ${i} on slice ${k} is outside ${k0}..${k1}`);
      }
      const sliceSet = (k: number) => new Set([...mask.keys()].filter((i) => coords(i, s)[n] === k && mask[i] === 1));
      let prev = sliceSet(k0);
      const last = sliceSet(k1);
      assert.ok(prev.size > 0 && last.size > prev.size);
      for (let k = k0 + 1; k <= k1; k++) {
        const cur = sliceSet(k);
        assert.ok(cur.size >= prev.size, `slice ${k}: area ${cur.size} < ${prev.size}`);
        assert.ok(cur.size <= last.size, `slice ${k}: area ${cur.size} > ${last.size}`);
        // Nested: project the previous slice onto this one; every voxel must still be labelled.
        for (const i of prev) {
          const c = coords(i, s);
          c[n] = k;
          assert.ok(cur.has(idx(c[0], c[1], c[2], s)), `slice ${k} lost voxel [${c.join(', ')}]`);
        }
        prev = cur;
      }
      const mid = sliceSet(Math.round((k0 + k1) / 2)).size;
      assert.ok(mid > sliceSet(k0).size && mid < last.size, 'the middle slice is strictly between');
      assert.equal(mask[idx(0, 0, 0, s)], 7);
      revertEdit(mask, edit);
      assert.deepEqual(mask, before);
    });
  }

  it('refuses adjacent slices and background', () => {
    const mask = new Uint8Array(4 * 4 * 4);
    assert.throws(() => interpolateSlices(mask, [4, 4, 4], [1, 1, 1], { plane: 'axial', k0: 1, k1: 2, label: 1 }), /need k0 < k1 with a slice between/);
    assert.throws(() => interpolateSlices(mask, [4, 4, 4], [1, 1, 1], { plane: 'axial', k0: 0, k1: 3, label: 0 }), /label 0/);
  });
});
