import { drawAnatomy, headHalfExtent, healthyFractions } from './anatomy';
import { biasGain, drawContrasts, namedIntensities } from './contrasts';
import { anatToWorld, drawFrame, type SynthFrame } from './frame';
import { enforceNesting } from './label-rules';
import { mixTumours, type TumourVoxel } from './mix-tumours';
import { makeRng, STREAMS, type Rng } from './random';
import { drawTumourCount, placeTumours, type Tumour } from './tumours';
import {
  BRATS_LABEL, MATERIAL, MATERIAL_COUNT, MRI_CONTRASTS, SYNTH_CONTRASTS, TISSUE,
  type SynthCase, type SynthContrast, type SynthOptions, type TumourDescription,
} from './types';

// Per-voxel code reads module-local copies of imported constants and functions: where modules are compiled to
// CommonJS (tsx, the tests), every use of an imported binding is a getter call, which costs more than the maths.
const [AIR, SCALP, BONE, MARROW, CSF, GM, WM, NECROSIS, ENHANCING] = [
  MATERIAL.air, MATERIAL.scalp, MATERIAL.bone, MATERIAL.marrow, MATERIAL.csf, MATERIAL.gm, MATERIAL.wm, MATERIAL.necrosis, MATERIAL.enhancing,
];
const MATERIALS = MATERIAL_COUNT;
const CONTRASTS = SYNTH_CONTRASTS.length;
const CT = SYNTH_CONTRASTS.indexOf('ct');
const TISSUE_CODES = [TISSUE.background, TISSUE.scalp, TISSUE.skull, TISSUE.csf, TISSUE.gm, TISSUE.wm];
const fractionsAt = healthyFractions;
const addTumours = mixTumours;
const gainAt = biasGain;

export const DEFAULT_SYNTH_SIZE: readonly [number, number, number] = [96, 96, 96];
export const DEFAULT_SYNTH_SPACING = 2;
/** Fewer voxels than this per axis cannot show a head; more than this is not a "small" case. */
const MIN_SIZE = 16;
const MAX_SIZE = 256; // 256³ is 17 M voxels, about 400 MB of arrays

/** Options with defaults filled in, or an Error that names the bad option and why. */
export function checkSynthOptions(options: SynthOptions): Required<Omit<SynthOptions, 'tumourCount'>> & { tumourCount?: number } {
  const { seed, size = DEFAULT_SYNTH_SIZE, spacing = DEFAULT_SYNTH_SPACING, skullStrip = true, tumourCount } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`synthetic case: seed must be a whole number 0 … 4294967295, got ${seed}`);
  if (size.length !== 3 || size.some((n) => !Number.isInteger(n) || n < MIN_SIZE || n > MAX_SIZE)) {
    throw new Error(`synthetic case: size must be three whole numbers ${MIN_SIZE} … ${MAX_SIZE}, got ${JSON.stringify(size)}`);
  }
  if (!(spacing >= 0.25 && spacing <= 10)) throw new Error(`synthetic case: spacing must be 0.25 … 10 mm, got ${spacing}`);
  if (tumourCount !== undefined && !(Number.isInteger(tumourCount) && tumourCount >= 0 && tumourCount <= 3)) {
    throw new Error(`synthetic case: tumourCount must be 0, 1, 2 or 3, got ${tumourCount}`);
  }
  return { seed, size: [size[0], size[1], size[2]], spacing, skullStrip, ...(tumourCount === undefined ? {} : { tumourCount }) };
}

/**
 * A synthetic BraTS-like case, a pure function of its options: the same options give the same arrays bit for
 * bit. Each voxel's material fractions (partial volume) are mixed into each contrast's intensities; MRI then gets
 * a smooth multiplicative bias field and Rician noise, CT Gaussian noise; values are rounded to whole numbers.
 */
export function generateCase(options: SynthOptions): SynthCase {
  const o = checkSynthOptions(options);
  const anatomy = drawAnatomy(makeRng(o.seed, STREAMS.anatomy));
  const frame = drawFrame(o.size, o.spacing, headHalfExtent(anatomy), makeRng(o.seed, STREAMS.frame));
  const tumourRng = makeRng(o.seed, STREAMS.tumours);
  const tumours = placeTumours(tumourRng, anatomy, o.tumourCount ?? drawTumourCount(tumourRng), frame.voxelMm);
  const model = drawContrasts(makeRng(o.seed, STREAMS.contrasts));
  const noise: Rng[] = [STREAMS.noiseT1, STREAMS.noiseT1ce, STREAMS.noiseT2, STREAMS.noiseFlair, STREAMS.noiseCt].map((s) => makeRng(o.seed, s));

  const [X, Y, Z] = o.size;
  const n = X * Y * Z;
  const channels = SYNTH_CONTRASTS.map(() => new Float32Array(n));
  const labels = new Uint8Array(n);
  const owner = new Uint8Array(n);
  const tissue = new Uint8Array(n);
  const brainMask = new Uint8Array(n);
  const f = new Float64Array(MATERIAL_COUNT);
  const tumourVoxel: TumourVoxel = { label: 0, owner: 0, texture: 1 };
  const h = frame.voxelMm;
  const { origin, stepX, stepY, stepZ, affine } = frame;

  for (let k = 0; k < Z; k++) for (let j = 0; j < Y; j++) {
    const rowX = origin[0] + j * stepY[0] + k * stepZ[0];
    const rowY = origin[1] + j * stepY[1] + k * stepZ[1];
    const rowZ = origin[2] + j * stepY[2] + k * stepZ[2];
    const wy = affine[1]![3]! + j * o.spacing;
    const wz = affine[2]![3]! + k * o.spacing;
    for (let i = 0; i < X; i++) {
      const index = i + X * (j + Y * k);
      const x = rowX + i * stepX[0], y = rowY + i * stepX[1], z = rowZ + i * stepX[2];
      fractionsAt(anatomy, x, y, z, h, f);
      tissue[index] = dominantTissue(f);
      const intracranial = f[CSF]! + f[GM]! + f[WM]!;
      const inMask = intracranial >= 0.5;
      brainMask[index] = inMask ? 1 : 0;
      tumourVoxel.texture = 1;
      if (intracranial > 0 && tumours.length > 0) {
        addTumours(tumours, x, y, z, h, f, tumourVoxel);
        labels[index] = tumourVoxel.label;
        owner[index] = tumourVoxel.owner;
      }
      const wx = affine[0]![3]! + i * o.spacing;
      for (let c = 0; c < CONTRASTS; c++) {
        const table = model.intensity[c]!;
        let s = 0;
        if (f[AIR] === 1) s = table[AIR]!;
        else for (let m = 0; m < MATERIALS; m++) s += f[m]! * table[m]!;
        // The core's heterogeneity: texture scales the necrosis and rim terms only.
        s += (tumourVoxel.texture - 1) * (f[NECROSIS]! * table[NECROSIS]! + f[ENHANCING]! * table[ENHANCING]!);
        const sigma = model.noiseSigma[c]!;
        const rng = noise[c]!;
        let v: number;
        if (c === CT) {
          v = Math.round(s + sigma * rng.gaussian()) + 0; // + 0 turns −0 into 0, as the int16 file stores it
          v = v < -1024 ? -1024 : v > 3071 ? 3071 : v;
        } else if (o.skullStrip && !inMask) {
          v = 0; // no noise drawn: the stripped background is exactly zero, as in BraTS
        } else {
          // Rician: the magnitude of a complex signal whose real and imaginary parts carry Gaussian noise.
          if (s !== 0) s *= gainAt(model.bias[c]!, wx, wy, wz);
          const re = s + sigma * rng.gaussian(), im = sigma * rng.gaussian();
          v = Math.round(Math.sqrt(re * re + im * im));
          if (o.skullStrip && v < 1) v = 1; // z-scoring treats 0 as outside the brain
          if (v > 32767) v = 32767;
        }
        channels[c]![index] = v;
      }
    }
  }
  enforceNesting(labels, owner, o.size, tumours.map((t) => t.kind !== 'non-enhancing'));

  return {
    seed: o.seed, shape: o.size, spacing: o.spacing, affine: frame.affine, skullStripped: o.skullStrip,
    channels: Object.fromEntries(SYNTH_CONTRASTS.map((name, c) => [name, channels[c]!])) as Record<SynthContrast, Float32Array>,
    labels, tissue, brainMask,
    tumours: describeTumours(tumours, frame, labels, owner),
    rendering: {
      intensities: namedIntensities(model),
      noiseSigma: Object.fromEntries(SYNTH_CONTRASTS.map((name, c) => [name, model.noiseSigma[c]!])) as Record<SynthContrast, number>,
      biasGradient: Object.fromEntries(MRI_CONTRASTS.map((name, c) => [name, [...model.bias[c]!.slice(0, 3)]])) as Record<(typeof MRI_CONTRASTS)[number], [number, number, number]>,
      anatomyScale: frame.scale,
    },
  };
}

/** The healthy class with the largest fraction (bone and marrow together as skull). */
function dominantTissue(f: Float64Array): number {
  let best = 0;
  let most = f[AIR]!;
  const skull = f[BONE]! + f[MARROW]!;
  if (f[SCALP]! > most) { best = 1; most = f[SCALP]!; }
  if (skull > most) { best = 2; most = skull; }
  if (f[CSF]! > most) { best = 3; most = f[CSF]!; }
  if (f[GM]! > most) { best = 4; most = f[GM]!; }
  if (f[WM]! > most) best = 5;
  return TISSUE_CODES[best]!;
}

function describeTumours(tumours: readonly Tumour[], frame: SynthFrame, labels: Uint8Array, owner: Uint8Array): TumourDescription[] {
  const counts = tumours.map(() => ({ necrotic: 0, edema: 0, enhancing: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const t = owner[i]!;
    if (t === 0) continue;
    const l = labels[i]!;
    const c = counts[t - 1]!;
    if (l === BRATS_LABEL.necrotic) c.necrotic++;
    else if (l === BRATS_LABEL.edema) c.edema++;
    else if (l === BRATS_LABEL.enhancing) c.enhancing++;
  }
  const a = frame.affine;
  return tumours.map((t, k) => {
    const world = anatToWorld(frame, t.centre);
    const voxel = [0, 1, 2].map((i) => (world[i]! - a[i]![3]!) / a[i]![i]!) as [number, number, number];
    return {
      kind: t.kind, centreMm: world, centreVoxel: voxel,
      coreRadiusMm: t.coreMm * frame.scale, rimMm: (t.outerMm - t.coreMm) * frame.scale, edemaRadiusMm: t.edemaMm * frame.scale,
      voxels: counts[k]!,
    };
  });
}
