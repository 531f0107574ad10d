// Generated cases as the trainers and the evaluation take them: chosen contrasts, skull-stripped (the CT too, as
// BraTS-style preprocessing would), z-scored over the brain as inference does, in the card's orientation.
import { normalizeNonzeroPerChannel } from '../../src/core/inference/normalize';
import { niftiView, type Vec3 } from '../../src/core/inference/volume-view';
import { planReorientation } from '../../src/core/nifti/reorient';
import type { PretrainVolume } from '../../src/core/pretrain/pretrain-views';
import { nonzeroBox } from '../../src/core/pretrain/pretrain-views';
import { generateCase, type SynthCase, type SynthContrast } from '../../src/core/synth';
import type { LabelledCase } from '../../src/core/training/train-segmentation';
import { CASE_SIZE, CASE_SPACING } from './recipe';

export function demoCase(seed: number, atLeastOneTumour = false): SynthCase {
  const c = generateCase({ seed, size: CASE_SIZE, spacing: CASE_SPACING });
  if (atLeastOneTumour && c.tumours.length === 0) return generateCase({ seed, size: CASE_SIZE, spacing: CASE_SPACING, tumourCount: 1 });
  return c;
}

/** Channel-major, raw intensities (CT masked to the brain), not yet normalized. */
export function rawChannels(c: SynthCase, contrasts: readonly SynthContrast[]): Float32Array {
  const n = c.labels.length;
  const out = new Float32Array(n * contrasts.length);
  contrasts.forEach((contrast, k) => {
    const src = c.channels[contrast];
    for (let i = 0; i < n; i++) out[k * n + i] = contrast === 'ct' ? (c.brainMask[i] ? src[i]! : 0) : src[i]!;
  });
  return out;
}

export function labelledCase(c: SynthCase, contrasts: readonly SynthContrast[], orientation: string): LabelledCase {
  const channels = rawChannels(c, contrasts);
  normalizeNonzeroPerChannel(channels, contrasts.length, c.labels.length);
  const shape = c.shape as unknown as Vec3;
  const plan = planReorientation(c.affine, shape, orientation);
  return { image: niftiView(channels, shape, contrasts.length, plan), labels: niftiView(c.labels, shape, 1, plan) };
}

export function pretrainVolumes(c: SynthCase, contrasts: readonly SynthContrast[]): PretrainVolume[] {
  return contrasts.map((contrast) => {
    const data = rawChannels(c, [contrast]);
    normalizeNonzeroPerChannel(data, 1, data.length);
    const shape = c.shape as unknown as Vec3;
    return { data, shape, mri: contrast !== 'ct', box: nonzeroBox(data, shape) };
  });
}
