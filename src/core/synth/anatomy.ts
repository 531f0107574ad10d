import { FractalNoise, LatticeNoise } from './lattice-noise';
import type { Rng } from './random';
import { insideFraction, signedEggDistance, signedEllipsoidDistance, smoothstep, type EggAxes } from './shapes';
import { MATERIAL } from './types';

/**
 * A healthy head, in the anatomical frame (mm, x right, y anterior, z superior, centred on the head). From the
 * outside in: scalp, skull (two dense tables around fatty marrow), a CSF layer, then the brain: cortex (grey
 * matter) folded into sulci, white matter beneath, the interhemispheric fissure down to the corpus callosum, deep
 * grey nuclei (thalami, lentiform and caudate nuclei) and CSF-filled ventricles (lateral and third).
 */
export interface Anatomy {
  readonly head: EggAxes;
  readonly scalpMm: number;
  readonly skullMm: number;
  readonly tableMm: number;
  /** Mean and variation of the CSF layer between skull and brain (older, atrophied brains have more). */
  readonly csfMm: number;
  readonly csfVaryMm: number;
  readonly cortexMm: number;
  readonly sulcusDepthMm: number;
  /** Half-width of sulci in noise units: wider with atrophy. */
  readonly sulcusWidth: number;
  readonly ventricleSize: number;
  readonly wobble: FractalNoise;
  readonly csfNoise: LatticeNoise;
  readonly gyri: LatticeNoise;
  readonly cortexNoise: LatticeNoise;
}

/** Largest extent of the head from its centre along x, y, z (mm), wobble included, for fitting the view. */
export function headHalfExtent(a: Anatomy): [number, number, number] {
  const k = 1 + WOBBLE;
  return [a.head.x * k, Math.max(a.head.front, a.head.back) * k, Math.max(a.head.up, a.head.down) * k];
}

// Module-local copies for the per-voxel code (imported bindings are getters under CommonJS; see generate-case.ts).
const inside = insideFraction;
const eggDistance = signedEggDistance;
const ellipsoidDistance = signedEllipsoidDistance;
const smooth = smoothstep;
const [AIR, SCALP, BONE, MARROW, CSF, GM, WM] = [MATERIAL.air, MATERIAL.scalp, MATERIAL.bone, MATERIAL.marrow, MATERIAL.csf, MATERIAL.gm, MATERIAL.wm];

/** Relative amplitude of the head's wobble. */
const WOBBLE = 0.03;
/** The fissure reaches down to the corpus callosum (its top at this height) over its length |y| < this. */
const CALLOSUM_TOP_MM = 22;
const CALLOSUM_HALF_LENGTH_MM = 34;

export function drawAnatomy(rng: Rng): Anatomy {
  const atrophy = rng.next(); // 0 young … 1 old: wider CSF spaces, bigger ventricles
  const brain: EggAxes = {
    x: rng.uniform(60, 66), front: rng.uniform(74, 80), back: rng.uniform(76, 82), up: rng.uniform(56, 62), down: rng.uniform(44, 50),
  };
  const scalpMm = rng.uniform(3.5, 5.5);
  const skullMm = rng.uniform(5, 7.5);
  const csfMm = 1.5 + 2 * atrophy;
  const shell = scalpMm + skullMm + csfMm;
  return {
    head: { x: brain.x + shell, front: brain.front + shell, back: brain.back + shell, up: brain.up + shell, down: brain.down + shell },
    scalpMm, skullMm, tableMm: 1.6, csfMm, csfVaryMm: 1 + atrophy,
    cortexMm: rng.uniform(4, 5.5),
    sulcusDepthMm: rng.uniform(11, 17),
    sulcusWidth: 0.09 + 0.06 * atrophy,
    ventricleSize: 0.75 + 0.6 * atrophy + rng.uniform(0, 0.15),
    wobble: new FractalNoise(rng, 48, 120),
    csfNoise: new LatticeNoise(rng, 24, 120),
    gyri: new LatticeNoise(rng, 12, 120),
    cortexNoise: new LatticeNoise(rng, 20, 120),
  };
}

/** Signed distance to the head's outer surface (scalp), mm. */
export function headDistance(a: Anatomy, x: number, y: number, z: number): number {
  return eggDistance(x, y, z, a.head, 1 + WOBBLE * a.wobble.at(x, y, z));
}

/** Depth below the brain's surface (mm; negative outside the brain), given the head distance at the point. */
export function brainDepth(a: Anatomy, x: number, y: number, z: number, headSd: number): number {
  const csf = a.csfMm + a.csfVaryMm * a.csfNoise.at(x, y, z);
  return -(headSd + a.scalpMm + a.skullMm + Math.max(0.5, csf));
}

/**
 * Fills `out` with the healthy materials' fractions at a point (air … white matter; tumour materials 0), for a
 * voxel `h` mm wide. They sum to 1.
 */
export function healthyFractions(a: Anatomy, x: number, y: number, z: number, h: number, out: Float64Array): void {
  out.fill(0);
  // Beyond the head's largest possible wobble: air, without evaluating the noise (most of the volume).
  if (eggDistance(x, y, z, a.head, 1 + WOBBLE) >= h / 2) {
    out[AIR] = 1;
    return;
  }
  const sd = headDistance(a, x, y, z);
  const head = inside(sd, h);
  out[AIR] = 1 - head;
  if (head === 0) return;
  const skullOuter = inside(sd + a.scalpMm, h);
  const skullInner = inside(sd + a.scalpMm + a.skullMm, h);
  const marrow = inside(sd + a.scalpMm + a.tableMm, h) - inside(sd + a.scalpMm + a.skullMm - a.tableMm, h);
  out[SCALP] = head - skullOuter;
  out[MARROW] = marrow;
  out[BONE] = skullOuter - skullInner - marrow;
  if (skullInner === 0) return;

  const depth = brainDepth(a, x, y, z, sd);
  const brain = inside(-depth, h);
  // Sulci: sheets where the gyral noise crosses zero, cut in from the surface down to the sulcal depth; the
  // interhemispheric fissure is one more, at the midline, above the corpus callosum (and through front and back).
  const g = Math.abs(a.gyri.at(x, y, z));
  const fissureGate = Math.max(smooth((z - CALLOSUM_TOP_MM) / 6), smooth((Math.abs(y) - CALLOSUM_HALF_LENGTH_MM) / 8));
  const ax = Math.abs(x);
  const sulcus = Math.max(a.sulcusDepthMm * Math.max(0, 1 - g / a.sulcusWidth), 120 * fissureGate * Math.max(0, 1 - ax / 1.6));
  // White matter starts a cortex's thickness below the surface, and below the sulci's floors (so grey matter lines
  // each sulcus).
  const sulcusFloor = Math.max(a.sulcusDepthMm * Math.max(0, 1 - g / (3 * a.sulcusWidth)), 120 * fissureGate * Math.max(0, 1 - ax / 4.6));
  const wmDepth = a.cortexMm * (1 + 0.25 * a.cortexNoise.at(x, y, z)) + sulcusFloor;
  const inSulcus = inside(depth - sulcus, h);
  const parenchyma = brain * (1 - inSulcus);
  let wm = parenchyma * inside(wmDepth - depth, h);
  let gm = parenchyma - wm;
  // Deep grey nuclei turn white matter grey; ventricles turn tissue into CSF.
  const deep = deepGreyFraction(ax, y, z, h);
  gm += wm * deep;
  wm -= wm * deep;
  const ventricle = ventricleFraction(a, ax, y, z, h);
  out[CSF] = skullInner - parenchyma + (gm + wm) * ventricle;
  out[GM] = gm * (1 - ventricle);
  out[WM] = wm * (1 - ventricle);
}

/** Thalamus, lentiform and caudate nucleus (mirrored: `ax` is |x|). */
function deepGreyFraction(ax: number, y: number, z: number, h: number): number {
  const sd = Math.min(
    ellipsoidDistance(ax - 10, y + 12, z - 2, 8, 13, 8),
    ellipsoidDistance(ax - 22, y - 5, z, 5.5, 13, 9),
    ellipsoidDistance(ax - 11, y - 15, z - 10, 4.5, 8, 6),
  );
  return inside(sd, h);
}

/** The lateral ventricles (crescents bending down at both ends) and the slit of the third ventricle. */
function ventricleFraction(a: Anatomy, ax: number, y: number, z: number, h: number): number {
  const s = a.ventricleSize;
  const halfWidth = 4.5 * s;
  const dy = y + 3;
  const bend = 0.011 * dy * dy;
  const lateral = ellipsoidDistance(ax - (1.2 + halfWidth), dy, z - 11 + bend, halfWidth, 27 * Math.sqrt(s), 5.5 * s);
  const third = ellipsoidDistance(ax, y + 8, z - 1, 1 + 0.8 * s, 12, 7);
  return inside(Math.min(lateral, third), h);
}
