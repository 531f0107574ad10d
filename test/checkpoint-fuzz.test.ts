// Property tests: whatever a fuzzer makes of a checkpoint is either loaded consistently or refused with a
// CheckpointError, quickly; never another error type, never a hang.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CheckpointError, loadCheckpoint, numelOf, openZip } from '../src/core/checkpoint';
import { checkpointFixtures } from './helpers/checkpoint-reference';
import { buildZip } from './helpers/zip-builder';

const small = new Uint8Array(readFileSync(join(checkpointFixtures, 'small.pt')));
const safetensors = new Uint8Array(readFileSync(join(checkpointFixtures, 'sample.safetensors')));
const zip = openZip(small, 'small.pt');
const entries = [...zip.entries.keys()].map((name) => ({ name, data: zip.read(name) }));
const pickleIndex = entries.findIndex((e) => e.name.endsWith('/data.pkl'));
const pickle = entries[pickleIndex]!.data;

/** Loads, and checks the outcome is one of the two allowed: a consistent state dict, or a CheckpointError. */
function loadsOrRefuses(bytes: Uint8Array, name: string): 'loaded' | 'refused' {
  const start = performance.now();
  try {
    const dict = loadCheckpoint(bytes, name);
    for (const [key, t] of dict) {
      assert.equal(typeof key, 'string');
      assert.equal(t.data.length, numelOf(t.shape), `${key}: data fills the shape`);
    }
    return 'loaded';
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw new Error(`not a CheckpointError: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(err.message.startsWith(`${name}: `), 'the error names the file');
    return 'refused';
  } finally {
    assert.ok(performance.now() - start < 1000, 'answered within a second');
  }
}

/** The archive again, with its pickle replaced and CRCs recomputed, so the unpickler (not the CRC) meets the damage. */
function withPickle(bytes: Uint8Array): Uint8Array {
  return buildZip(entries.map((e, i) => (i === pickleIndex ? { name: e.name, data: bytes } : e)));
}

const edits = (limit: number) =>
  fc.array(fc.tuple(fc.nat(limit - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });

function apply(bytes: Uint8Array, changes: [number, number][]): Uint8Array {
  const out = bytes.slice();
  for (const [at, value] of changes) out[at] = value;
  return out;
}

describe('fuzzed checkpoints', () => {
  it('mutated bytes anywhere in a .pt', () => {
    fc.assert(fc.property(edits(small.length), (changes) => {
      loadsOrRefuses(apply(small, changes), 'mutated.pt');
    }), { numRuns: 1000, seed: 20261126 });
  });

  it('mutated zip structure (the central directory and end records)', () => {
    const tail = small.length - 2048;
    fc.assert(fc.property(edits(2048), (changes) => {
      loadsOrRefuses(apply(small, changes.map(([at, v]) => [tail + at, v])), 'tail.pt');
    }), { numRuns: 1000, seed: 5 });
  });

  it('mutated pickles inside a valid archive', () => {
    let loaded = 0;
    fc.assert(fc.property(edits(pickle.length), (changes) => {
      if (loadsOrRefuses(withPickle(apply(pickle, changes)), 'pickle.pt') === 'loaded') loaded++;
    }), { numRuns: 2000, seed: 42 });
    assert.ok(loaded > 0, 'some mutations (e.g. of float values or names) still load');
  });

  it('truncated pickles and random bytes as pickles', () => {
    fc.assert(fc.property(fc.nat(pickle.length - 1), (cut) => {
      assert.equal(loadsOrRefuses(withPickle(pickle.subarray(0, cut)), 'cut-pickle.pt'), 'refused');
    }), { numRuns: 300, seed: 3 });
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
      loadsOrRefuses(withPickle(Uint8Array.from([0x80, 0x02, ...bytes])), 'random.pt');
    }), { numRuns: 1000, seed: 9 });
  });

  it('truncated .pt files are always refused', () => {
    fc.assert(fc.property(fc.nat(small.length - 1), (cut) => {
      assert.equal(loadsOrRefuses(small.subarray(0, cut), 'cut.pt'), 'refused');
    }), { numRuns: 300, seed: 11 });
  });

  it('mutated .safetensors files', () => {
    fc.assert(fc.property(edits(safetensors.length), (changes) => {
      loadsOrRefuses(apply(safetensors, changes), 'mutated.safetensors');
    }), { numRuns: 1000, seed: 17 });
  });
});
