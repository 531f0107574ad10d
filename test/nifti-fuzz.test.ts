// Property tests: whatever a fuzzer makes of good files is either read consistently or refused with a NiftiError,
// quickly; and arbitrary volumes survive encode → decode.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeNifti, NiftiError, readNifti, SUPPORTED_DATATYPES, type NiftiGeometry } from '../src/core/nifti';
import { niftiFixtures } from './helpers/paths';

const raw = readdirSync(niftiFixtures).filter((f) => f.endsWith('.nii'))
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(niftiFixtures, name))) }));
const gz = readdirSync(niftiFixtures).filter((f) => f.endsWith('.nii.gz'))
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(niftiFixtures, name))) }));

/** Reads, and checks the outcome is one of the two allowed: a consistent volume, or a NiftiError naming the file. */
async function readsOrRefuses(bytes: Uint8Array, name: string): Promise<'read' | 'refused'> {
  const start = performance.now();
  try {
    const v = await readNifti(bytes, name, { maxVoxels: 1 << 22 });
    assert.equal(v.data.length, v.shape.reduce((a, b) => a * b, 1), 'data fills the shape');
    assert.ok(v.affine.flat().every(Number.isFinite), 'affine is finite');
    assert.match(v.axcodes, /^[RL][AP][SI]$|^[AP][RL][SI]$|^[RL][SI][AP]$|^[AP][SI][RL]$|^[SI][RL][AP]$|^[SI][AP][RL]$/);
    return 'read';
  } catch (err) {
    if (!(err instanceof NiftiError)) throw new Error(`not a NiftiError: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(err.message.startsWith(`${name}: `), 'the error names the file');
    return 'refused';
  } finally {
    assert.ok(performance.now() - start < 1000, 'answered within a second');
  }
}

const mutation = fc.array(fc.tuple(fc.nat(551), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 });

describe('fuzzed NIfTI input', () => {
  it('mutated headers of .nii files', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...raw), mutation, async (file, edits) => {
      const bytes = file.bytes.slice();
      for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
      await readsOrRefuses(bytes, `mutated-${file.name}`);
    }), { numRuns: 600, seed: 20261126 });
  });

  it('mutated headers inside gzip streams', async () => {
    const inflated = gz.map((f) => ({ name: f.name, plain: new Uint8Array(gunzipSync(f.bytes)) }));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...inflated), mutation, async (file, edits) => {
      const plain = file.plain.slice();
      for (const [at, value] of edits) if (at < plain.length) plain[at] = value;
      await readsOrRefuses(new Uint8Array(gzipSync(plain)), `mutated-${file.name}`);
    }), { numRuns: 200, seed: 7 });
  });

  it('truncated files are always refused', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...raw, ...gz), fc.double({ min: 0, max: 1, noNaN: true }), async (file, at) => {
      const cut = Math.min(file.bytes.length - 1, Math.floor(at * file.bytes.length));
      assert.equal(await readsOrRefuses(file.bytes.subarray(0, cut), `cut-${file.name}`), 'refused');
    }), { numRuns: 300, seed: 11 });
  });

  it('random bytes are refused', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
      await readsOrRefuses(bytes, 'noise.nii');
    }), { numRuns: 300, seed: 3 });
  });
});

const finite = fc.double({ min: -500, max: 500, noNaN: true, noDefaultInfinity: true });
const geometry: fc.Arbitrary<NiftiGeometry> = fc.record({
  qformCode: fc.integer({ min: 0, max: 4 }),
  sformCode: fc.integer({ min: 0, max: 4 }),
  quatern: fc.tuple(fc.double({ min: -0.57, max: 0.57, noNaN: true }), fc.double({ min: -0.57, max: 0.57, noNaN: true }), fc.double({ min: -0.57, max: 0.57, noNaN: true })),
  qoffset: fc.tuple(finite, finite, finite),
  pixdim: fc.tuple(fc.constantFrom(1, -1), ...Array.from({ length: 7 }, () => fc.double({ min: 0.1, max: 5, noNaN: true }))),
  srow: fc.tuple(fc.tuple(fc.double({ min: 0.5, max: 3, noNaN: true }), finite, finite, finite).map((r) => [r[0], r[1] / 1000, r[2] / 1000, r[3]]),
    fc.tuple(finite, fc.double({ min: 0.5, max: 3, noNaN: true }), finite, finite).map((r) => [r[0] / 1000, r[1], r[2] / 1000, r[3]]),
    fc.tuple(finite, finite, fc.double({ min: 0.5, max: 3, noNaN: true }), finite).map((r) => [r[0] / 1000, r[1] / 1000, r[2], r[3]])),
  xyztUnits: fc.integer({ min: 0, max: 255 }),
  dimInfo: fc.integer({ min: 0, max: 255 }),
});

describe('encode → decode of arbitrary volumes', () => {
  it('keeps values and geometry exactly (float32 and float64 fields by version)', async () => {
    const volume = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 4 }),
      datatype: fc.constantFrom(...SUPPORTED_DATATYPES),
      version: fc.constantFrom(1 as const, 2 as const),
      compress: fc.boolean(),
      geometry,
      seed: fc.integer(),
    });
    await fc.assert(fc.asyncProperty(volume, async ({ shape, datatype, version, compress, geometry: g, seed }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const bytes = Uint8Array.from({ length: n * 8 }, (_, i) => (seed * 31 + i * 17) & 0xff);
      const ctor = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
        uint32: Uint32Array, float32: Float32Array, float64: Float64Array }[datatype];
      const data = new ctor(bytes.buffer, 0, n).map((v) => (Number.isFinite(v) ? v : 0));
      // NIfTI-1 stores geometry as float32: round the reference the same way before comparing.
      const round = version === 1 ? Math.fround : (v: number) => v;
      const stored: NiftiGeometry = {
        ...g,
        quatern: g.quatern.map(round) as [number, number, number],
        qoffset: g.qoffset.map(round) as [number, number, number],
        pixdim: g.pixdim.map(round),
        srow: g.srow.map((r) => r.map(round)),
      };
      const file = await encodeNifti({ shape, data, geometry: stored, version }, compress);
      const back = await readNifti(file, 'generated.nii');
      assert.deepEqual(back.shape, shape);
      assert.equal(back.datatype, datatype);
      assert.deepEqual(back.data, data);
      for (const key of ['qformCode', 'sformCode', 'quatern', 'qoffset', 'pixdim', 'srow', 'xyztUnits', 'dimInfo'] as const) {
        assert.deepEqual(back.header[key], stored[key], key);
      }
    }), { numRuns: 300, seed: 42 });
  });
});
