// Our loader against torch.load: every key, shape, dtype, sum and probe value of the shared model checkpoints and
// of small files that exercise half types, int64, strided views, wrappers, pickle protocols 4/5 and safetensors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCheckpoint, loadCheckpointFile, openZip, toFloat32, type StateDict, type Tensor } from '../src/core/checkpoint';
import { assertClose } from './helpers/approx';
import { checkpointFixtures, checkpointReference, type Listing } from './helpers/checkpoint-reference';
import { sharedRoot } from './helpers/paths';
import { buildZip } from './helpers/zip-builder';

const models = join(sharedRoot, 'fixtures', 'models');

function values(tensor: Tensor): number[] {
  return tensor.dtype === 'int64' ? Array.from(tensor.data, Number) : Array.from(toFloat32(tensor));
}

/** Every key in torch's order, with shape, dtype, float64 sum (1e-6 relative) and exact probe values. */
function assertMatches(dict: StateDict, listing: Listing, what: string): void {
  assert.deepEqual([...dict.keys()], Object.keys(listing), `${what}: keys, in order`);
  for (const [key, ref] of Object.entries(listing)) {
    const tensor = dict.get(key)!;
    assert.deepEqual(tensor.shape, ref.shape, `${what} ${key}: shape`);
    assert.equal(tensor.dtype, ref.dtype, `${what} ${key}: dtype`);
    const v = values(tensor);
    assert.equal(v.length, ref.shape.reduce((a, b) => a * b, 1), `${what} ${key}: element count`);
    assertClose(v.reduce((a, b) => a + b, 0), ref.sum, 1e-6, `${what} ${key}: sum`);
    for (const [index, value] of ref.probes) assert.equal(v[index], value, `${what} ${key}[${index}]`);
  }
}

describe('checkpoints load as torch.load reads them', () => {
  for (const name of Object.keys(checkpointReference.models)) {
    it(`${name}.pt: all ${Object.keys(checkpointReference.models[name]!).length} tensors`, async (t) => {
      const start = performance.now();
      const dict = await loadCheckpointFile(join(models, `${name}.pt`));
      t.diagnostic(`loaded in ${(performance.now() - start).toFixed(0)} ms`);
      assertMatches(dict, checkpointReference.models[name]!, name);
    });
  }

  for (const file of ['small.pt', 'small_p4.pt', 'small_p5.pt']) {
    it(`${file}: float16, bfloat16, int64, transposed/permuted/sliced/expanded views, scalar, empty`, async () => {
      assertMatches(await loadCheckpointFile(join(checkpointFixtures, file)), checkpointReference.small['small.pt']!, file);
    });
  }

  it('views that walk their storage in order share its bytes; other views get bytes of their own; all are aligned', async () => {
    // Sharing is what bounds memory when many views name one storage (test/hostile-inputs.test.ts); the values are
    // checked against torch.load above.
    const bytes = new Uint8Array(readFileSync(join(checkpointFixtures, 'small.pt')));
    const dict = loadCheckpoint(bytes, 'small.pt');
    const [base, transposed, sliced] = ['base', 'transposed', 'sliced'].map((k) => dict.get(k)!);
    assert.notEqual(base!.data.buffer, transposed!.data.buffer, 'a transposed view is gathered into its own bytes');
    // torch.save aligns storages in the zip, and stored entries are views of the file: an in-order slice costs nothing.
    assert.equal(sliced!.data.buffer, bytes.buffer, 'a slice of a stored storage is a view of the file');
    for (const t of dict.values()) assert.equal(t.data.byteOffset % t.data.BYTES_PER_ELEMENT, 0);
  });

  it('reads Node Buffers at odd offsets (no alignment assumptions about the input)', () => {
    for (const [file, ref] of [['small.pt', 'small.pt'], ['sample.safetensors', 'sample.safetensors']] as const) {
      const bytes = readFileSync(join(checkpointFixtures, file));
      const odd = Buffer.alloc(bytes.length + 3).subarray(3);
      bytes.copy(odd);
      assertMatches(loadCheckpoint(odd, file), checkpointReference.small[ref]!, `${file} at an odd offset`);
    }
  });

  it('unwraps {"state_dict": ...} beside other entries and strips module. prefixes', async () => {
    const dict = await loadCheckpointFile(join(checkpointFixtures, 'wrapped.pt'));
    assertMatches(dict, checkpointReference.small['wrapped.pt']!, 'wrapped.pt');
  });

  it('unwraps {"model": ...} and strips a doubled module.module. prefix', async () => {
    const dict = await loadCheckpointFile(join(checkpointFixtures, 'wrapped_model.pt'));
    assert.deepEqual([...dict.keys()], ['head.weight']);
    assert.deepEqual(dict.get('head.weight')!.shape, [4]);
  });

  it('reads .safetensors (F32, F16, BF16, I64), recognised by its bytes', () => {
    const bytes = new Uint8Array(readFileSync(join(checkpointFixtures, 'sample.safetensors')));
    assertMatches(loadCheckpoint(bytes, 'weights.bin'), checkpointReference.small['sample.safetensors']!, 'safetensors');
  });

  it('tells safetensors from a pickle when the header length starts with the byte 0x80', () => {
    const json = JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).padEnd(0x180, ' ');
    const bytes = Buffer.alloc(8 + json.length + 4);
    bytes.writeBigUInt64LE(BigInt(json.length));
    bytes.write(json, 8, 'latin1');
    bytes.writeFloatLE(1.5, 8 + json.length);
    assert.equal(bytes[0], 0x80);
    assert.deepEqual(Array.from(loadCheckpoint(bytes, 'x.safetensors').get('a')!.data as Float32Array), [1.5]);
  });

  it('reads the same checkpoint repacked with DEFLATE entries and ZIP64 records', () => {
    const bytes = new Uint8Array(readFileSync(join(checkpointFixtures, 'small.pt')));
    const zip = openZip(bytes, 'small.pt');
    const entries = [...zip.entries.keys()].map((name, i) => ({ name, data: zip.read(name), deflate: i % 2 === 0 }));
    for (const zip64 of [false, true]) {
      const repacked = buildZip(entries, { zip64 });
      assertMatches(loadCheckpoint(repacked, 'repacked.pt'), checkpointReference.small['small.pt']!, `zip64=${zip64}`);
    }
  });
});

describe('toFloat32', () => {
  it('converts float16 bit patterns exactly, including subnormals, infinities and NaN', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555);
    const got = toFloat32({ dtype: 'float16', shape: [bits.length], data: bits });
    const want = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -0, Infinity, -Infinity, NaN, 0.333251953125];
    want.forEach((w, i) => assert.ok(Object.is(got[i], Math.fround(w)), `0x${bits[i]!.toString(16)}: ${got[i]} vs ${w}`));
  });

  it('widens bfloat16 by shifting into the top half of a float32', () => {
    const bits = Uint16Array.of(0x3f80, 0xc040, 0x7f80, 0x0001, 0x3eab);
    const got = toFloat32({ dtype: 'bfloat16', shape: [bits.length], data: bits });
    const view = new DataView(new ArrayBuffer(4));
    bits.forEach((b, i) => {
      view.setUint32(0, b << 16);
      assert.ok(Object.is(got[i], view.getFloat32(0)), `0x${b.toString(16)}`);
    });
  });

  it('returns a float32 tensor\'s own array and converts int64 to numbers', () => {
    const data = Float32Array.of(1, 2);
    assert.equal(toFloat32({ dtype: 'float32', shape: [2], data }), data);
    assert.deepEqual(Array.from(toFloat32({ dtype: 'int64', shape: [2], data: BigInt64Array.of(-3n, 7n) })), [-3, 7]);
  });
});
