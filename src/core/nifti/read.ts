import { readFile, stat } from 'node:fs/promises';
import { axcodesFromAffine, bestAffine, type AffineSource } from './affine';
import { datatypeByName, type VoxelArray } from './datatypes';
import { gunzipBounded, isGzip } from './gunzip';
import { MAX_HEADER_BYTES, parseHeader } from './header';
import { planDataLayout, type DataLayout, type ReadLimits } from './layout';
import { NiftiError } from './nifti-error';
import type { Mat4, NiftiHeader, NiftiVolume, VoxelScaling } from './types';

export type ReadOptions = ReadLimits;

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes a .nii or .nii.gz held in memory. `file` names it in errors. Gzip is recognised by its magic bytes, not
 * by the name, so a mislabelled file still opens.
 */
export async function readNifti(bytes: Uint8Array, file: string, options: ReadOptions = {}): Promise<NiftiVolume> {
  if (isGzip(bytes)) {
    let header: NiftiHeader | undefined;
    let layout: DataLayout | undefined;
    // Only the voxel data is kept: the header is parsed from the stream's first bytes, and what lies between it and
    // vox_offset (extensions, or a gap a hostile header asks for) is inflated and dropped.
    const voxels = await gunzipBounded(bytes, file, MAX_HEADER_BYTES, (prefix) => {
      header = parseHeader(prefix, file);
      layout = planDataLayout(header, file, options);
      return { from: layout.dataOffset, bytes: layout.dataBytes };
    });
    return assemble(file, header!, { ...layout!, dataOffset: 0 }, voxels, true);
  }
  const header = parseHeader(bytes, file);
  const layout = planDataLayout(header, file, options);
  if (layout.dataOffset >= bytes.length) {
    throw new NiftiError(file, `vox_offset ${header.voxOffset} is past the end of the file (${bytes.length} bytes)`);
  }
  const available = bytes.length - layout.dataOffset;
  if (available < layout.dataBytes) {
    throw new NiftiError(file,
      `the header needs ${layout.dataBytes} bytes of voxel data (${layout.shape.join('×')} ${layout.datatype}) ` +
      `but the file holds only ${available} after vox_offset: the file is truncated`);
  }
  return assemble(file, header, layout, bytes, false);
}

export async function readNiftiFile(path: string, options: ReadOptions = {}): Promise<NiftiVolume> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new NiftiError(path, 'not a regular file');
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof NiftiError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new NiftiError(path, e.code === 'ENOENT' ? 'no such file' : `cannot be read (${e.code ?? e.message})`);
  }
  return readNifti(bytes, path, options);
}

/** `owned` says whether `bytes` is our own buffer, which we may byte-swap in place and keep a view of. */
function assemble(file: string, header: NiftiHeader, layout: DataLayout, bytes: Uint8Array, owned: boolean): NiftiVolume {
  const data = voxelArray(bytes, layout, header.littleEndian, owned);
  const { affine, source } = bestAffine(header, layout.shape);
  checkAffine(file, affine, source, header);
  return {
    file,
    header,
    shape: layout.shape,
    datatype: layout.datatype,
    data,
    scaling: scalingOf(header),
    affine,
    axcodes: axcodesFromAffine(affine),
  };
}

function voxelArray(bytes: Uint8Array, layout: DataLayout, littleEndian: boolean, owned: boolean): VoxelArray {
  const info = datatypeByName(layout.datatype);
  const start = bytes.byteOffset + layout.dataOffset;
  const swap = littleEndian !== hostIsLittleEndian && info.bytes > 1;
  const canView = owned && start % info.bytes === 0;
  const target = canView
    ? new Uint8Array(bytes.buffer, start, layout.dataBytes)
    : copyOf(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes));
  if (swap) swapBytes(target, info.bytes);
  return info.create(target.buffer as ArrayBuffer, target.byteOffset, layout.voxelCount);
}

/**
 * A matrix with NaN, infinities or no inverse cannot place voxels in the world. We refuse it rather than guess from
 * another field, because a guess could silently swap left and right.
 */
function checkAffine(file: string, affine: Mat4, source: AffineSource, header: NiftiHeader): void {
  const what = source === 'fallback' ? 'the pixdim spacing' : `the ${source} (${source}_code ${source === 'sform' ? header.sformCode : header.qformCode})`;
  if (affine.some((row) => row.some((v) => !Number.isFinite(v)))) {
    throw new NiftiError(file, `${what} holds NaN or infinite values: voxels cannot be placed in the world`);
  }
  const [a, b, c] = affine;
  const det = a![0]! * (b![1]! * c![2]! - b![2]! * c![1]!) - a![1]! * (b![0]! * c![2]! - b![2]! * c![0]!)
    + a![2]! * (b![0]! * c![1]! - b![1]! * c![0]!);
  if (det === 0) throw new NiftiError(file, `${what} is singular: voxels cannot be placed in the world`);
}

/** Uint8Array.slice would return a view when given a Node Buffer; this always copies. */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** As nibabel: a zero or non-finite slope means the stored values are the values. */
function scalingOf(header: NiftiHeader): VoxelScaling | null {
  const slope = header.sclSlope;
  if (!Number.isFinite(slope) || slope === 0) return null;
  const inter = Number.isFinite(header.sclInter) ? header.sclInter : 0;
  if (slope === 1 && inter === 0) return null;
  return { slope, inter };
}
