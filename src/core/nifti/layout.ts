import { datatypeByCode, describeUnsupportedDatatype } from './datatypes';
import { NiftiError } from './nifti-error';
import type { NiftiDatatype, NiftiHeader } from './types';

/** 2^30 voxels: 4 GiB as float32, far beyond any single MRI or CT series, far below what would exhaust memory. */
export const DEFAULT_MAX_VOXELS = 2 ** 30;
/** Typed arrays in V8 stop at 2^32 bytes on 64-bit machines. */
const MAX_ARRAY_BYTES = 2 ** 32;

export interface ReadLimits {
  /** The most voxels a header may claim; larger files are refused before any allocation. */
  readonly maxVoxels?: number;
}

/** Where the voxels are and how many bytes they take, derived from a header that has been checked. */
export interface DataLayout {
  readonly shape: number[];
  readonly datatype: NiftiDatatype;
  readonly bytesPerVoxel: number;
  readonly voxelCount: number;
  readonly dataOffset: number;
  readonly dataBytes: number;
}

/** Checks everything a header claims about size and type; nothing is allocated here. */
export function planDataLayout(header: NiftiHeader, file: string, limits: ReadLimits = {}): DataLayout {
  const maxVoxels = limits.maxVoxels ?? DEFAULT_MAX_VOXELS;
  const rank = header.dim[0]!;
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new NiftiError(file, `dim[0] is ${rank}; it must give the number of dimensions, 1 to 7`);
  }
  const dims = header.dim.slice(1, rank + 1);
  dims.forEach((n, i) => {
    if (n === 0) throw new NiftiError(file, `dimension ${i + 1} (dim[${i + 1}]) is 0: the image holds no voxels`);
    if (n < 0) throw new NiftiError(file, `dimension ${i + 1} (dim[${i + 1}]) is negative (${n})`);
  });
  const extra = dims.slice(4).findIndex((n) => n !== 1);
  if (extra >= 0) {
    throw new NiftiError(file,
      `dim[${extra + 5}] is ${dims[extra + 4]}: ${rank}D data is not supported, only 3D volumes and 4D channel stacks`);
  }
  const shape = dims.slice(0, 4);

  const type = datatypeByCode(header.datatypeCode);
  if (!type) throw new NiftiError(file, describeUnsupportedDatatype(header.datatypeCode));

  const voxelCount = shape.reduce((a, b) => a * b, 1);
  if (voxelCount > maxVoxels) {
    throw new NiftiError(file,
      `the header claims ${shape.join('×')} = ${count(voxelCount)} voxels, over the limit of ${count(maxVoxels)}`);
  }
  const dataBytes = voxelCount * type.bytes;
  if (dataBytes > MAX_ARRAY_BYTES) {
    throw new NiftiError(file, `the voxel data would take ${(dataBytes / 2 ** 30).toFixed(1)} GiB, more than one array can hold`);
  }

  const headerEnd = (header.version === 1 ? 348 : 540) + 4;
  const offset = header.voxOffset;
  if (!Number.isFinite(offset) || offset < 0 || !Number.isInteger(offset)) {
    throw new NiftiError(file, `vox_offset is ${offset}; it must be a whole, non-negative byte offset`);
  }
  // niftilib reads voxels at 352 (NIfTI-1) or 544 (NIfTI-2) when vox_offset points inside the header.
  const dataOffset = Math.max(offset, headerEnd);
  return { shape, datatype: type.name, bytesPerVoxel: type.bytes, voxelCount, dataOffset, dataBytes };
}

function count(n: number): string {
  return n < 1e7 ? String(n) : n.toExponential(2);
}
