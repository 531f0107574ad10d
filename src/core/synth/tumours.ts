import { brainDepth, headDistance, type Anatomy } from './anatomy';
import { FractalNoise, LatticeNoise } from './lattice-noise';
import type { Rng } from './random';
import { insideFraction } from './shapes';
import { BRATS_LABEL, type TumourKind } from './types';

type Vec3 = [number, number, number];

/**
 * One tumour in the anatomical frame. Its shape is a stretched sphere whose radius wobbles with smooth noise;
 * core and rim share one wobble (`u`, a normalised radius in mm), so the rim is a shell of even thickness around
 * the core, and the edema has its own, stronger wobble (`ue`) and reaches further into white matter than into
 * the cortex, as vasogenic edema follows the white-matter tracts.
 */
export interface Tumour {
  readonly kind: TumourKind;
  readonly centre: Vec3;
  readonly stretch: Vec3;
  /** u < coreMm: necrotic / non-enhancing core; u < outerMm: enhancing rim. */
  readonly coreMm: number;
  readonly outerMm: number;
  readonly edemaMm: number;
  /** Edema reaches at least this far beyond the rim. */
  readonly marginMm: number;
  /** Beyond this distance from the centre (mm) the tumour has no effect. */
  readonly boundMm: number;
  readonly shape: LatticeNoise;
  readonly edemaShape: FractalNoise;
  readonly texture: LatticeNoise;
}

const SHAPE_WOBBLE = 0.18;
const EDEMA_WOBBLE = 0.3;
/** Edema's radius is scaled by 0.8 in pure grey matter … 1.1 in pure white matter. */
const EDEMA_IN_GM = 0.8;
const EDEMA_IN_WM = 1.1;

/** 0 tumours 5 %, 1: 60 %, 2: 25 %, 3: 10 %. Tumour-free cases teach a model that a brain may be healthy. */
export function drawTumourCount(rng: Rng): number {
  const u = rng.next();
  return u < 0.05 ? 0 : u < 0.65 ? 1 : u < 0.9 ? 2 : 3;
}

/** The kind: 70 % necrotic (ring-enhancing), 15 % solid enhancing, 15 % non-enhancing. */
function drawKind(rng: Rng): TumourKind {
  const u = rng.next();
  return u < 0.7 ? 'necrotic' : u < 0.85 ? 'solid' : 'non-enhancing';
}

/**
 * Places `count` tumours inside the brain (see `fitsInBrain`), each core apart from the others' (edemas may
 * merge). A tumour that finds no room after 60 tries (shrinking by a fifth every 15) is left out, so a case can
 * have fewer tumours than drawn.
 */
export function placeTumours(rng: Rng, anatomy: Anatomy, count: number, voxelMm: number): Tumour[] {
  const placed: Tumour[] = [];
  for (let n = 0; n < count; n++) {
    const kind = drawKind(rng);
    let outer = rng.uniform(7, 20) * (count > 1 ? 0.7 : 1);
    for (let attempt = 0; attempt < 60; attempt++) {
      if (attempt > 0 && attempt % 15 === 0) outer *= 0.8;
      const candidate = drawTumour(rng, kind, outer, anatomy, voxelMm);
      if (fitsInBrain(candidate, anatomy, voxelMm) && placed.every((t) => apart(t, candidate, voxelMm))) {
        placed.push(candidate);
        break;
      }
    }
  }
  return placed;
}

function drawTumour(rng: Rng, kind: TumourKind, outerMm: number, anatomy: Anatomy, voxelMm: number): Tumour {
  // A centre anywhere in the inner three quarters of the brain's ellipsoid (uniform by rejection).
  const b = anatomy.head;
  const shell = anatomy.scalpMm + anatomy.skullMm + anatomy.csfMm;
  let centre: Vec3 = [0, 0, 0];
  for (;;) {
    const p = [rng.signed(), rng.signed(), rng.signed()];
    if (p[0]! ** 2 + p[1]! ** 2 + p[2]! ** 2 > 1) continue;
    centre = [0.75 * p[0]! * (b.x - shell), 0.75 * p[1]! * ((p[1]! >= 0 ? b.front : b.back) - shell), 0.75 * p[2]! * ((p[2]! >= 0 ? b.up : b.down) - shell)];
    break;
  }
  const s = [Math.exp(rng.uniform(-0.2, 0.2)), Math.exp(rng.uniform(-0.2, 0.2)), Math.exp(rng.uniform(-0.2, 0.2))];
  const norm = Math.cbrt(s[0]! * s[1]! * s[2]!);
  const stretch: Vec3 = [s[0]! / norm, s[1]! / norm, s[2]! / norm];
  const rim = kind === 'necrotic' ? Math.min(rng.uniform(3, 6), 0.6 * outerMm) : kind === 'solid' ? outerMm : 0;
  const coreMm = outerMm - rim;
  const edemaMm = outerMm * rng.uniform(1.2, 1.9) + rng.uniform(2, 5);
  const marginMm = 1.2 * voxelMm;
  const maxStretch = Math.max(...stretch);
  const reach = Math.max(edemaMm * EDEMA_IN_WM * (1 + EDEMA_WOBBLE), (outerMm + marginMm) * (1 + SHAPE_WOBBLE));
  const boundMm = (reach + voxelMm) * maxStretch;
  return {
    kind, centre, stretch, coreMm, outerMm, edemaMm, marginMm, boundMm,
    shape: new LatticeNoise(rng, Math.max(6, 0.9 * outerMm), boundMm, centre),
    edemaShape: new FractalNoise(rng, Math.max(8, 0.6 * edemaMm), boundMm, centre),
    texture: new LatticeNoise(rng, 4, boundMm, centre),
  };
}

/**
 * The core with its rim and minimum edema margin, at its largest possible wobble, stays a voxel inside the brain's
 * surface, and so does the edema at its nominal radius (checked in 26 directions). Edema that wobbles further is
 * clipped where the brain ends: it is labelled only where brain tissue dominates a voxel.
 */
function fitsInBrain(t: Tumour, anatomy: Anatomy, voxelMm: number): boolean {
  const maxStretch = Math.max(...t.stretch);
  const coreReach = (t.outerMm + t.marginMm) * (1 + SHAPE_WOBBLE) * maxStretch + voxelMm;
  const edemaReach = t.edemaMm * maxStretch;
  for (let dz = -1; dz <= 1; dz++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const len = Math.hypot(dx, dy, dz) || 1;
    for (const [reach, depth] of [[coreReach, voxelMm], [edemaReach, 0]] as const) {
      const [x, y, z] = [t.centre[0] + (dx / len) * reach, t.centre[1] + (dy / len) * reach, t.centre[2] + (dz / len) * reach];
      if (brainDepth(anatomy, x, y, z, headDistance(anatomy, x, y, z)) < depth) return false;
    }
  }
  return true;
}

/** Cores (with their minimum edema margin) do not touch: each labelled core belongs to one tumour. */
function apart(a: Tumour, b: Tumour, voxelMm: number): boolean {
  const extent = (t: Tumour): number => (t.outerMm + t.marginMm) * (1 + SHAPE_WOBBLE) * Math.max(...t.stretch);
  return Math.hypot(a.centre[0] - b.centre[0], a.centre[1] - b.centre[1], a.centre[2] - b.centre[2]) > extent(a) + extent(b) + 2 * voxelMm;
}

// Module-local copies for the per-voxel code (imported bindings are getters under CommonJS; see generate-case.ts).
const inside = insideFraction;
const [NECROTIC, EDEMA, ENHANCING] = [BRATS_LABEL.necrotic, BRATS_LABEL.edema, BRATS_LABEL.enhancing];

/** What one tumour does to one voxel. */
export interface TumourHit {
  /** Fractions of the voxel: necrotic/non-enhancing core, whole tumour core (core + rim), and edema region
   * (including the core). */
  nec: number;
  tc: number;
  edema: number;
  /** The hard label at the voxel's centre: 0, 1, 2 or 4. */
  label: number;
  /** How deep in the edema (smaller is deeper), to give shared edema to the nearer tumour. */
  edemaRank: number;
  /** Multiplies the core's and rim's intensities: a little heterogeneity. */
  texture: number;
}

/** Evaluates tumour `t` at anatomical point (x, y, z); false when the point is beyond its reach. `wmShare` is the
 * white-matter share of the healthy brain tissue there (0 … 1). */
export function tumourAt(t: Tumour, x: number, y: number, z: number, wmShare: number, h: number, out: TumourHit): boolean {
  const dx = x - t.centre[0], dy = y - t.centre[1], dz = z - t.centre[2];
  if (dx * dx + dy * dy + dz * dz > t.boundMm * t.boundMm) return false;
  const sx = dx / t.stretch[0], sy = dy / t.stretch[1], sz = dz / t.stretch[2];
  const rho = Math.sqrt(sx * sx + sy * sy + sz * sz);
  const u = rho / (1 + SHAPE_WOBBLE * t.shape.at(x, y, z));
  const ue = rho / (1 + EDEMA_WOBBLE * t.edemaShape.at(x, y, z));
  const edemaRadius = t.edemaMm * (EDEMA_IN_GM + (EDEMA_IN_WM - EDEMA_IN_GM) * wmShare);
  out.nec = t.coreMm > 0 ? inside(u - t.coreMm, h) : 0;
  out.tc = inside(u - t.outerMm, h);
  out.edema = Math.max(inside(ue - edemaRadius, h), inside(u - t.outerMm - t.marginMm, h));
  out.label = u < t.coreMm ? NECROTIC
    : u < t.outerMm ? ENHANCING
      : ue < edemaRadius || u < t.outerMm + t.marginMm ? EDEMA : 0;
  out.edemaRank = Math.min(ue / edemaRadius, u / (t.outerMm + t.marginMm));
  out.texture = 1 + 0.12 * t.texture.at(x, y, z);
  return true;
}
