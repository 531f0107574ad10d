// .npy reading against numpy's own figures (committed by test/fixtures/checkpoint/make_fixtures.py), the
// encode → read round trip, and refusal of damaged headers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeNpy, NpyError, readNpy, readNpyFile, type NpyArray } from '../src/core/npy';
import { assertClose } from './helpers/approx';
import { checkpointReference, npyFixtures, type TensorReference } from './helpers/checkpoint-reference';
import { sharedRoot } from './helpers/paths';

const models = join(sharedRoot, 'fixtures', 'models');

function assertMatches(array: NpyArray, ref: TensorReference, what: string): void {
  assert.deepEqual(array.shape, ref.shape, `${what}: shape`);
  assert.equal(array.dtype, ref.dtype, `${what}: dtype`);
  const values = Array.from(array.data as ArrayLike<number | bigint>, Number);
  assert.equal(values.length, ref.shape.reduce((a, b) => a * b, 1), `${what}: element count`);
  assertClose(values.reduce((a, b) => a + b, 0), ref.sum, 1e-6, `${what}: sum`);
  for (const [index, value] of ref.probes) assert.equal(values[index], value, `${what}[${index}]`);
}

function refuses(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(() => readNpy(bytes, 'bad.npy'), (err: unknown) => {
    assert.ok(err instanceof NpyError, `expected an NpyError, got ${String(err)}`);
    assert.ok(err.message.startsWith('bad.npy: '));
    assert.match(err.problem, problem);
    return true;
  });
}

/** A .npy file with the given header text (version 1), padded as numpy pads it, and data bytes. */
function npyWith(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const padded = header.padEnd(Math.ceil((8 + lengthBytes + header.length + 1) / 64) * 64 - 8 - lengthBytes - 1) + '\n';
  const out = Buffer.alloc(8 + lengthBytes + padded.length + data.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(out);
  if (version === 1) out.writeUInt16LE(padded.length, 8);
  else out.writeUInt32LE(padded.length, 8);
  out.write(padded, 8 + lengthBytes, 'latin1');
  out.set(data, 8 + lengthBytes + padded.length);
  return new Uint8Array(out);
}

describe('readNpy', () => {
  it('swinunetr_f12.x.npy: [1, 4, 64, 64, 64] float32 with numpy\'s sum', async () => {
    assertMatches(await readNpyFile(join(models, 'swinunetr_f12.x.npy')),
      checkpointReference.npy_models['swinunetr_f12.x.npy']!, 'swinunetr_f12.x.npy');
  });

  for (const [name, ref] of Object.entries(checkpointReference.npy)) {
    it(`${name}.npy (${ref.dtype} [${ref.shape.join(', ')}])`, async () => {
      assertMatches(await readNpyFile(join(npyFixtures, `${name}.npy`)), ref, name);
    });
  }

  it('refuses bad magic, versions, header lengths, headers, dtypes and data sizes', () => {
    refuses(Buffer.from('not a npy file at all'), /not a \.npy file/);
    const good = npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8));
    readNpy(good, 'good.npy');
    const version9 = good.slice();
    version9[6] = 9;
    refuses(version9, /version 9\.0 is not supported/);
    const longHeader = good.slice();
    longHeader[8] = 0xff;
    longHeader[9] = 0xff;
    refuses(longHeader, /header claims 65535 bytes.*truncated/);
    refuses(good.subarray(0, good.length - 3), /needs 8 bytes of data but the file has 5: it is truncated/);
    refuses(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(12)), /needs 8 bytes .* has 12/);
    refuses(npyWith("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), /dtype "<c8" is not supported/);
    refuses(npyWith("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), /structured dtype/);
    refuses(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), /not a tuple of non-negative integers/);
    refuses(npyWith("{'descr': '<f4', 'shape': (1,), }"), /fortran_order/);
    refuses(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) "), /missing a "," or "}"/);
    refuses(npyWith("__import__('os').system('x')"), /not a value/);
    refuses(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"),
      /needs 4000000000000000 bytes of data but the file has 0: it is truncated/);
  });

  it('reads version 2 headers built by hand', () => {
    const a = readNpy(npyWith("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }", Uint8Array.of(1, 0, 0, 0, 255, 255, 255, 255), 2), 'v2.npy');
    assert.deepEqual([a.dtype, a.shape, Array.from(a.data as Int32Array)], ['int32', [1, 2], [1, -1]]);
  });

  it('reads a Node Buffer at an odd offset without aligning errors or touching the caller\'s bytes', () => {
    for (const name of ['f4_be', 'i8_le', 'fortran']) {
      const file = readFileSync(join(npyFixtures, `${name}.npy`));
      const odd = Buffer.alloc(file.length + 1).subarray(1);
      file.copy(odd);
      const before = Buffer.from(odd);
      assertMatches(readNpy(odd, name), checkpointReference.npy[name]!, `${name} at an odd offset`);
      assert.deepEqual(odd, before, 'input unchanged');
    }
  });

  it('a missing file', async () => {
    await assert.rejects(readNpyFile('/no/such.npy'), (err: unknown) => err instanceof NpyError && /ENOENT/.test(err.problem));
  });

  it('fuzzed headers: read consistently or refused with an NpyError', () => {
    const base = readFileSync(join(npyFixtures, 'f4_le.npy'));
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(127), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
      const bytes = new Uint8Array(base);
      for (const [at, v] of edits) bytes[at] = v;
      try {
        const a = readNpy(bytes, 'fuzz.npy');
        assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1));
      } catch (err) {
        if (!(err instanceof NpyError)) throw new Error(`not an NpyError: ${(err as Error)?.stack ?? String(err)}`);
      }
    }), { numRuns: 1000, seed: 23 });
  });
});

describe('encodeNpy', () => {
  it('round-trips through readNpy, with numpy\'s 64-byte alignment', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }), fc.integer(), (shape, seed) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3));
      const bytes = encodeNpy(shape, data);
      const dataStart = bytes.length - data.byteLength;
      assert.equal(dataStart % 64, 0, 'data is 64-byte aligned');
      assert.equal(bytes[dataStart - 1], 0x0a, 'the header ends in a newline');
      const back = readNpy(bytes, 'roundtrip.npy');
      assert.equal(back.dtype, 'float32');
      assert.deepEqual(back.shape, shape);
      assert.deepEqual(Array.from(back.data as Float32Array), Array.from(data));
    }), { numRuns: 200, seed: 31 });
  });

  it('writes the same bytes numpy.save writes for the same array', () => {
    const numpy = readFileSync(join(npyFixtures, 'f4_le.npy'));
    const array = readNpy(numpy, 'f4_le.npy');
    assert.deepEqual(Buffer.from(encodeNpy(array.shape, array.data as Float32Array)), numpy);
  });

  it('refuses data that does not fill the shape', () => {
    assert.throws(() => encodeNpy([2, 2], new Float32Array(3)), /holds 4 values but the data has 3/);
  });
});
