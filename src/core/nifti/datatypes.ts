import type { NiftiDatatype } from './types';

export type VoxelArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

interface DatatypeInfo {
  readonly name: NiftiDatatype;
  readonly code: number;
  readonly bytes: number;
  readonly create: (buffer: ArrayBuffer, byteOffset: number, length: number) => VoxelArray;
  readonly allocate: (length: number) => VoxelArray;
}

const table: readonly DatatypeInfo[] = [
  { name: 'uint8', code: 2, bytes: 1, create: (b, o, n) => new Uint8Array(b, o, n), allocate: (n) => new Uint8Array(n) },
  { name: 'int16', code: 4, bytes: 2, create: (b, o, n) => new Int16Array(b, o, n), allocate: (n) => new Int16Array(n) },
  { name: 'int32', code: 8, bytes: 4, create: (b, o, n) => new Int32Array(b, o, n), allocate: (n) => new Int32Array(n) },
  { name: 'float32', code: 16, bytes: 4, create: (b, o, n) => new Float32Array(b, o, n), allocate: (n) => new Float32Array(n) },
  { name: 'float64', code: 64, bytes: 8, create: (b, o, n) => new Float64Array(b, o, n), allocate: (n) => new Float64Array(n) },
  { name: 'int8', code: 256, bytes: 1, create: (b, o, n) => new Int8Array(b, o, n), allocate: (n) => new Int8Array(n) },
  { name: 'uint16', code: 512, bytes: 2, create: (b, o, n) => new Uint16Array(b, o, n), allocate: (n) => new Uint16Array(n) },
  { name: 'uint32', code: 768, bytes: 4, create: (b, o, n) => new Uint32Array(b, o, n), allocate: (n) => new Uint32Array(n) },
];

/** Codes the standard defines that we do not read, so the error can say what the file holds. */
const unsupportedNames: Readonly<Record<number, string>> = {
  1: 'binary', 32: 'complex64', 128: 'rgb24', 1024: 'int64', 1280: 'uint64', 1536: 'float128',
  1792: 'complex128', 2048: 'complex256', 2304: 'rgba32',
};

export const SUPPORTED_DATATYPES: readonly NiftiDatatype[] = table.map((t) => t.name);

export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return table.find((t) => t.code === code);
}

export function datatypeByName(name: NiftiDatatype): DatatypeInfo {
  const info = table.find((t) => t.name === name);
  if (!info) throw new Error(`unknown datatype ${name}`);
  return info;
}

export function describeUnsupportedDatatype(code: number): string {
  const known = unsupportedNames[code];
  const what = known ? `${known} (code ${code})` : `code ${code}`;
  return `datatype ${what} is not supported; supported: ${SUPPORTED_DATATYPES.join(', ')}`;
}

export function datatypeOfArray(data: VoxelArray): NiftiDatatype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}
