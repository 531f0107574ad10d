import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { writeFileAtomic } from '../io/atomic-write';
import { datatypeByName, datatypeOfArray, type VoxelArray } from './datatypes';
import { NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './header';
import type { NiftiGeometry, VoxelScaling } from './types';

const gzipAsync = promisify(gzip);

export interface NiftiWriteInput {
  /** Stored shape, [X, Y, Z] or [X, Y, Z, C]. */
  readonly shape: readonly number[];
  /** Values in stored order, first axis fastest: Uint8Array for label masks, Float32Array for float volumes. */
  readonly data: VoxelArray;
  /** Copied unchanged from the source image, so the result overlays it exactly. */
  readonly geometry: NiftiGeometry;
  /** Header version; keep the source's so NIfTI-2 float64 geometry is not rounded to float32. Default 1. */
  readonly version?: 1 | 2;
  readonly scaling?: VoxelScaling | null;
  readonly description?: string;
  /** NIFTI_INTENT_LABEL (1002) for masks. */
  readonly intentCode?: number;
  readonly calRange?: readonly [number, number];
}

export const NIFTI_INTENT_LABEL = 1002;

/** Encodes a single-file NIfTI, little-endian; gzip-compressed when `compress` is set. */
export async function encodeNifti(input: NiftiWriteInput, compress: boolean): Promise<Uint8Array> {
  const version = input.version ?? 1;
  const datatype = datatypeByName(datatypeOfArray(input.data));
  const voxelCount = input.shape.reduce((a, b) => a * b, 1);
  if (input.shape.length < 1 || input.shape.length > 4 || input.shape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`cannot write shape ${JSON.stringify(input.shape)}: it needs 1 to 4 positive dimensions`);
  }
  if (voxelCount !== input.data.length) {
    throw new Error(`cannot write ${input.data.length} values as shape ${input.shape.join('×')} (${voxelCount} voxels)`);
  }
  const headerBytes = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  const voxOffset = headerBytes + 4; // 4 zero bytes: "no extensions"
  const out = new Uint8Array(voxOffset + input.data.byteLength);
  const view = new DataView(out.buffer);
  (version === 1 ? writeHeader1 : writeHeader2)(view, input, datatype.code, datatype.bytes * 8, voxOffset);
  out.set(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), voxOffset);
  return compress ? new Uint8Array(await gzipAsync(out, { level: 6 })) : out;
}

/** Encodes and writes atomically; `.gz` in the name means compressed. */
export async function writeNiftiFile(path: string, input: NiftiWriteInput): Promise<void> {
  await writeFileAtomic(path, await encodeNifti(input, path.toLowerCase().endsWith('.gz')));
}

function dims(shape: readonly number[]): number[] {
  return [shape.length, ...Array.from({ length: 7 }, (_, i) => shape[i] ?? 1)];
}

function writeAscii(view: DataView, offset: number, length: number, text: string): void {
  for (let i = 0; i < Math.min(length - 1, text.length); i++) view.setUint8(offset + i, text.charCodeAt(i) & 0x7f);
}

function writeHeader1(view: DataView, input: NiftiWriteInput, code: number, bitpix: number, voxOffset: number): void {
  const g = input.geometry;
  const le = true;
  view.setInt32(0, NIFTI1_HEADER_BYTES, le);
  view.setUint8(38, 'r'.charCodeAt(0));
  view.setUint8(39, g.dimInfo);
  dims(input.shape).forEach((d, i) => view.setInt16(40 + i * 2, d, le));
  view.setInt16(68, input.intentCode ?? 0, le);
  view.setInt16(70, code, le);
  view.setInt16(72, bitpix, le);
  for (let i = 0; i < 8; i++) view.setFloat32(76 + i * 4, g.pixdim[i] ?? (i === 0 ? 1 : 0), le);
  view.setFloat32(108, voxOffset, le);
  view.setFloat32(112, input.scaling?.slope ?? 1, le);
  view.setFloat32(116, input.scaling?.inter ?? 0, le);
  view.setUint8(123, g.xyztUnits);
  view.setFloat32(124, input.calRange?.[1] ?? 0, le);
  view.setFloat32(128, input.calRange?.[0] ?? 0, le);
  writeAscii(view, 148, 80, input.description ?? '');
  view.setInt16(252, g.qformCode, le);
  view.setInt16(254, g.sformCode, le);
  g.quatern.forEach((v, i) => view.setFloat32(256 + i * 4, v, le));
  g.qoffset.forEach((v, i) => view.setFloat32(268 + i * 4, v, le));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) view.setFloat32(280 + (r * 4 + c) * 4, g.srow[r]![c]!, le);
  writeAscii(view, 344, 4, 'n+1');
}

function writeHeader2(view: DataView, input: NiftiWriteInput, code: number, bitpix: number, voxOffset: number): void {
  const g = input.geometry;
  const le = true;
  view.setInt32(0, NIFTI2_HEADER_BYTES, le);
  [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a].forEach((b, i) => view.setUint8(4 + i, b));
  view.setInt16(12, code, le);
  view.setInt16(14, bitpix, le);
  dims(input.shape).forEach((d, i) => view.setBigInt64(16 + i * 8, BigInt(d), le));
  for (let i = 0; i < 8; i++) view.setFloat64(104 + i * 8, g.pixdim[i] ?? (i === 0 ? 1 : 0), le);
  view.setBigInt64(168, BigInt(voxOffset), le);
  view.setFloat64(176, input.scaling?.slope ?? 1, le);
  view.setFloat64(184, input.scaling?.inter ?? 0, le);
  view.setFloat64(192, input.calRange?.[1] ?? 0, le);
  view.setFloat64(200, input.calRange?.[0] ?? 0, le);
  writeAscii(view, 240, 80, input.description ?? '');
  view.setInt32(344, g.qformCode, le);
  view.setInt32(348, g.sformCode, le);
  g.quatern.forEach((v, i) => view.setFloat64(352 + i * 8, v, le));
  g.qoffset.forEach((v, i) => view.setFloat64(376 + i * 8, v, le));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) view.setFloat64(400 + (r * 4 + c) * 8, g.srow[r]![c]!, le);
  view.setInt32(500, g.xyztUnits, le);
  view.setInt32(504, input.intentCode ?? 0, le);
  view.setUint8(524, g.dimInfo);
}
