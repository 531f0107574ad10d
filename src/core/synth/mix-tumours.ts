import { tumourAt, type Tumour, type TumourHit } from './tumours';
import { BRATS_LABEL, MATERIAL } from './types';

/** What the tumours made of one voxel: its label, which tumour it belongs to (1-based, 0 none) and the texture
 * factor for the core's intensities. */
export interface TumourVoxel {
  label: number;
  owner: number;
  texture: number;
}

// Module-local copies for the per-voxel code (imported bindings are getters under CommonJS; see generate-case.ts).
const evaluate = tumourAt;
const [CSF, GM, WM, EDEMA, NECROSIS, ENHANCING] = [MATERIAL.csf, MATERIAL.gm, MATERIAL.wm, MATERIAL.edema, MATERIAL.necrosis, MATERIAL.enhancing];
const [LABEL_NECROTIC, LABEL_EDEMA, LABEL_ENHANCING] = [BRATS_LABEL.necrotic, BRATS_LABEL.edema, BRATS_LABEL.enhancing];

const hit: TumourHit = { nec: 0, tc: 0, edema: 0, label: 0, edemaRank: 0, texture: 1 };

/**
 * Puts the tumours into a voxel's healthy material fractions `f` (changed in place; they still sum to 1):
 * - the tumour core (necrosis + enhancing rim) displaces whatever is inside the skull (CSF, grey and white matter,
 *   another tumour's edema): a mass;
 * - edema soaks the brain tissue (grey and white matter) around it; CSF stays CSF.
 * The label is the core's (1 or 4) where a core is, else edema (2) where some tumour's edema region reaches and
 * brain tissue fills at least half the voxel, else 0.
 */
export function mixTumours(tumours: readonly Tumour[], x: number, y: number, z: number, h: number, f: Float64Array, out: TumourVoxel): void {
  out.label = 0;
  out.owner = 0;
  out.texture = 1;
  const parenchyma = f[GM]! + f[WM]!;
  const wmShare = parenchyma > 0 ? f[WM]! / parenchyma : 0.5;
  let bestRank = Infinity;
  for (let k = 0; k < tumours.length; k++) {
    if (!evaluate(tumours[k]!, x, y, z, wmShare, h, hit)) continue;
    const intracranial = f[CSF]! + f[GM]! + f[WM]! + f[EDEMA]!;
    const take = Math.min(hit.tc, intracranial);
    if (take > 0) {
      const keep = 1 - take / intracranial;
      f[CSF]! *= keep;
      f[GM]! *= keep;
      f[WM]! *= keep;
      f[EDEMA]! *= keep;
      const necShare = hit.tc > 0 ? hit.nec / hit.tc : 0;
      f[NECROSIS]! += take * necShare;
      f[ENHANCING]! += take * (1 - necShare);
      out.texture = hit.texture;
    }
    const soaked = hit.tc < 1 ? Math.min(1, Math.max(0, (hit.edema - hit.tc) / (1 - hit.tc))) : 0;
    if (soaked > 0) {
      f[EDEMA]! += (f[GM]! + f[WM]!) * soaked;
      f[GM]! *= 1 - soaked;
      f[WM]! *= 1 - soaked;
    }
    if (hit.label === LABEL_NECROTIC || hit.label === LABEL_ENHANCING) {
      out.label = hit.label;
      out.owner = k + 1;
      bestRank = -Infinity; // a core wins over any edema
    } else if (hit.label === LABEL_EDEMA && hit.edemaRank < bestRank) {
      out.label = hit.label;
      out.owner = k + 1;
      bestRank = hit.edemaRank;
    }
  }
  // Edema is brain tissue: not where CSF (sulci, ventricles, the layer under the skull) or skull fill the voxel.
  if (out.label === LABEL_EDEMA && f[GM]! + f[WM]! + f[EDEMA]! < 0.5) {
    out.label = 0;
    out.owner = 0;
  }
}
