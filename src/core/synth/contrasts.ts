import type { Rng } from './random';
import { MATERIAL, MATERIAL_COUNT, MRI_CONTRASTS, SYNTH_CONTRASTS, type MaterialName, type SynthContrast } from './types';

/**
 * Mean signal of each pure material per contrast. MRI values are arbitrary units in the range raw BraTS scans
 * have; what matters is their order, which follows the physics:
 * - T1: white matter > grey matter > CSF; scalp fat and skull marrow bright, cortical bone dark; edema a little
 *   darker than white matter, the necrotic core dark.
 * - T1ce: T1 plus gadolinium: the enhancing rim (and, faintly, the scalp) bright; the necrotic core stays dark.
 * - T2: CSF brightest, grey matter > white matter; edema and the fluid-filled core bright.
 * - FLAIR: T2 with the free water (CSF) nulled, so CSF is dark, while edema is the brightest tissue.
 * - CT (Hounsfield units): air −1000, bone ≈ +900, marrow ≈ +550, brain 30–40 with little grey/white contrast,
 *   CSF ≈ 8, edema hypodense, necrosis lower, enhancing tumour (no contrast agent in this CT) slightly dense.
 */
const BASE: Readonly<Record<SynthContrast, Readonly<Record<MaterialName, number>>>> = {
  t1: { air: 0, scalp: 1000, bone: 60, marrow: 900, csf: 250, gm: 600, wm: 850, edema: 520, necrosis: 280, enhancing: 560 },
  t1ce: { air: 0, scalp: 1060, bone: 60, marrow: 920, csf: 270, gm: 620, wm: 860, edema: 540, necrosis: 300, enhancing: 1350 },
  t2: { air: 0, scalp: 700, bone: 40, marrow: 600, csf: 1600, gm: 560, wm: 360, edema: 1250, necrosis: 1450, enhancing: 900 },
  flair: { air: 0, scalp: 750, bone: 40, marrow: 550, csf: 130, gm: 620, wm: 460, edema: 1100, necrosis: 480, enhancing: 820 },
  ct: { air: -1000, scalp: -40, bone: 900, marrow: 550, csf: 8, gm: 38, wm: 30, edema: 20, necrosis: 15, enhancing: 42 },
};

const TUMOUR_MATERIALS: readonly MaterialName[] = ['edema', 'necrosis', 'enhancing'];

/** A case's rendering parameters: per contrast the materials' intensities, noise and bias field. */
export interface ContrastModel {
  /** Per contrast (SYNTH_CONTRASTS order) a MATERIAL-indexed table. */
  readonly intensity: readonly Float64Array[];
  readonly noiseSigma: readonly number[];
  /** Per MRI contrast: [gx, gy, gz, qxx, qyy, qzz, qxy, qxz, qyz], log-gain as a quadratic in world mm / 100. */
  readonly bias: readonly Float64Array[];
}

export function drawContrasts(rng: Rng): ContrastModel {
  const intensity = SYNTH_CONTRASTS.map((contrast) => {
    const table = new Float64Array(MATERIAL_COUNT);
    const ct = contrast === 'ct';
    // MRI has no absolute scale: each scan gets its own gain. CT is calibrated: only small shifts.
    const gain = ct ? 1 : rng.uniform(0.75, 1.25);
    for (const [name, index] of Object.entries(MATERIAL) as [MaterialName, number][]) {
      const base = BASE[contrast][name];
      const tumour = TUMOUR_MATERIALS.includes(name);
      if (ct) table[index] = name === 'air' ? base : base + rng.signed() * (name === 'bone' ? 100 : name === 'marrow' ? 80 : tumour ? 3 : 2);
      else table[index] = base * gain * (1 + rng.signed() * (tumour ? 0.1 : 0.05));
    }
    return table;
  });
  // Noise: MRI 1.5–4 % of white matter's signal (SNR 25–65), CT 2–5 HU.
  const noiseSigma = SYNTH_CONTRASTS.map((contrast, c) =>
    contrast === 'ct' ? rng.uniform(2, 5) : rng.uniform(0.015, 0.04) * intensity[c]![MATERIAL.wm]!);
  // Bias: a coil's smooth sensitivity, a tilt of 8–20 % per 100 mm in a random direction plus a gentle curvature.
  const bias = MRI_CONTRASTS.map(() => {
    const b = new Float64Array(9);
    const dir = [rng.signed(), rng.signed(), rng.signed()];
    const norm = Math.hypot(dir[0]!, dir[1]!, dir[2]!) || 1;
    const strength = rng.uniform(0.08, 0.2);
    for (let i = 0; i < 3; i++) b[i] = (dir[i]! / norm) * strength;
    for (let i = 3; i < 9; i++) b[i] = rng.signed() * 0.06;
    return b;
  });
  return { intensity, noiseSigma, bias };
}

/** The bias field's multiplicative gain at a world point (mm). */
export function biasGain(b: Float64Array, wx: number, wy: number, wz: number): number {
  const x = wx / 100, y = wy / 100, z = wz / 100;
  return Math.exp(b[0]! * x + b[1]! * y + b[2]! * z + b[3]! * x * x + b[4]! * y * y + b[5]! * z * z + b[6]! * x * y + b[7]! * x * z + b[8]! * y * z);
}

/** The intensity tables as named records, for the case's description. */
export function namedIntensities(model: ContrastModel): Record<SynthContrast, Record<MaterialName, number>> {
  const out = {} as Record<SynthContrast, Record<MaterialName, number>>;
  SYNTH_CONTRASTS.forEach((contrast, c) => {
    const row = {} as Record<MaterialName, number>;
    for (const [name, index] of Object.entries(MATERIAL) as [MaterialName, number][]) row[name] = model.intensity[c]![index]!;
    out[contrast] = row;
  });
  return out;
}
