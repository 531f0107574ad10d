import type { Mat4 } from '../nifti/types';

/** The five images of a case: the four BraTS MRI contrasts and a CT of the same head. */
export const SYNTH_CONTRASTS = ['t1', 't1ce', 't2', 'flair', 'ct'] as const;
export type SynthContrast = (typeof SYNTH_CONTRASTS)[number];
export const MRI_CONTRASTS = ['t1', 't1ce', 't2', 'flair'] as const;

/**
 * The materials a voxel is mixed from (partial volume: a voxel holds fractions of several). Indices into the
 * fraction vector and the intensity tables.
 */
export const MATERIAL = {
  air: 0, scalp: 1, bone: 2, marrow: 3, csf: 4, gm: 5, wm: 6, edema: 7, necrosis: 8, enhancing: 9,
} as const;
export const MATERIAL_COUNT = 10;
export type MaterialName = keyof typeof MATERIAL;

/** Healthy tissue classes of the `tissue` map: each voxel's largest fraction before tumours, bone and marrow
 * together as skull. */
export const TISSUE = { background: 0, scalp: 1, skull: 2, csf: 3, gm: 4, wm: 5 } as const;

/** BraTS labels. */
export const BRATS_LABEL = { necrotic: 1, edema: 2, enhancing: 4 } as const;

export interface SynthOptions {
  /** Any integer 0 … 2^32 − 1; the same seed gives the same case bit for bit. */
  readonly seed: number;
  /** [D, H, W] = the NIfTI's [X, Y, Z] (x: left → right, y: posterior → anterior, z: inferior → superior).
   * Default [96, 96, 96]. */
  readonly size?: readonly [number, number, number];
  /** Isotropic voxel size in mm. Default 2. A head that does not fit the field of view is scaled down to fit. */
  readonly spacing?: number;
  /** Zero the MRI contrasts outside the intracranial mask, as BraTS's skull-stripped data are. Default true. The CT
   * always keeps the head (its skull is what CT shows best). */
  readonly skullStrip?: boolean;
  /** Force the number of tumours (0 … 3); by default drawn from the seed (see `drawTumourCount`). */
  readonly tumourCount?: number;
}

export type TumourKind =
  /** necrotic core (1) inside an enhancing rim (4), edema (2) around: a glioblastoma's look */
  | 'necrotic'
  /** enhancing throughout (4), no necrosis, edema around */
  | 'solid'
  /** non-enhancing core (1) in edema (2), no rim: a lower-grade look */
  | 'non-enhancing';

export interface TumourDescription {
  readonly kind: TumourKind;
  /** Centre in world coordinates (RAS mm) and as a (fractional) voxel index [x, y, z]. */
  readonly centreMm: readonly [number, number, number];
  readonly centreVoxel: readonly [number, number, number];
  /** Radius of the necrotic / non-enhancing core (0 for a solid tumour), the enhancing rim's thickness (0 for a
   * non-enhancing tumour), and the edema's nominal radius, all in mm before the shape's wobble. */
  readonly coreRadiusMm: number;
  readonly rimMm: number;
  readonly edemaRadiusMm: number;
  /** Voxels of each label this tumour holds (edema shared by two tumours counts for the nearer one). */
  readonly voxels: { readonly necrotic: number; readonly edema: number; readonly enhancing: number };
}

/** How the images were rendered, so tests and users can check the images against it. */
export interface SynthRendering {
  /** Mean intensity of each pure material, per contrast, before bias field and noise (MRI arbitrary units, CT HU). */
  readonly intensities: Readonly<Record<SynthContrast, Readonly<Record<MaterialName, number>>>>;
  /** Standard deviation of the Gaussian noise added per contrast (before the magnitude, for MRI: Rician). */
  readonly noiseSigma: Readonly<Record<SynthContrast, number>>;
  /** Per MRI contrast, the bias field's linear part: log-gain per 100 mm along world x, y, z. */
  readonly biasGradient: Readonly<Record<(typeof MRI_CONTRASTS)[number], readonly [number, number, number]>>;
  /** Uniform scale of the anatomy (1 = adult size; smaller when the field of view is small). */
  readonly anatomyScale: number;
}

export interface SynthCase {
  readonly seed: number;
  /** [X, Y, Z]; arrays are in NIfTI order, x fastest: index = x + X · (y + Y · z). */
  readonly shape: readonly [number, number, number];
  readonly spacing: number;
  /** Voxel to world (RAS mm), axis-aligned, the volume's centre at the origin. */
  readonly affine: Mat4;
  readonly skullStripped: boolean;
  /** Whole numbers stored as float32: MRI ≥ 0 (≥ 1 inside the mask when skull-stripped), CT in HU −1024 … 3071. */
  readonly channels: Readonly<Record<SynthContrast, Float32Array>>;
  /** BraTS labels 0, 1, 2, 4. */
  readonly labels: Uint8Array;
  /** Healthy anatomy (`TISSUE` classes), for checks and for sampling. */
  readonly tissue: Uint8Array;
  /** 1 inside the skull's inner surface (the skull-stripping mask), else 0. */
  readonly brainMask: Uint8Array;
  readonly tumours: readonly TumourDescription[];
  readonly rendering: SynthRendering;
}
