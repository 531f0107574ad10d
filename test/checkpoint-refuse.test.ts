// Checkpoints we must not or cannot load are refused with one CheckpointError naming the file and the problem:
// forbidden globals (nothing runs), the legacy format, damaged archives, and state dicts that do not fit a model.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CheckpointError, checkStateDict, diffStateDict, loadCheckpoint, loadCheckpointFile, type StateDict,
} from '../src/core/checkpoint';
import { checkpointFixtures, checkpointReference } from './helpers/checkpoint-reference';
import { EMPTY_DICT, MARK, PickleWriter, SETITEM, torchZip } from './helpers/pickle-builder';
import { buildZip } from './helpers/zip-builder';

/** What make_fixtures.py's os.system payload would write if anything executed it. */
const MARKER = '/tmp/swinfuse-checkpoint-pwned';

function refuses(load: () => unknown, file: string, problem: RegExp): CheckpointError {
  let caught: unknown;
  try {
    load();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CheckpointError, `expected a CheckpointError, got ${String(caught)}`);
  assert.equal(caught.file, file);
  assert.ok(caught.message.startsWith(`${file}: `), `the message names the file: ${caught.message}`);
  assert.match(caught.problem, problem);
  return caught;
}

async function refusesFile(name: string, problem: RegExp): Promise<CheckpointError> {
  const path = join(checkpointFixtures, name);
  const err = await loadCheckpointFile(path).then(() => undefined, (e: unknown) => e);
  return refuses(() => { if (err) throw err; }, path, problem);
}

/** {'w': tensor} with a crafted storage. */
function oneTensor(numel: number, offset: number, size: number[], stride: number[], storage = new Float32Array(numel)): Uint8Array {
  const pickle = new PickleWriter().op(EMPTY_DICT).str('w').tensor('0', numel, offset, size, stride).op(SETITEM).done();
  return torchZip(pickle, { 0: storage });
}

describe('refused checkpoints', () => {
  for (const name of ['forbidden.pt', 'forbidden_p4.pt']) {
    it(`${name}: a global outside the allow-list is named and never run`, async () => {
      rmSync(MARKER, { force: true });
      await refusesFile(name, /refusing to load global "posix\.system"/);
      assert.equal(existsSync(MARKER), false, 'the payload did not run');
    });
  }

  it('a pickled module (not a state dict) is refused at its class', async () => {
    await refusesFile('whole_module.pt', /refusing to load global "torch\.nn\.modules\.linear\.Linear".*state_dict\(\)/);
  });

  it('float64 storages are refused with a hint to convert', async () => {
    await refusesFile('float64.pt', /refusing to load global "torch\.DoubleStorage".*\.float\(\)/);
  });

  it('the legacy non-zip format is recognised and the fix given', async () => {
    await refusesFile('legacy.pt', /legacy .*non-zip.*torch\.save\(/);
  });

  it('a storage entry shorter than its tensor claims', async () => {
    await refusesFile('short_storage.pt', /storage "0" should hold 256 bytes, but its entry .*data\/0 holds 10: the file is truncated or corrupted/);
  });

  it('a missing file', async () => {
    await refusesFile('no-such-file.pt', /cannot read the file \(ENOENT\)/);
  });

  it('empty, bare-pickle, TorchScript, data.pkl-less and unrelated files', () => {
    refuses(() => loadCheckpoint(new Uint8Array(0), 'e.pt'), 'e.pt', /empty/);
    refuses(() => loadCheckpoint(Uint8Array.of(0x80, 0x02, 0x7d, 0x2e), 'p.pkl'), 'p.pkl', /bare Python pickle/);
    refuses(() => loadCheckpoint(Buffer.from('hello, world'), 't.txt'), 't.txt', /not a PyTorch checkpoint/);
    const script = buildZip([{ name: 'm/constants.pkl', data: Uint8Array.of(1) }, { name: 'm/code/__torch__.py', data: Uint8Array.of(1) }]);
    refuses(() => loadCheckpoint(script, 's.pt'), 's.pt', /TorchScript/);
    refuses(() => loadCheckpoint(buildZip([{ name: 'x/readme', data: Uint8Array.of(1) }]), 'z.pt'), 'z.pt', /without a data\.pkl/);
  });

  it('truncated archives', () => {
    const bytes = new Uint8Array(readFileSync(join(checkpointFixtures, 'small.pt')));
    for (const cut of [10, 100, bytes.length / 2, bytes.length - 30, bytes.length - 1]) {
      refuses(() => loadCheckpoint(bytes.subarray(0, Math.floor(cut)), 'cut.pt'), 'cut.pt', /truncated|corrupted|not a zip/);
    }
  });

  it('a flipped byte in a storage or in the pickle fails the CRC', () => {
    const bytes = new Uint8Array(readFileSync(join(checkpointFixtures, 'small.pt')));
    for (const at of [80, 1500]) {
      const damaged = bytes.slice();
      damaged[at]! ^= 0x40;
      refuses(() => loadCheckpoint(damaged, 'crc.pt'), 'crc.pt', /CRC-32.*corrupted/);
    }
  });

  it('big-endian storages', () => {
    const zip = torchZip(new PickleWriter().op(EMPTY_DICT).done(), {}, { byteorder: 'big' });
    refuses(() => loadCheckpoint(zip, 'be.pt'), 'be.pt', /its byteorder entry says "big"; only little-endian/);
  });
});

describe('crafted pickles', () => {
  it('a well-formed crafted tensor loads (the builder is sound)', () => {
    const dict = loadCheckpoint(oneTensor(6, 1, [2, 2], [1, 2], Float32Array.of(0, 1, 2, 3, 4, 5)), 'ok.pt');
    assert.deepEqual(Array.from(dict.get('w')!.data as Float32Array), [1, 3, 2, 4]);
  });

  it('a view reaching past its storage', () => {
    refuses(() => loadCheckpoint(oneTensor(4, 1, [4], [1]), 'over.pt'), 'over.pt',
      /data\.pkl, byte \d+, REDUCE \(0x52\): a \[4\] tensor .* reaches element 4 of storage "0", which holds 4/);
  });

  it('an expanded view that would allocate without bound', () => {
    refuses(() => loadCheckpoint(oneTensor(1, 0, [1 << 20, 1 << 10], [0, 0]), 'bomb.pt'), 'bomb.pt', /expanded tensors that large/);
  });

  it('an unsupported opcode is named with its byte offset', () => {
    const pickle = new PickleWriter().op(EMPTY_DICT, 0x69).done(); // INST
    refuses(() => loadCheckpoint(torchZip(pickle), 'inst.pt'), 'inst.pt', /byte 3, INST \(0x69\): .*not supported/);
  });

  it('builtins.eval and friends, reached by GLOBAL or STACK_GLOBAL', () => {
    const viaGlobal = new PickleWriter().global('builtins', 'eval').str('1').op(0x85, 0x52).done();
    refuses(() => loadCheckpoint(torchZip(viaGlobal), 'g.pt'), 'g.pt', /byte 2, GLOBAL \(0x63\): refusing to load global "builtins\.eval"/);
    const viaStack = new PickleWriter().str('os').str('system').op(0x93).done();
    refuses(() => loadCheckpoint(torchZip(viaStack), 's.pt'), 's.pt', /refusing to load global "os\.system"/);
  });

  it('a storage the archive lacks, and a persistent id of the wrong form', () => {
    const pickle = new PickleWriter().op(EMPTY_DICT).str('w').tensor('7', 4, 0, [4], [1]).op(SETITEM).done();
    refuses(() => loadCheckpoint(torchZip(pickle), 'lack.pt'), 'lack.pt', /storage "7" refers to archive\/data\/7, which the archive lacks/);
    const odd = new PickleWriter().op(MARK).str('storage').op(0x74, 0x51).done();
    refuses(() => loadCheckpoint(torchZip(odd), 'pid.pt'), 'pid.pt', /persistent id must be/);
  });

  it('a top level that is not a dict of tensors', () => {
    refuses(() => loadCheckpoint(torchZip(new PickleWriter().op(0x5d).done()), 'list.pt'), 'list.pt', /holds a list of 0 items, not a dict/);
    const mixed = new PickleWriter().op(EMPTY_DICT).str('epoch').int(3).op(SETITEM).done();
    refuses(() => loadCheckpoint(torchZip(mixed), 'mixed.pt'), 'mixed.pt', /"epoch" is the int 3/);
  });
});

describe('safetensors refusals', () => {
  const header = (json: object, data = new Uint8Array(0)): Uint8Array => {
    const text = Buffer.from(JSON.stringify(json));
    const out = Buffer.alloc(8 + text.length + data.length);
    out.writeBigUInt64LE(BigInt(text.length));
    text.copy(out, 8);
    out.set(data, 8 + text.length);
    return new Uint8Array(out);
  };

  it('unsupported dtypes, wrong spans and truncated data', () => {
    refuses(() => loadCheckpoint(header({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), 'a.safetensors'),
      'a.safetensors', /dtype "F64"; only F32, F16, BF16 and I64/);
    refuses(() => loadCheckpoint(header({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(12)), 'b.safetensors'),
      'b.safetensors', /needs 12 bytes but data_offsets span 8/);
    refuses(() => loadCheckpoint(header({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, new Uint8Array(8)), 'c.safetensors'),
      'c.safetensors', /truncated/);
  });
});

describe('checkStateDict', () => {
  const listing = checkpointReference.models['swinunetr_f12']!;
  const expected = new Map(Object.entries(listing).map(([k, v]) => [k, v.shape]));
  const fake = (keys: Iterable<[string, number[]]>): StateDict =>
    new Map([...keys].map(([k, shape]) => [k, { dtype: 'float32', shape, data: new Float32Array(0) }]));

  it('passes a dict that fits', () => {
    checkStateDict(fake(expected), expected, 'ok.pt');
  });

  it('lists every missing, unexpected and mis-shaped key in one error, 20 per category at most', () => {
    const entries = [...expected];
    const dict = fake(entries.slice(25));                      // 25 missing
    dict.set('extra.weight', { dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const [key, shape] = entries[30]!;
    dict.set(key, { dtype: 'float32', shape: [...shape, 2], data: new Float32Array(0) });
    const err = refuses(() => checkStateDict(dict, expected, 'm.pt'), 'm.pt',
      /^the checkpoint does not fit the model: 25 missing keys: swinViT\.patch_embed\.proj\.weight, .* and 5 more; 1 unexpected key: extra\.weight; 1 key with the wrong shape: /);
    assert.ok(err.problem.includes(`${key} (expected [${shape.join(', ')}], got [${[...shape, 2].join(', ')}])`), err.problem);
    const diff = diffStateDict(dict, expected);
    assert.equal(diff.missing.length, 25);
    assert.deepEqual(diff.unexpected, ['extra.weight']);
    assert.deepEqual(diff.misshaped.map((m) => m.key), [key]);
  });
});
