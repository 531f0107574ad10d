// npm run bench:nifti — load time and peak memory of our NIfTI reader on ch2better.nii.gz (35 million voxels), as a
// ratio to the floor: Node's zlib gunzip of the same file and nothing else. Each run is a fresh process, so peak
// RSS is not polluted by earlier runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readNifti } from '../src/core/nifti';

const file = process.env.SWINFUSE_BENCH_FILE ?? resolve(process.cwd(), '..', 'shared', 'fixtures', 'real', 'ch2better.nii.gz');
const runs = Number(process.env.SWINFUSE_BENCH_RUNS ?? 7);

interface Sample { ms: number; peakMiB: number }

async function child(mode: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  const before = process.memoryUsage().rss;
  const start = performance.now();
  let voxels: number;
  if (mode === 'floor') {
    voxels = gunzipSync(bytes).length;
  } else {
    voxels = (await readNifti(bytes, file)).data.length;
  }
  const ms = performance.now() - start;
  // maxRSS is in KiB; the peak above what the process held before the work began.
  const peakMiB = (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20;
  process.stdout.write(JSON.stringify({ ms, peakMiB, voxels }) + '\n');
}

function measure(mode: string): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [process.argv[1]!, '--child', mode], { encoding: 'utf8', env: { ...process.env } });
    if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
    samples.push(JSON.parse(r.stdout) as Sample);
  }
  return samples;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(process.argv[at + 1]!);
  const floor = measure('floor');
  const ours = measure('load');
  const row = (name: string, s: Sample[]): string =>
    `${name.padEnd(26)} ${median(s.map((x) => x.ms)).toFixed(1).padStart(8)} ms ${median(s.map((x) => x.peakMiB)).toFixed(1).padStart(8)} MiB`;
  const timeRatio = median(ours.map((x) => x.ms)) / median(floor.map((x) => x.ms));
  const memRatio = median(ours.map((x) => x.peakMiB)) / median(floor.map((x) => x.peakMiB));
  console.log(`bench:nifti  ${file}`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${runs} fresh processes`);
  console.log(row('zlib gunzipSync (floor)', floor));
  console.log(row('readNifti', ours));
  console.log(`ratio to floor: time ${timeRatio.toFixed(2)}×, peak memory ${memRatio.toFixed(2)}× (goal: at most 1.5×)`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
