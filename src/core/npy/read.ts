import { readFile } from 'node:fs/promises';
import { gatherStrided } from '../checkpoint/strided';
import { NpyError } from './errors';
import { parseNpyHeader } from './header';

/** The element types we read; numpy's `descr` without the byte-order character. */
export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8';

/** A C-ordered array that owns its data; the union keeps `dtype` and the array type in step. */
export type NpyArray =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array };

const DTYPES: Record<string, { dtype: NpyDtype; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 }, f8: { dtype: 'float64', bytes: 8 }, i8: { dtype: 'int64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 }, u1: { dtype: 'uint8', bytes: 1 },
};
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes a .npy file (format versions 1, 2 and 3) held in memory. Big-endian data is swapped, and Fortran-ordered
 * data transposed, so the result is always native-endian and C-ordered. The header's shape is checked against the
 * data size before anything is allocated.
 */
export function readNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (problem: string): NpyError => new NpyError(file, problem);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail(`.npy format version ${major}.${bytes[7]} is not supported (1 to 3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw fail('the file ends inside the header length: it is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw fail(`the header claims ${headerLength} bytes but the file ends after ${bytes.length - headerStart}: ` +
      'it is truncated');
  }
  // Versions 1 and 2 store the header as latin-1, version 3 as UTF-8.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseNpyHeader(text, file);

  const order = header.descr[0];
  const type = DTYPES[header.descr.slice(1)];
  if (!type || !(order === '<' || order === '>' || order === '|' || order === '=') ||
      (order === '|' && type.bytes !== 1)) {
    throw fail(`dtype ${JSON.stringify(header.descr)} is not supported (float32, float64, int64, int32 and uint8 are)`);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const needed = count * type.bytes;
  const available = bytes.length - dataStart;
  if (!Number.isSafeInteger(needed) || needed !== available) {
    throw fail(`shape (${header.shape.join(', ')}) of ${header.descr} needs ${needed} bytes of data but the file ` +
      `has ${available}${needed > available ? ': it is truncated' : ''}`);
  }

  // A copy, so the typed array is aligned, owns its memory and can be byte-swapped without touching the caller's
  // bytes. (Not bytes.slice: on a Node Buffer that is a view.)
  let data: Uint8Array = new Uint8Array(bytes.subarray(dataStart));
  const bigEndian = order === '>' || (order === '=' && !hostIsLittleEndian);
  if (type.bytes > 1 && bigEndian === hostIsLittleEndian) swapBytes(data, type.bytes);
  if (header.fortranOrder && header.shape.length > 1) {
    // Fortran order: the first index varies fastest; read it as a strided view to get C order.
    const strides = header.shape.map((_, i) => header.shape.slice(0, i).reduce((a, b) => a * b, 1));
    data = gatherStrided(data, type.bytes, 0, header.shape, strides);
  }
  return typedArray(type.dtype, header.shape, data);
}

export async function readNpyFile(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new NpyError(path, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return readNpy(bytes, path);
}

function typedArray(dtype: NpyDtype, shape: number[], bytes: Uint8Array): NpyArray {
  const { buffer, byteOffset, byteLength } = bytes;
  switch (dtype) {
    case 'float32': return { dtype, shape, data: new Float32Array(buffer, byteOffset, byteLength / 4) };
    case 'float64': return { dtype, shape, data: new Float64Array(buffer, byteOffset, byteLength / 8) };
    case 'int64': return { dtype, shape, data: new BigInt64Array(buffer, byteOffset, byteLength / 8) };
    case 'int32': return { dtype, shape, data: new Int32Array(buffer, byteOffset, byteLength / 4) };
    case 'uint8': return { dtype, shape, data: bytes };
  }
}

function swapBytes(data: Uint8Array, width: number): void {
  for (let at = 0; at < data.length; at += width) data.subarray(at, at + width).reverse();
}
