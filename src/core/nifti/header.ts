import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { NiftiError } from './nifti-error';
import type { NiftiHeader } from './types';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;
/** Enough bytes to tell the version and byte order and to hold either header. */
export const MAX_HEADER_BYTES = NIFTI2_HEADER_BYTES;

export interface HeaderKind {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  readonly headerBytes: number;
}

/** Tells the version and byte order from sizeof_hdr, which the standard fixes at 348 or 540. */
export function detectHeaderKind(bytes: Uint8Array, file: string): HeaderKind {
  if (bytes.length === 0) throw new NiftiError(file, 'the file is empty');
  if (bytes.length < 4) throw new NiftiError(file, `the file is only ${bytes.length} bytes long: not a NIfTI file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES) return { version: 1, littleEndian, headerBytes: NIFTI1_HEADER_BYTES };
    if (size === NIFTI2_HEADER_BYTES) return { version: 2, littleEndian, headerBytes: NIFTI2_HEADER_BYTES };
  }
  throw new NiftiError(file,
    `sizeof_hdr is ${view.getInt32(0, true)}, neither 348 (NIfTI-1) nor 540 (NIfTI-2) in either byte order: not a NIfTI file`);
}

const NIFTI1_MAGIC_SINGLE = 'n+1\0';
const NIFTI1_MAGIC_PAIR = 'ni1\0';
const NIFTI2_MAGIC_SINGLE = 'n+2\0\r\n\x1a\n';
const NIFTI2_MAGIC_PAIR = 'ni2\0\r\n\x1a\n';

/**
 * Parses a header. nifti-reader-js reads the scalar fields; we correct it where it is wrong for us:
 * - it takes the qform whenever qform_code > sform_code, and diag(pixdim) with neither: we keep the raw qform and
 *   sform fields and choose the affine ourselves (see affine.ts);
 * - its 64-bit reader double-applies the sign for negative values and swaps words in big-endian files, so NIfTI-2
 *   dim and vox_offset are read here exactly, with BigInt;
 * - it does not check the magic, and its extension walker can loop forever on a negative esize, so it only ever
 *   sees the fixed-size header, never the extension bytes.
 */
export function parseHeader(bytes: Uint8Array, file: string): NiftiHeader {
  const kind = detectHeaderKind(bytes, file);
  if (bytes.length < kind.headerBytes) {
    throw new NiftiError(file,
      `the file ends after ${bytes.length} bytes, inside the ${kind.headerBytes}-byte NIfTI-${kind.version} header`);
  }
  // A copy of its own: the reader takes an ArrayBuffer, and a Node Buffer's may be a shared pool.
  const headerCopy = new Uint8Array(kind.headerBytes);
  headerCopy.set(bytes.subarray(0, kind.headerBytes));
  const view = new DataView(headerCopy.buffer);
  const le = kind.littleEndian;
  checkMagic(headerCopy, kind, file);

  let parsed: NIFTI1 | NIFTI2;
  try {
    parsed = kind.version === 1 ? new NIFTI1() : new NIFTI2();
    parsed.readHeader(headerCopy.buffer);
  } catch (err) {
    throw new NiftiError(file, `unreadable NIfTI-${kind.version} header (${(err as Error).message})`);
  }

  const dim = kind.version === 1 ? [...parsed.dims] : readInt64Array(view, 16, 8, le, file, 'dim');
  const voxOffset = kind.version === 1 ? parsed.vox_offset : readInt64Array(view, 168, 1, le, file, 'vox_offset')[0]!;
  const srowStart = kind.version === 1 ? 280 : 400;
  const srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => kind.version === 1
    ? view.getFloat32(srowStart + (r * 4 + c) * 4, le)
    : view.getFloat64(srowStart + (r * 4 + c) * 8, le)));

  return {
    version: kind.version,
    littleEndian: le,
    dim,
    datatypeCode: parsed.datatypeCode,
    bitpix: parsed.numBitsPerVoxel,
    voxOffset,
    sclSlope: parsed.scl_slope,
    sclInter: parsed.scl_inter,
    calMin: parsed.cal_min,
    calMax: parsed.cal_max,
    intentCode: parsed.intent_code,
    description: parsed.description.replace(/\0.*$/s, ''),
    qformCode: parsed.qform_code,
    sformCode: parsed.sform_code,
    quatern: [parsed.quatern_b, parsed.quatern_c, parsed.quatern_d],
    qoffset: [parsed.qoffset_x, parsed.qoffset_y, parsed.qoffset_z],
    pixdim: [...parsed.pixDims],
    srow,
    xyztUnits: parsed.xyzt_units,
    dimInfo: parsed.dim_info,
  };
}

function checkMagic(header: Uint8Array, kind: HeaderKind, file: string): void {
  const [start, length] = kind.version === 1 ? [344, 4] : [4, 8];
  const magic = String.fromCharCode(...header.subarray(start, start + length));
  const single = kind.version === 1 ? NIFTI1_MAGIC_SINGLE : NIFTI2_MAGIC_SINGLE;
  const pair = kind.version === 1 ? NIFTI1_MAGIC_PAIR : NIFTI2_MAGIC_PAIR;
  if (magic === single) return;
  if (magic === pair) {
    throw new NiftiError(file, 'this is the header of a .hdr/.img pair; only single-file .nii and .nii.gz are supported');
  }
  throw new NiftiError(file, `magic is ${JSON.stringify(magic)}, not ${JSON.stringify(single)}: not a single-file NIfTI-${kind.version}`);
}

function readInt64Array(view: DataView, offset: number, count: number, le: boolean, file: string, field: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const big = view.getBigInt64(offset + i * 8, le);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new NiftiError(file, `${field}${count > 1 ? `[${i}]` : ''} is ${big}, far beyond any real image`);
    }
    out.push(Number(big));
  }
  return out;
}
