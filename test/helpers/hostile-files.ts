// Hostile inputs, made at test time, each small on disk and built to cost a careless reader time or memory: pickles
// whose values blow up when printed, views and storages that multiply one entry, overlapping safetensors ranges,
// a NIfTI whose vox_offset asks to keep gigabytes. Used by test/hostile-inputs.test.ts.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw, createGzip, crc32 } from 'node:zlib';
import { MARK, PickleWriter } from './pickle-builder';
import { buildZip } from './zip-builder';

const EMPTY_LIST = 0x5d;
const LIST = 0x6c;
const BINPUT = 0x71;
const BINGET = 0x68;
const REDUCE = 0x52;
const BINPERSID = 0x51;
const SETITEM = 0x73;
const EMPTY_TUPLE = 0x29;
const NEWFALSE = 0x89;
const POP = 0x30;

/** Memo slot k holds L_k = [L_{k-1}, L_{k-1}]: a few bytes per level, 2^depth leaves once expanded. Pushes L_depth. */
function pushExponentialList(w: PickleWriter, depth: number): void {
  w.op(EMPTY_LIST, BINPUT, 0, POP);
  for (let k = 1; k <= depth; k++) w.op(MARK, BINGET, k - 1, BINGET, k - 1, LIST, BINPUT, k, POP);
  w.op(BINGET, depth);
}

/** A list nested `depth` deep: [[[…]]]. */
function pushNestedList(w: PickleWriter, depth: number): void {
  for (let k = 0; k < depth; k++) w.op(MARK);
  w.op(EMPTY_LIST);
  for (let k = 0; k < depth; k++) w.op(LIST);
}

type Storage = 'FloatStorage' | 'HalfStorage' | 'LongStorage' | 'BFloat16Storage';

/** `_rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())`; `offset`/`numel` may be pushed. */
function pushTensor(w: PickleWriter, o: {
  storage?: Storage; key?: string; numel: number | ((w: PickleWriter) => void); offset: number | ((w: PickleWriter) => void);
  size: number[]; stride: number[];
}): void {
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.tuple((t) => {
    t.tuple((p) => {
      p.str('storage').global('torch', o.storage ?? 'FloatStorage').str(o.key ?? '0').str('cpu');
      if (typeof o.numel === 'number') p.int(o.numel); else o.numel(p);
    }).op(BINPERSID);
    if (typeof o.offset === 'number') t.int(o.offset); else o.offset(t);
    t.tuple((s) => o.size.forEach((v) => s.int(v)));
    t.tuple((s) => o.stride.forEach((v) => s.int(v)));
    t.op(NEWFALSE).global('collections', 'OrderedDict').op(EMPTY_TUPLE, REDUCE);
  });
  w.op(REDUCE);
}

/** OrderedDict() filled with SETITEM for each (key, push value). */
function orderedDict(entries: [string, (w: PickleWriter) => void][]): Uint8Array {
  const w = new PickleWriter();
  w.global('collections', 'OrderedDict').op(EMPTY_TUPLE, REDUCE);
  for (const [key, value] of entries) {
    w.str(key);
    value(w);
    w.op(SETITEM);
  }
  return w.done();
}

function archive(pickle: Uint8Array, storages: { name: string; data: Uint8Array; deflated?: { size: number; crc: number } }[] = [], extra: Record<string, Uint8Array> = {}): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: pickle },
    ...storages.map((s) => ({ name: `archive/data/${s.name}`, data: s.data, ...(s.deflated ? { deflated: s.deflated } : {}) })),
    ...Object.entries(extra).map(([name, data]) => ({ name: `archive/${name}`, data })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

const smallStorage = { name: '0', data: new Uint8Array(new Float32Array(4).buffer) };

/** The exponential list as a tensor's storage offset, as a storage's element count, or as a state-dict key. */
export function exponentialPickle(depth: number, where: 'offset' | 'numel' | 'key'): Uint8Array {
  if (where === 'key') {
    // OrderedDict([(L, tensor)]): the pairs form of OrderedDict lets a list through as a key.
    const w = new PickleWriter();
    w.global('collections', 'OrderedDict');
    w.tuple((args) => {
      args.op(MARK);
      args.tuple((pair) => {
        pushExponentialList(pair, depth);
        pushTensor(pair, { numel: 4, offset: 0, size: [4], stride: [1] });
      });
      args.op(LIST);
    });
    w.op(REDUCE);
    return archive(w.done(), [smallStorage]);
  }
  const pickle = orderedDict([['w', (w) => pushTensor(w, {
    numel: where === 'numel' ? (p) => pushExponentialList(p, depth) : 4,
    offset: where === 'offset' ? (p) => pushExponentialList(p, depth) : 0,
    size: [4], stride: [1],
  })]]);
  return archive(pickle, [smallStorage]);
}

/** A list nested `depth` deep as a tensor's storage offset. */
export function nestedOffsetPickle(depth: number): Uint8Array {
  return archive(orderedDict([['w', (w) => pushTensor(w, { numel: 4, offset: (p) => pushNestedList(p, depth), size: [4], stride: [1] })]]), [smallStorage]);
}

/** Streams `bytes` zeros through raw deflate: the compressed body, its size and CRC, without holding the zeros. */
async function deflatedZeros(bytes: number): Promise<{ data: Uint8Array; deflated: { size: number; crc: number } }> {
  const chunk = Buffer.alloc(1 << 20);
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (d: Buffer) => parts.push(d));
  let crc = 0;
  for (let done = 0; done < bytes; done += chunk.length) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - done));
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { data: Buffer.concat(parts), deflated: { size: bytes, crc: crc >>> 0 } };
}

/** `count` tensors, each a view of the whole of one 64 MiB storage (deflated zeros, so the file stays small). */
export async function sharedStorageViews(count: number, transposed = false): Promise<Uint8Array> {
  const elements = 16 * 2 ** 20;
  const storage = { name: '0', ...(await deflatedZeros(elements * 4)) };
  const entries: [string, (w: PickleWriter) => void][] = [];
  for (let i = 0; i < count; i++) {
    entries.push([`w${i}`, (w) => pushTensor(w, transposed
      ? { numel: elements, offset: 0, size: [4096, 4096], stride: [1, 4096] }
      : { numel: elements, offset: 0, size: [elements], stride: [1] })]);
  }
  return archive(orderedDict(entries), [storage]);
}

/** One deflated entry of `bytes` zeros, claimed by four storages of different dtypes. */
export async function oneEntryFourDtypes(bytes: number): Promise<Uint8Array> {
  const storage = { name: '0', ...(await deflatedZeros(bytes)) };
  const claims: [Storage, number][] = [['FloatStorage', 4], ['HalfStorage', 2], ['LongStorage', 8], ['BFloat16Storage', 2]];
  return archive(orderedDict(claims.map(([type, item], i) => [`w${i}`, (w) => pushTensor(w, {
    storage: type, numel: bytes / item, offset: 0, size: [bytes / item], stride: [1],
  })])), [storage]);
}

/** A state dict whose one key is `key`, and a zip whose byteorder entry is `byteorder`. */
export function keyedCheckpoint(key: string, byteorder?: string): Uint8Array {
  const pickle = orderedDict([[key, (w) => pushTensor(w, { numel: 4, offset: 0, size: [4], stride: [1] })]]);
  return archive(pickle, [smallStorage], byteorder === undefined ? {} : { byteorder: Buffer.from(byteorder, 'utf8') });
}

/** A pickle that names a global through STACK_GLOBAL with file-controlled strings. */
export function stackGlobalCheckpoint(module: string, name: string): Uint8Array {
  const w = new PickleWriter();
  w.str(module).str(name).op(0x93); // STACK_GLOBAL
  w.op(EMPTY_TUPLE, REDUCE);
  return archive(w.done(), [smallStorage]);
}

/** `count` tensors that all claim the same data_offsets of one `bytes`-long range. */
export function overlappingSafetensors(count: number, bytes: number): Uint8Array {
  const header: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) header[`t${i}`] = { dtype: 'F32', shape: [bytes / 4], data_offsets: [0, bytes] };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(bytes)]);
}

/** An 8×8×8 int16 .nii.gz with vox_offset `voxOffset`: header, then zeros up to the data, then 1 KiB of voxels. */
export async function farVoxOffsetNifti(path: string, voxOffset: number): Promise<void> {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  [3, 8, 8, 8, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(4, 70); // int16
  header.writeInt16LE(16, 72);
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((p, i) => header.writeFloatLE(p, 76 + 4 * i));
  header.writeFloatLE(voxOffset, 108);
  header.writeFloatLE(1, 112); // scl_slope
  header.write('n+1\0', 344, 'latin1');
  const gzip = createGzip({ level: 9 });
  const file = createWriteStream(path);
  gzip.pipe(file);
  const write = async (bytes: Uint8Array): Promise<void> => { if (!gzip.write(bytes)) await once(gzip, 'drain'); };
  await write(header);
  const zeros = Buffer.alloc(1 << 20);
  for (let at = 352; at < voxOffset; at += zeros.length) await write(zeros.subarray(0, Math.min(zeros.length, voxOffset - at)));
  const voxels = new Int16Array(512).map((_, i) => i);
  await write(new Uint8Array(voxels.buffer));
  gzip.end();
  await once(file, 'close');
}
