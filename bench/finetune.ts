// npm run bench:finetune — one fine-tuning run per case, through the path `swinfuse finetune` takes (the fine-tune
// worker thread, a step graph per scope, the adapted model written): time per training step and peak memory for
// the scopes head, decoder and all, SwinFUSE at F = 12 and F = 48, roi 96, CPU, random weights, a synthetic
// four-channel case. Each case runs in a fresh child process so its peak RSS (main thread and worker) is its own.
// A watchdog stops a child that grows past the memory the machine can give (F = 48 "all" may), and the table says
// so instead of the benchmark dying.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Vec3 } from '../src/core/inference/volume-view';
import { readModelCard, voxelSpacing } from '../src/core/inference';
import { BRATS_CHANNELS, buildSegmentationModel, cardPathFor, makeModelCard, randomStateDict, type ModelConfig } from '../src/core/models';
import { planReorientation } from '../src/core/nifti/reorient';
import { serializeModel } from '../src/core/onnx';
import { DEFAULT_FINETUNE, runFinetune, type FinetuneJob, type TrainScope } from '../src/core/training';
import { machineSummary, median, printTable } from './report';

const SHAPE: Vec3 = [160, 160, 128];
const STEPS = Number(process.env.SWINFUSE_BENCH_STEPS ?? 3);
const threads = Number(process.env.SWINFUSE_BENCH_THREADS ?? cpus().length);
/** The watchdog's limit: what the machine has, less room for the OS and whatever else runs. */
const LIMIT_MIB = Number(process.env.SWINFUSE_BENCH_LIMIT_MIB ?? Math.floor(totalmem() / 2 ** 20 - 3 * 1024));
const workerScript = join(import.meta.dirname, '..', 'dist', 'finetune-worker.js');

interface Case { readonly label: string; readonly config: ModelConfig; readonly scope: TrainScope }
const f12: ModelConfig = { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 12, roi: 96, dimHeads: 3 };
const f48: ModelConfig = { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 48, roi: 96, dimHeads: 3 };
const cases: Case[] = [f12, f48].flatMap((config) => (['head', 'decoder', 'all'] as const).map((scope) => ({
  label: `SwinFUSE F=${config.featureSize} S=96, ${scope}`, config, scope,
})));

interface Result { stepMs: number[]; losses: number[]; setupS: number; writeS: number; totalS: number; peakMiB: number; device: string }

/** A head-shaped ellipsoid with a nested lesion (edema 2 ⊃ core 1 ⊃ enhancing 4), four contrasts, zero outside. */
function syntheticCase(): { channels: Float32Array; labels: Uint8Array } {
  const [X, Y, Z] = SHAPE;
  const voxels = X * Y * Z;
  const channels = new Float32Array(voxels * 4);
  const labels = new Uint8Array(voxels);
  const base = [300, 500, 450, 700];
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    if (((x - 80) / 70) ** 2 + ((y - 80) / 72) ** 2 + ((z - 64) / 60) ** 2 > 1) continue;
    const r = ((x - 105) / 20) ** 2 + ((y - 70) / 16) ** 2 + ((z - 70) / 14) ** 2;
    const label = r <= 0.15 ? 4 : r <= 0.4 ? 1 : r <= 1 ? 2 : 0;
    const v = x + X * (y + Y * z);
    labels[v] = label;
    for (let c = 0; c < 4; c++) channels[v + c * voxels] = base[c]! + 60 * Math.sin(x / 9 + c) + 40 * Math.cos(y / 7 - z / 11) + (label ? 150 * label + 60 * c : 0);
  }
  return { channels, labels };
}

async function child(index: number, dir: string): Promise<void> {
  const c = cases[index]!;
  const model = join(dir, `f${c.config.featureSize}.onnx`);
  const card = readModelCard(model);
  const { channels, labels } = syntheticCase();
  const identity = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const job: FinetuneJob = {
    model, card, channels, labels, corrected: null, spatialShape: SHAPE, plan: planReorientation(identity, SHAPE, card.orientation), spacing: voxelSpacing(identity),
    settings: { ...DEFAULT_FINETUNE, steps: STEPS, scope: c.scope, device: 'cpu', threads }, output: join(dir, `out${index}.onnx`),
    caseNames: { images: ['synthetic'], mask: 'synthetic' },
  };
  const started = performance.now();
  let firstStepDoneAt = 0;
  let lastStepDoneAt = 0;
  const stepMs: number[] = [];
  const result = await runFinetune(job, {
    workerScript,
    onStep: (r) => {
      lastStepDoneAt = performance.now();
      if (r.step === 1) firstStepDoneAt = lastStepDoneAt - r.ms;
      stepMs.push(r.ms);
      process.stderr.write(`step ${r.step}/${r.steps} ${r.ms.toFixed(0)} ms\n`);
    },
  });
  const done = performance.now();
  const out: Result = {
    stepMs, losses: [...result.losses], setupS: (firstStepDoneAt - started) / 1000, writeS: (done - lastStepDoneAt) / 1000,
    totalS: (done - started) / 1000, peakMiB: process.resourceUsage().maxRSS / 1024, device: result.device,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Runs one case in a fresh process; stops it if its resident memory passes LIMIT_MIB. */
function runCase(index: number, dir: string): Promise<{ result?: Result; failure?: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1]!, '--child', String(index), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedAt: string | undefined;
    p.stdout.on('data', (d: Buffer) => { stdout += d; });
    p.stderr.on('data', (d: Buffer) => { stderr += d; });
    const lastStep = (): string => /step (\d+\/\d+)[^\n]*\n?$/.exec(stderr)?.[1] ?? '0';
    const watchdog = setInterval(() => {
      const rssMiB = residentMiB(p.pid!);
      if (rssMiB > LIMIT_MIB && !killedAt) {
        killedAt = `out of memory: over ${(LIMIT_MIB / 1024).toFixed(1)} GiB resident after ${lastStep()} steps`;
        p.kill('SIGKILL');
      }
    }, 250);
    p.on('close', (code, signal) => {
      clearInterval(watchdog);
      if (killedAt) return resolve({ failure: killedAt });
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-2).join(' | ');
        return resolve({ failure: signal === 'SIGKILL' ? `killed (out of memory?) after ${lastStep()} steps` : `failed (exit ${code ?? signal}): ${tail}` });
      }
      resolve({ result: JSON.parse(stdout) as Result });
    });
  });
}

function residentMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(Number(process.argv[at + 1]), process.argv[at + 2]!);
  const only = process.env.SWINFUSE_BENCH_CASES?.split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'swinfuse-bench-finetune-'));
  try {
    for (const config of [f12, f48]) {
      if (only && !cases.some((c, i) => only.includes(i) && c.config === config)) continue;
      const weights = randomStateDict(config, 1);
      const path = join(dir, `f${config.featureSize}.onnx`);
      writeFileSync(path, serializeModel(buildSegmentationModel(config, (k) => weights.get(k)!, {})));
      const card = makeModelCard(config, { name: `random-f${config.featureSize}`, channels: [...BRATS_CHANNELS], labels: 'brats', source: { checkpoint: 'random', sha256: '' } });
      writeFileSync(cardPathFor(path), JSON.stringify(card));
    }
    console.log(`bench:finetune  ${machineSummary()}, Node ${process.version}, onnxruntime-node ${ort.env.versions.common}`);
    console.log(`synthetic ${SHAPE.join('×')}×4 case, ${STEPS} steps per case (batch 1, one roi patch per step), CPU execution provider, ${threads} threads, random weights; watchdog at ${(LIMIT_MIB / 1024).toFixed(1)} GiB`);
    const rows: string[][] = [];
    for (const [i, c] of cases.entries()) {
      if (only && !only.includes(i)) continue;
      const { result: r, failure } = await runCase(i, dir);
      const row = r
        ? [c.label, `${r.setupS.toFixed(1)} s`, `${(r.stepMs[0]! / 1000).toFixed(1)} s`, `${(median(r.stepMs.slice(1)) / 1000).toFixed(1)} s`,
          `${r.writeS.toFixed(1)} s`, `${r.peakMiB.toFixed(0)} MiB`, `${r.losses[0]!.toFixed(3)} → ${r.losses[r.losses.length - 1]!.toFixed(3)}`]
        : [c.label, failure!, '', '', '', '', ''];
      rows.push(row);
      console.error(row.join('  '));
    }
    printTable(['case', 'setup (graph, sessions)', 'first step', 'step, median of the rest', 'model written', 'peak RSS', 'loss first → last'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
