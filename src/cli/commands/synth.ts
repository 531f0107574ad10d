import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NIFTI_INTENT_LABEL, writeNiftiFile } from '../../core/nifti';
import {
  BRATS_LABEL, DEFAULT_SYNTH_SIZE, DEFAULT_SYNTH_SPACING, generateCase, SYNTH_CONTRASTS, synthGeometry, type SynthCase,
} from '../../core/synth';
import { UsageError } from '../usage-error';

export const synthUsage = `swinfuse synth --seed N --out DIR [--size D,H,W] [--spacing MM] [--tumours 0-3] [--no-skull-strip]
               [--name NAME] [--json]

Generates a synthetic BraTS-like case: a head with grey and white matter, CSF, ventricles and 0 to 3 tumours
(necrotic core, enhancing rim, edema), rendered as T1, T1ce, T2, FLAIR and CT with partial volume, a bias field
and noise. The same seed gives the same files. Writes into DIR, on one RAS voxel grid centred on the origin:
NAME_t1, NAME_t1ce, NAME_t2, NAME_flair, NAME_ct (.nii.gz, int16; CT in HU) and NAME_seg.nii.gz (uint8 BraTS
labels 1 necrotic core, 2 edema, 4 enhancing tumour).
  --seed             whole number 0 … 4294967295
  --out              the folder to write (made if missing)
  --size             voxels along x,y,z (D,H,W), 16 … 256 each (default ${DEFAULT_SYNTH_SIZE.join(',')})
  --spacing          voxel size in mm (default ${DEFAULT_SYNTH_SPACING}); a head that does not fit is scaled down
  --tumours          force the number of tumours (default: drawn from the seed, mostly 1)
  --no-skull-strip   keep scalp and skull in the MRI (default: zero outside the brain, as BraTS; CT keeps the head)
  --name             file name prefix (default case)
  --json             print one JSON object instead of text`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function runSynth(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      seed: { type: 'string' }, out: { type: 'string' }, size: { type: 'string' }, spacing: { type: 'string' },
      tumours: { type: 'string' }, 'no-skull-strip': { type: 'boolean' }, name: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return out(synthUsage);
  if (positionals.length > 0) throw new UsageError(`synth takes no positional arguments, got "${positionals[0]}"`);
  if (values.seed === undefined) throw new UsageError('--seed N is required');
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || seed > 0xffffffff) throw new UsageError(`--seed must be a whole number 0 … 4294967295, got "${values.seed}"`);
  if (!values.out) throw new UsageError('--out DIR is required');
  const size = values.size === undefined ? DEFAULT_SYNTH_SIZE : parseSize(values.size);
  const spacing = values.spacing === undefined ? DEFAULT_SYNTH_SPACING : Number(values.spacing);
  if (!(spacing >= 0.25 && spacing <= 10)) throw new UsageError(`--spacing must be a number of mm, 0.25 … 10, got "${values.spacing}"`);
  const tumourCount = values.tumours === undefined ? undefined : Number(values.tumours);
  if (tumourCount !== undefined && !/^[0-3]$/.test(values.tumours!)) throw new UsageError(`--tumours must be 0, 1, 2 or 3, got "${values.tumours}"`);
  const name = values.name ?? 'case';
  if (!NAME.test(name)) throw new UsageError(`--name must be a plain file name prefix (letters, digits, . _ -), got "${name}"`);

  const started = performance.now();
  const synth = generateCase({ seed, size, spacing, skullStrip: !values['no-skull-strip'], ...(tumourCount === undefined ? {} : { tumourCount }) });
  const generatedMs = performance.now() - started;
  mkdirSync(values.out, { recursive: true });
  const files = await writeCase(synth, values.out, name);
  const labelVoxels = countLabels(synth.labels);
  if (values.json) {
    out(JSON.stringify({
      files, seed, shape: synth.shape, spacing: synth.spacing, affine: synth.affine, skullStripped: synth.skullStripped,
      labelVoxels, tumours: synth.tumours, generatedMs: Math.round(generatedMs),
    }));
    return;
  }
  out(`wrote ${files.join(', ')}`);
  out(`${synth.shape.join('×')} voxels of ${synth.spacing} mm, RAS, ${synth.skullStripped ? 'MRI skull-stripped' : 'MRI with scalp and skull'}; generated in ${Math.round(generatedMs)} ms`);
  const mL = (voxels: number): string => ((voxels * synth.spacing ** 3) / 1000).toFixed(1);
  out(`labels: 0 background ${labelVoxels['0']}, 1 necrotic core ${labelVoxels['1']} (${mL(labelVoxels['1'])} mL), ` +
    `2 edema ${labelVoxels['2']} (${mL(labelVoxels['2'])} mL), 4 enhancing ${labelVoxels['4']} (${mL(labelVoxels['4'])} mL) voxels`);
  if (synth.tumours.length === 0) out('tumours: none');
  synth.tumours.forEach((t, k) => out(`tumour ${k + 1}: ${t.kind} at (${t.centreMm.map((v) => v.toFixed(1)).join(', ')}) mm, ` +
    `voxels: necrotic ${t.voxels.necrotic}, enhancing ${t.voxels.enhancing}, edema ${t.voxels.edema}`));
}

function parseSize(text: string): [number, number, number] {
  const parts = text.split(',');
  const dims = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : NaN));
  if (dims.length !== 3 || dims.some((n) => !(n >= 16 && n <= 256))) {
    throw new UsageError(`--size must be three whole numbers D,H,W of 16 … 256 voxels, e.g. 96,96,96; got "${text}"`);
  }
  return dims as [number, number, number];
}

/** Writes the five images (int16) and the labels (uint8, intent label) with one geometry; returns the paths. */
async function writeCase(synth: SynthCase, dir: string, name: string): Promise<string[]> {
  const geometry = synthGeometry(synth.affine);
  const shape = [...synth.shape];
  const files: string[] = [];
  for (const contrast of SYNTH_CONTRASTS) {
    const path = join(dir, `${name}_${contrast}.nii.gz`);
    // Values are whole numbers within int16 (MRI 0 … 32767, CT −1024 … 3071), so int16 stores them exactly.
    const data = Int16Array.from(synth.channels[contrast]);
    const what = contrast === 'ct' ? 'CT (HU)' : contrast.toUpperCase();
    await writeNiftiFile(path, { shape, data, geometry, description: `swinfuse synth seed ${synth.seed} ${what}` });
    files.push(path);
  }
  const seg = join(dir, `${name}_seg.nii.gz`);
  await writeNiftiFile(seg, {
    shape, data: synth.labels, geometry, intentCode: NIFTI_INTENT_LABEL,
    description: `swinfuse synth seed ${synth.seed}: 1 NCR, 2 ED, 4 ET`,
  });
  files.push(seg);
  return files;
}

function countLabels(labels: Uint8Array): Record<'0' | '1' | '2' | '4', number> {
  const counts = { '0': 0, '1': 0, '2': 0, '4': 0 };
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === 0) counts['0']++;
    else if (l === BRATS_LABEL.necrotic) counts['1']++;
    else if (l === BRATS_LABEL.edema) counts['2']++;
    else if (l === BRATS_LABEL.enhancing) counts['4']++;
  }
  return counts;
}
