// npm run sample:case — makes a BraTS-like four-channel case (flair, t1ce, t1, t2 and a reference label map) from
// the real T1 scan in samples/ch2bet.nii.gz: real anatomy, synthetic contrasts and a synthetic lesion. Written to
// samples/case-ch2/ (not committed; it is quick to remake). The contrasts follow tissue classes read off the T1
// intensities (CSF dark, grey matter middle, white matter bright) so every channel shows the same brain.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../src/core/models';
import { NIFTI_INTENT_LABEL, readNiftiFile, scaledFloat32, writeNiftiFile, type NiftiVolume } from '../src/core/nifti';

export const SAMPLE_CHANNELS = ['flair', 't1ce', 't1', 't2'] as const;

export interface SampleCase {
  readonly channels: Record<(typeof SAMPLE_CHANNELS)[number], Int16Array>;
  /** BraTS labels: 1 necrotic core, 2 edema, 4 enhancing tumour. */
  readonly labels: Uint8Array;
}

export function makeSampleCase(t1: NiftiVolume): SampleCase {
  const [X, Y, Z] = t1.shape as [number, number, number];
  const source = scaledFloat32(t1);
  const n = X * Y * Z;
  const out = { flair: new Int16Array(n), t1ce: new Int16Array(n), t1: new Int16Array(n), t2: new Int16Array(n) };
  const labels = new Uint8Array(n);
  // The lesion sits in the right hemisphere's white matter (RAS voxel axes: +x is right).
  const centre = [Math.round(X * 0.64), Math.round(Y * 0.55), Math.round(Z * 0.58)];
  const uniform = mulberry32(27);
  const rand = (): number => uniform() * 2 - 1;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const i = x + X * (y + Y * z);
    const v = source[i]!;
    if (v <= 0) continue;
    const dx = x - centre[0]!, dy = y - centre[1]!, dz = z - centre[2]!;
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    // Edema spreads irregularly; the core and the enhancing rim are rounder.
    const wobble = 1 + 0.25 * Math.sin(dx / 4) * Math.cos(dy / 5) + 0.15 * Math.sin(dz / 3);
    const region = r < 7 ? 1 : r < 11 ? 4 : r < 22 * wobble ? 2 : 0;
    labels[i] = region;
    // Tissue fraction from the T1: 0 = CSF, 0.5 = grey matter, 1 = white matter.
    const w = Math.min(1, Math.max(0, (v - 40) / 90));
    let t1v = 120 + 380 * w;
    let t2v = 900 - 550 * w;
    let flair = 250 + 250 * Math.min(1, w * 2) - 120 * w;
    let t1ce = t1v;
    if (region === 2) { t2v += 450; flair += 420; t1v -= 60; t1ce -= 60; }
    if (region === 4) { t1ce = 900; t2v += 300; flair += 300; t1v -= 40; }
    if (region === 1) { t1v = 140; t1ce = 150; t2v = 1000; flair = 520; }
    out.t1[i] = Math.round(t1v + 12 * rand());
    out.t1ce[i] = Math.round(t1ce + 12 * rand());
    out.t2[i] = Math.round(t2v + 15 * rand());
    out.flair[i] = Math.round(flair + 15 * rand());
    for (const k of SAMPLE_CHANNELS) if (out[k][i]! < 1) out[k][i] = 1; // z-scoring treats 0 as outside the head
  }
  return { channels: out, labels };
}

/** Writes the case beside each other with the T1's exact geometry; returns the channel paths in model order. */
export async function writeSampleCase(t1Path: string, dir: string): Promise<{ channels: string[]; labels: string }> {
  const t1 = await readNiftiFile(t1Path);
  const sample = makeSampleCase(t1);
  mkdirSync(dir, { recursive: true });
  const shape = t1.shape.slice(0, 3);
  const base = { shape, geometry: t1.header, version: t1.header.version };
  const channels: string[] = [];
  for (const name of SAMPLE_CHANNELS) {
    const path = join(dir, `${name}.nii.gz`);
    await writeNiftiFile(path, { ...base, data: sample.channels[name], description: `synthetic ${name} from ch2bet` });
    channels.push(path);
  }
  const labels = join(dir, 'labels.nii.gz');
  await writeNiftiFile(labels, { ...base, data: sample.labels, intentCode: NIFTI_INTENT_LABEL, description: 'synthetic lesion: 1 core, 2 edema, 4 enhancing' });
  return { channels, labels };
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('sample-case.ts')) {
  const root = resolve(import.meta.dirname, '..');
  const written = await writeSampleCase(join(root, 'samples', 'ch2bet.nii.gz'), join(root, 'samples', 'case-ch2'));
  console.log(`wrote ${[...written.channels, written.labels].map((p) => p.slice(root.length + 1)).join(', ')}`);
}
