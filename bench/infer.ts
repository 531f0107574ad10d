// npm run bench:infer — full-volume segmentation of a synthetic 240×240×155 four-channel scan (BraTS size) on CPU,
// through the same path as `swinfuse segment`: NIfTI read, channels gathered, worker thread, mask written. SwinFUSE
// at F = 48 (the paper's model, roi 96) and F = 12, random weights, with the default foreground crop and without.
// Each case runs in a fresh process so peak RSS is its own. A last case cancels an F = 48 run and reports the RSS
// left afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readModelCard, runInference, scanChannels, type SegmentationJob } from '../src/core/inference';
import { BRATS_CHANNELS, buildSegmentationModel, cardPathFor, makeModelCard, randomStateDict, type ModelConfig } from '../src/core/models';
import { encodeNifti, NIFTI_INTENT_LABEL, readNiftiFile, writeNiftiFile, type NiftiGeometry } from '../src/core/nifti';
import { serializeModel } from '../src/core/onnx';

const SHAPE = [240, 240, 155] as const;
const threads = Number(process.env.SWINFUSE_BENCH_THREADS ?? cpus().length);
const workerScript = join(__dirname, '..', 'inference-worker.js');

interface Case { label: string; config: ModelConfig; crop: number | null; cancelAfter?: number }
const f48: ModelConfig = { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 48, roi: 96, dimHeads: 3 };
const f12: ModelConfig = { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 12, roi: 96, dimHeads: 3 };
const cases: Case[] = [
  { label: 'SwinFUSE F=48 S=96, crop 16', config: f48, crop: 16 },
  { label: 'SwinFUSE F=48 S=96, no crop', config: f48, crop: null },
  { label: 'SwinFUSE F=12 S=96, crop 16', config: f12, crop: 16 },
  { label: 'SwinFUSE F=12 S=96, no crop', config: f12, crop: null },
  { label: 'F=48 cancelled after 1 window', config: f48, crop: null, cancelAfter: 1 },
];

interface Result { windows: number; totalS: number; perWindowS: number | null; peakMiB: number; afterMiB: number; labelled: number; device: string }

/** A head-like ellipsoid with a lesion, zero outside, four contrasts: the shape of a skull-stripped BraTS case. */
function syntheticScan(): Int16Array {
  const [X, Y, Z] = SHAPE;
  const data = new Int16Array(X * Y * Z * 4);
  const base = [300, 500, 450, 700];
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const head = ((x - 120) / 75) ** 2 + ((y - 125) / 95) ** 2 + ((z - 75) / 68) ** 2 <= 1;
    if (!head) continue;
    const lesion = ((x - 150) / 22) ** 2 + ((y - 110) / 18) ** 2 + ((z - 90) / 16) ** 2 <= 1;
    for (let c = 0; c < 4; c++) {
      const v = base[c]! + 60 * Math.sin(x / 9 + c) + 40 * Math.cos(y / 7 - z / 11) + (lesion ? 300 + 120 * c : 0);
      data[x + X * (y + Y * (z + Z * c))] = Math.round(v);
    }
  }
  return data;
}

const geometry: NiftiGeometry = {
  qformCode: 1, sformCode: 1, quatern: [0, 0, 0], qoffset: [-120, -125, -75], pixdim: [1, 1, 1, 1, 1, 0, 0, 0],
  srow: [[1, 0, 0, -120], [0, 1, 0, -125], [0, 0, 1, -75]], xyztUnits: 10, dimInfo: 0,
};

async function child(index: number, dir: string): Promise<void> {
  const c = cases[index]!;
  const model = join(dir, `f${c.config.featureSize}.onnx`);
  const started = performance.now();
  const card = readModelCard(model);
  const image = await readNiftiFile(join(dir, 'scan.nii.gz'));
  const scan = scanChannels([image], card);
  const job: SegmentationJob = {
    kind: 'segment', session: { model, device: 'cpu', threads }, card, channels: scan.channels,
    spatialShape: scan.spatialShape, plan: scan.plan, spacing: scan.spacing, overlap: 0.5, sigmaScale: 0.125, cropMargin: c.crop, keepProbabilities: false,
  };
  const controller = new AbortController();
  let firstWindowAt = 0;
  let windows = 0;
  try {
    const result = await runInference(job, {
      workerScript, signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 0) firstWindowAt = performance.now();
        windows = p.total;
        if (c.cancelAfter !== undefined && p.done === c.cancelAfter) controller.abort();
      },
    });
    await writeNiftiFile(join(dir, `mask${index}.nii.gz`), { shape: scan.spatialShape, data: result.labels, geometry, intentCode: NIFTI_INTENT_LABEL });
    const totalS = (performance.now() - started) / 1000;
    report({ windows: result.windows, totalS, perWindowS: (performance.now() - firstWindowAt) / 1000 / Math.max(1, result.windows),
      peakMiB: process.resourceUsage().maxRSS / 1024, afterMiB: process.memoryUsage().rss / 2 ** 20,
      labelled: result.labels.reduce((n, v) => n + (v ? 1 : 0), 0), device: result.device });
  } catch (err) {
    if (c.cancelAfter === undefined) throw err;
    const cancelS = (performance.now() - started) / 1000;
    global.gc?.();
    report({ windows, totalS: cancelS, perWindowS: null, peakMiB: process.resourceUsage().maxRSS / 1024,
      afterMiB: process.memoryUsage().rss / 2 ** 20, labelled: 0, device: String((err as Error).message) });
  }
}

function report(r: Result): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(Number(process.argv[at + 1]), process.argv[at + 2]!);
  const only = process.env.SWINFUSE_BENCH_CASES?.split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'swinfuse-bench-infer-'));
  try {
    const [X, Y, Z] = SHAPE;
    writeFileSync(join(dir, 'scan.nii.gz'), await encodeNifti({ shape: [X, Y, Z, 4], data: syntheticScan(), geometry }, true));
    for (const config of [f48, f12]) {
      const weights = randomStateDict(config, 1);
      const path = join(dir, `f${config.featureSize}.onnx`);
      writeFileSync(path, serializeModel(buildSegmentationModel(config, (k) => weights.get(k)!, {})));
      const card = makeModelCard(config, { name: `random-f${config.featureSize}`, channels: [...BRATS_CHANNELS], labels: 'brats', source: { checkpoint: 'random', sha256: '' } });
      writeFileSync(cardPathFor(path), JSON.stringify(card));
    }
    console.log(`bench:infer  ${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, onnxruntime-node ${ort.env.versions.common}`);
    console.log(`synthetic ${X}×${Y}×${Z}×4 int16 scan, overlap 0.5, CPU execution provider, ${threads} threads, random weights`);
    console.log('case                           windows  total s  s/window  peak RSS MiB  RSS after MiB  labelled voxels');
    for (const [i, c] of cases.entries()) {
      if (only && !only.includes(i)) continue;
      const r = spawnSync(process.execPath, ['--expose-gc', process.argv[1]!, '--child', String(i), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        console.log(`${c.label.padEnd(30)} failed: ${(r.stderr || `exit ${r.status} ${r.signal ?? ''}`).trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      const x = JSON.parse(r.stdout) as Result;
      console.log(`${c.label.padEnd(30)} ${String(x.windows).padStart(7)} ${x.totalS.toFixed(1).padStart(8)} ${(x.perWindowS === null ? '-' : x.perWindowS.toFixed(2)).padStart(9)} ${x.peakMiB.toFixed(0).padStart(13)} ${x.afterMiB.toFixed(0).padStart(14)} ${c.cancelAfter === undefined ? String(x.labelled).padStart(16) : `  (${x.device})`}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
