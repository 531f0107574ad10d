import type { VoxelArray } from './datatypes';

export type NiftiDatatype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Row-major 4×4 voxel-to-world matrix (RAS+, mm). */
export type Mat4 = number[][];

/**
 * The header fields that place voxels in the world. A mask written for an image copies these unchanged, so the
 * two files overlay exactly in every viewer, whichever of qform or sform that viewer trusts.
 */
export interface NiftiGeometry {
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, quatern_c, quatern_d */
  readonly quatern: readonly [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z */
  readonly qoffset: readonly [number, number, number];
  /** pixdim[0..7]; pixdim[0] is qfac. */
  readonly pixdim: readonly number[];
  /** srow_x, srow_y, srow_z */
  readonly srow: readonly (readonly number[])[];
  readonly xyztUnits: number;
  readonly dimInfo: number;
}

export interface NiftiHeader extends NiftiGeometry {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** dim[0..7] as stored. */
  readonly dim: readonly number[];
  readonly datatypeCode: number;
  readonly bitpix: number;
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly calMin: number;
  readonly calMax: number;
  readonly intentCode: number;
  readonly description: string;
}

export interface VoxelScaling {
  readonly slope: number;
  readonly inter: number;
}

/** Voxels with their place in the world: what display, inference and reorientation work on. */
export interface VoxelVolume {
  /** [X, Y, Z] or [X, Y, Z, C] (channels on the 4th axis); a 2D image is [X, Y]. */
  readonly shape: readonly number[];
  readonly datatype: NiftiDatatype;
  /** Stored values, first axis fastest, in this machine's byte order; scaling not yet applied. */
  readonly data: VoxelArray;
  /** scl_slope/scl_inter to apply, or null when the stored values are the values. */
  readonly scaling: VoxelScaling | null;
  readonly affine: Mat4;
  /** Orientation of the voxel axes, e.g. "RAS" or "LPS". */
  readonly axcodes: string;
}

/** A volume as read from a file: `shape` is the stored shape, `affine` the standard's choice of sform, qform or
 * the pixdim fallback. */
export interface NiftiVolume extends VoxelVolume {
  /** The name errors and messages use: a path or a URI. */
  readonly file: string;
  readonly header: NiftiHeader;
}
