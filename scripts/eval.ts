// npm run eval — the paper's claim at small scale, on held-out generated cases: single-channel segmentation models
// trained on T1 from three starting points (SwinFUSE pre-training on MRI + CT, pre-training on MRI only, none),
// scored in distribution (T1) and on a modality none of them was trained to segment (CT). Also scores the bundled
// model on the four MRI contrasts. Reuses finished stages under .train/ (train:demo's pre-training included).
// Options: --threads N. Writes .train/eval.json and prints the README's table.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readModelCard } from '../src/core/inference';
import { demoCase } from './demo/cases';
import { meanOf, scoreModel, writeDemoModel, type CaseScore } from './demo/model-files';
import { demoConfig, DEMO_NAME, EVAL_SUPERVISED, SEEDS, WORK_DIR } from './demo/recipe';
import { supervised, type Start } from './demo/stages';

const { values } = parseArgs({ options: { threads: { type: 'string' } } });
const threads = Number(values.threads ?? cpus().length);
const started = performance.now();
const heldOut = SEEDS.heldOut.map((seed) => demoCase(seed, true));
const EVAL_OVERLAP = 0.25;
const STARTS: readonly { start: Start; label: string }[] = [
  { start: 'none', label: 'no pre-training' },
  { start: 'mri', label: 'single-modality pre-training (MRI)' },
  // Last, so a train:demo run started alongside has finished the mixed pre-training this reuses.
  { start: 'mixed', label: 'SwinFUSE pre-training (MRI + CT)' },
];

interface Row { readonly label: string; readonly start: string; readonly t1: CaseScore[]; readonly ct: CaseScore[] }
const rows: Row[] = [];
for (const { start, label } of STARTS) {
  const name = `eval-t1-${start}`;
  const weights = await supervised(name, ['t1'], ['t1'], start, EVAL_SUPERVISED, threads);
  const path = join(WORK_DIR, 'models', `${name}.onnx`);
  const card = await writeDemoModel(path, demoConfig(1), weights, { name, channels: ['t1'], float16: false, recipe: { start } });
  const t1 = await scoreModel(path, card, heldOut, ['t1'], threads, EVAL_OVERLAP);
  const ct = await scoreModel(path, card, heldOut, ['ct'], threads, EVAL_OVERLAP);
  rows.push({ label, start, t1, ct });
  console.log(`${label}: T1 WT ${meanOf(t1, 'WT').toFixed(3)}, CT WT ${meanOf(ct, 'WT').toFixed(3)}`);
}

const bundled = join('models', DEMO_NAME, `${DEMO_NAME}.onnx`);
let shipped: CaseScore[] | null = null;
try {
  shipped = await scoreModel(bundled, readModelCard(bundled), heldOut, ['flair', 't1ce', 't1', 't2'], threads, EVAL_OVERLAP);
} catch (err) {
  console.log(`the bundled model was not scored: ${(err as Error).message}`);
}

const f = (v: number): string => v.toFixed(3);
const lines = [
  `Held-out generated cases: ${heldOut.length} (seeds ${SEEDS.heldOut[0]}–${SEEDS.heldOut.at(-1)}), mean Dice; sliding windows with overlap ${EVAL_OVERLAP}.`,
  '',
  '| starting point of the T1 model | T1 WT | T1 TC | T1 ET | CT WT | CT TC | CT ET |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${f(meanOf(r.t1, 'WT'))} | ${f(meanOf(r.t1, 'TC'))} | ${f(meanOf(r.t1, 'ET'))} | ` +
    `${f(meanOf(r.ct, 'WT'))} | ${f(meanOf(r.ct, 'TC'))} | ${f(meanOf(r.ct, 'ET'))} |`),
];
if (shipped) {
  lines.push('', `Bundled ${DEMO_NAME} (flair, t1ce, t1, t2): WT ${f(meanOf(shipped, 'WT'))}, TC ${f(meanOf(shipped, 'TC'))}, ET ${f(meanOf(shipped, 'ET'))}` +
    ` (per case WT: ${shipped.map((s) => f(s.WT)).join(', ')})`);
}
console.log(lines.join('\n'));
writeFileSync(join(WORK_DIR, 'eval.json'), JSON.stringify({ heldOut: SEEDS.heldOut, overlap: EVAL_OVERLAP, rows, shipped }, null, 2) + '\n');
console.log(`done in ${((performance.now() - started) / 60000).toFixed(1)} min`);
