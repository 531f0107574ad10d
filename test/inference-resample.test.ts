// Resampling between voxel spacings against independent references (test/fixtures/inference/make_resample_reference.py):
// MONAI's Spacing for the grid size of every case, scipy's gaussian_filter + map_coordinates for the values, and
// MONAI's values where the output is finer on every axis (no smoothing): first voxel centres coincide, and the grid
// has round((n − 1)·s/t + 1) voxels, rounded half to even.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cOrderView, niftiView } from '../src/core/inference';
import { resampledShape, resampleLinear } from '../src/core/inference/resample';
import type { Vec3 } from '../src/core/inference';
import { readNpyFile } from '../src/core/npy';

const fixtures = join(import.meta.dirname, 'fixtures', 'inference');
const cases = JSON.parse(readFileSync(join(fixtures, 'resample_reference.json'), 'utf8')) as {
  name: string; shape: Vec3; from: Vec3; to: Vec3; out_shape: Vec3; monai_shape: Vec3; monai_values?: boolean;
}[];

/** max |a − b| relative to max |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

describe('resampling between voxel spacings', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.shape.join('×')} at ${c.from.join('/')} mm → ${c.to.join('/')} mm: MONAI's grid, scipy's values${c.monai_values ? ' and MONAI\'s' : ''}`, async (t) => {
      const x = await readNpyFile(join(fixtures, `resample_${c.name}_x.npy`));
      const shape = resampledShape(c.shape, c.from, c.to);
      assert.deepEqual(shape, c.out_shape, 'the grid size');
      assert.deepEqual(shape, c.monai_shape, "MONAI's grid size");
      const out = new Float32Array(2 * shape[0] * shape[1] * shape[2]);
      resampleLinear(cOrderView(x.data as Float32Array, [2, ...c.shape]), c.from, c.to, cOrderView(out, [2, ...shape]));
      const scipy = (await readNpyFile(join(fixtures, `resample_${c.name}_scipy.npy`))).data as Float32Array;
      const error = relativeError(out, scipy);
      t.diagnostic(`max relative error against scipy: ${error.toExponential(2)}`);
      // Measured 8.5e-8 (float32 against float64); the bound is about 10× that.
      assert.ok(error < 1e-6, `relative error ${error}`);
      if (c.monai_values) {
        const monai = (await readNpyFile(join(fixtures, `resample_${c.name}_monai.npy`))).data as Float32Array;
        assert.ok(relativeError(out, monai) < 1e-6, 'MONAI Spacing');
      }
    });
  }

  it('reads and writes any layout: a NIfTI-ordered, reoriented view gives the same numbers', async () => {
    const c = cases[1]!;
    const x = (await readNpyFile(join(fixtures, `resample_${c.name}_x.npy`))).data as Float32Array;
    // The same volume stored NIfTI-style (x fastest), seen through a view in (c, x, y, z) order.
    const [n0, n1, n2] = c.shape;
    const stored = new Float32Array(x.length);
    for (let ch = 0; ch < 2; ch++) for (let i = 0; i < n0; i++) for (let j = 0; j < n1; j++) for (let k = 0; k < n2; k++) {
      stored[ch * n0 * n1 * n2 + i + n0 * (j + n1 * k)] = x[((ch * n0 + i) * n1 + j) * n2 + k]!;
    }
    const shape = resampledShape(c.shape, c.from, c.to);
    const out = new Float32Array(2 * shape[0] * shape[1] * shape[2]);
    resampleLinear(niftiView(stored, c.shape, 2), c.from, c.to, niftiView(out, shape, 2));
    const scipy = (await readNpyFile(join(fixtures, `resample_${c.name}_scipy.npy`))).data as Float32Array;
    const asC = new Float32Array(out.length);
    const [m0, m1, m2] = shape;
    for (let ch = 0; ch < 2; ch++) for (let i = 0; i < m0; i++) for (let j = 0; j < m1; j++) for (let k = 0; k < m2; k++) {
      asC[((ch * m0 + i) * m1 + j) * m2 + k] = out[ch * m0 * m1 * m2 + i + m0 * (j + m1 * k)]!;
    }
    assert.ok(relativeError(asC, scipy) < 1e-6);
  });
});
