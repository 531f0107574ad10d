// npm run train:demo — rebuilds the bundled model from nothing: generated cases → SwinFUSE pre-training on MRI and
// CT sub-volumes → supervised training on the four MRI contrasts → models/swinfuse-demo/ (model, card, sample case).
// Every stage checkpoints under .train/ and resumes where it stopped; delete .train/ to start over.
// Options: --threads N (onnxruntime threads, default all cores).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BRATS_CHANNELS } from '../src/core/models';
import { runSynth } from '../src/cli/commands/synth';
import { demoCase } from './demo/cases';
import { meanOf, scoreModel, writeDemoModel } from './demo/model-files';
import { CASE_SIZE, CASE_SPACING, demoConfig, DEMO_NAME, PRETRAIN, SEEDS, SUPERVISED } from './demo/recipe';
import { supervised } from './demo/stages';

const { values } = parseArgs({ options: { threads: { type: 'string' } } });
const threads = Number(values.threads ?? cpus().length);
const started = performance.now();
const BRATS_CONTRASTS = ['flair', 't1ce', 't1', 't2'] as const;

const weights = await supervised(`${DEMO_NAME}-training`, BRATS_CONTRASTS, BRATS_CHANNELS, 'mixed', SUPERVISED, threads);
const dir = join('models', DEMO_NAME);
const modelPath = join(dir, `${DEMO_NAME}.onnx`);
const card = await writeDemoModel(modelPath, demoConfig(4), weights, {
  name: DEMO_NAME, channels: BRATS_CHANNELS, float16: false,
  recipe: {
    summary: 'SwinFUSE pre-trained on generated MRI and CT, then trained for BraTS regions on generated cases (npm run train:demo)',
    pretrain: { ...PRETRAIN, seeds: SEEDS.pretrain, modalities: ['t1', 't1ce', 't2', 'flair', 'ct'] },
    train: { ...SUPERVISED, seeds: SEEDS.train }, cases: { size: CASE_SIZE, spacingMm: CASE_SPACING },
    caveat: 'Trained only on generated phantoms: a demonstration of the pipeline, not a clinical model.',
  },
});
console.log(`wrote ${modelPath} and its card`);
await runSynth(['--seed', String(SEEDS.sample), '--out', join(dir, 'sample'), '--name', 'sample', '--size', CASE_SIZE.join(','), '--spacing', String(CASE_SPACING)], console.log);
const heldOut = SEEDS.heldOut.map((seed) => demoCase(seed, true));
const scores = await scoreModel(modelPath, card, heldOut, BRATS_CONTRASTS, threads);
console.log(`held-out Dice (${heldOut.length} generated cases): WT ${meanOf(scores, 'WT').toFixed(3)}, TC ${meanOf(scores, 'TC').toFixed(3)}, ET ${meanOf(scores, 'ET').toFixed(3)}`);
console.log(`done in ${((performance.now() - started) / 60000).toFixed(1)} min`);
