// npm run bench:model — what ORT makes of our SwinUNETR/SwinFUSE graphs: session creation time, one window's forward
// time on CPU with 2 threads, and peak RSS, for F = 48 at S = 96 (the paper's size, random weights) and F = 12 at
// S = 64. Each is measured three ways: our fused graph with ORT's optimizer on ("all") and off ("disabled"), and the
// straightforward ("literal") transcription with the optimizer on. Each configuration runs in a fresh process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildSegmentationModel, randomStateDict, type ModelConfig } from '../src/core/models';
import { serializeModel, type GraphStyle } from '../src/core/onnx';

interface Case { label: string; config: ModelConfig }
const cases: Case[] = [
  { label: 'SwinUNETR F=12 S=64', config: { arch: 'swinunetr', inChannels: 4, outChannels: 3, featureSize: 12, roi: 64 } },
  { label: 'SwinFUSE  F=12 S=64', config: { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 12, roi: 64, dimHeads: 4 } },
  { label: 'SwinUNETR F=48 S=96', config: { arch: 'swinunetr', inChannels: 4, outChannels: 3, featureSize: 48, roi: 96 } },
  { label: 'SwinFUSE  F=48 S=96', config: { arch: 'swinfuse', inChannels: 4, outChannels: 3, featureSize: 48, roi: 96, dimHeads: 3 } },
];
type Level = 'all' | 'disabled';
const variants: { style: GraphStyle; level: Level }[] = [
  { style: 'fused', level: 'all' }, { style: 'fused', level: 'disabled' }, { style: 'literal', level: 'all' },
];
const runs = Number(process.env.SWINFUSE_BENCH_RUNS ?? 3);

interface Result { fileMiB: number; nodes: number; buildMs: number; createMs: number; forwardMs: number[]; peakMiB: number }

async function child(index: number, style: GraphStyle, level: Level): Promise<void> {
  const { config } = cases[index]!;
  const t0 = performance.now();
  const weights = randomStateDict(config, 1);
  const graph = buildSegmentationModel(config, (k) => weights.get(k)!, { style });
  const bytes = serializeModel(graph);
  const buildMs = performance.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'swinfuse-bench-'));
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  weights.clear();
  const t1 = performance.now();
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: level, intraOpNumThreads: 2, interOpNumThreads: 1 });
  const createMs = performance.now() - t1;
  const s = config.roi;
  const x = new Float32Array(config.inChannels * s ** 3).map((_, i) => Math.sin(i * 0.001));
  const forwardMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await session.run({ image: new ort.Tensor('float32', x, [1, config.inChannels, s, s, s]) });
    forwardMs.push(performance.now() - t);
  }
  await session.release();
  rmSync(dir, { recursive: true, force: true });
  const result: Result = { fileMiB: bytes.length / 2 ** 20, nodes: graph.nodes.length, buildMs, createMs, forwardMs, peakMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result) + '\n');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(Number(process.argv[at + 1]), process.argv[at + 2] as GraphStyle, process.argv[at + 3] as Level);
  const only = process.env.SWINFUSE_BENCH_CASES?.split(',').map(Number);
  console.log(`bench:model  ${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, onnxruntime-node ${ort.env.versions.common}`);
  console.log(`CPU execution provider, 2 intra-op threads; forward = one window, batch 1, median of ${runs} after none discarded`);
  console.log('model                 graph    ORT opt    file MiB  nodes  build s  session s  forward s (first / median)  peak RSS MiB');
  for (const [i, c] of cases.entries()) {
    if (only && !only.includes(i)) continue;
    for (const { style, level } of variants) {
      const r = spawnSync(process.execPath, [process.argv[1]!, '--child', String(i), style, level], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        console.log(`${c.label.padEnd(21)} ${style.padEnd(8)} ${level.padEnd(9)}  failed: ${(r.stderr || `exit ${r.status} ${r.signal ?? ''}`).trim().split('\n').pop()}`);
        continue;
      }
      const x = JSON.parse(r.stdout) as Result;
      console.log(`${c.label.padEnd(21)} ${style.padEnd(8)} ${level.padEnd(9)} ${x.fileMiB.toFixed(1).padStart(9)} ${String(x.nodes).padStart(6)} ${(x.buildMs / 1000).toFixed(1).padStart(8)} ${(x.createMs / 1000).toFixed(2).padStart(10)} ${(x.forwardMs[0]! / 1000).toFixed(2).padStart(12)} / ${(median(x.forwardMs) / 1000).toFixed(2).padEnd(13)} ${x.peakMiB.toFixed(0).padStart(12)}`);
    }
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
