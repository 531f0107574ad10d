// Typed views of the voxel ArrayBuffers the host sends, by NIfTI datatype.
import type { NiftiDatatype } from '../../core/nifti/types';

export type VoxelData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const constructors: Readonly<Record<NiftiDatatype, { new (buffer: ArrayBuffer): VoxelData; BYTES_PER_ELEMENT: number }>> = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/** A view of `buffer` as `datatype`; throws when the datatype is unknown or the size does not fit `voxels`. */
export function typedVoxels(datatype: NiftiDatatype, buffer: ArrayBuffer, voxels: number): VoxelData {
  const Ctor = constructors[datatype];
  if (!Ctor) throw new Error(`unsupported voxel datatype "${datatype}"`);
  if (buffer.byteLength !== voxels * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(`${buffer.byteLength} bytes of ${datatype} do not hold ${voxels} voxels`);
  }
  return new Ctor(buffer);
}

export function isIntegerData(data: VoxelData): boolean {
  return !(data instanceof Float32Array || data instanceof Float64Array);
}
