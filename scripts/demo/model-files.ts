// Models of the recipe as files: fresh random weights in the stored layout, writing a model with its card, and
// scoring a written model on generated cases through the same worker and pipeline `swinfuse segment` uses.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInference, voxelSpacing } from '../../src/core/inference';
import { makeModelCard, type ModelCard, type ModelConfig, type WeightTensor } from '../../src/core/models';
import { planReorientation } from '../../src/core/nifti/reorient';
import type { SynthCase, SynthContrast } from '../../src/core/synth';
import { bratsRegionDice } from '../../src/core/training/dice';
import { writeModelFiles } from '../../src/core/training/model-file';
import { rawChannels } from './cases';

export { initialStoredWeights as initialStored } from '../../src/core/training/initial-weights';

export interface DemoModelDetails {
  readonly name: string;
  readonly channels: readonly string[];
  readonly float16: boolean;
  /** What the model is and how it was made, for its card. */
  readonly recipe: Readonly<Record<string, unknown>>;
}

export async function writeDemoModel(path: string, config: ModelConfig, weights: ReadonlyMap<string, WeightTensor>,
  details: DemoModelDetails): Promise<ModelCard> {
  mkdirSync(dirname(path), { recursive: true });
  const card: ModelCard = {
    ...makeModelCard(config, {
      name: details.name, channels: details.channels, labels: 'brats', float16: details.float16,
      source: { checkpoint: 'npm run train:demo', sha256: '' },
    }),
    lineage: [details.recipe],
  };
  await writeModelFiles(path, card, weights, `${details.name}: ${String(details.recipe.summary ?? '')}`);
  return card;
}

export interface CaseScore {
  readonly seed: number;
  readonly WT: number;
  readonly TC: number;
  readonly ET: number;
}

/** Dice per BraTS region of the model at `modelPath` on each case, its channels taken from `contrasts`. */
export async function scoreModel(modelPath: string, card: ModelCard, cases: readonly SynthCase[], contrasts: readonly SynthContrast[],
  threads: number, overlap = 0.5): Promise<CaseScore[]> {
  if (card.labels.scheme !== 'brats') throw new Error('the demo scores BraTS regions');
  const labelMap = card.labels.labelMap;
  const workerScript = join(import.meta.dirname, '..', '..', 'dist', 'inference-worker.js');
  const scores: CaseScore[] = [];
  for (const c of cases) {
    const result = await runInference({
      kind: 'segment', session: { model: modelPath, device: 'cpu', threads }, card, channels: rawChannels(c, contrasts),
      spatialShape: c.shape, plan: planReorientation(c.affine, c.shape, card.orientation), spacing: voxelSpacing(c.affine), cropMargin: 16,
      keepProbabilities: false, overlap, sigmaScale: 0.125,
    }, { workerScript });
    const dice = Object.fromEntries(bratsRegionDice(result.labels, c.labels, labelMap).map((d) => [d.label, d.dice]));
    scores.push({ seed: c.seed, WT: dice.WT!, TC: dice.TC!, ET: dice.ET! });
  }
  return scores;
}

export const meanOf = (scores: readonly CaseScore[], region: 'WT' | 'TC' | 'ET'): number =>
  scores.reduce((s, c) => s + c[region], 0) / scores.length;

