import { parseArgs } from 'node:util';
import { readNiftiFile, scaledSummary, type NiftiVolume } from '../../core/nifti';
import { UsageError } from '../usage-error';

export const infoUsage = `swinfuse info FILE [--json] [--max-voxels N]

Prints a NIfTI file's shape, datatype, spacing, affine (as stored, not reoriented), orientation, and the sum and
mean of its scaled voxel values.
  --json           one JSON object on stdout
  --max-voxels N   refuse files whose header claims more voxels (default 2^30)`;

export interface InfoReport {
  shape: number[];
  datatype: string;
  pixdim: number[];
  affine: number[][];
  axcodes: string;
  sformCode: number;
  qformCode: number;
  sum: number;
  mean: number;
}

export function infoReport(volume: NiftiVolume): InfoReport {
  const { sum, mean } = scaledSummary(volume);
  const spacingAxes = Math.min(volume.shape.length, 4);
  return {
    shape: [...volume.shape],
    datatype: volume.datatype,
    pixdim: volume.header.pixdim.slice(1, 1 + Math.max(3, spacingAxes)),
    affine: volume.affine.map((row) => [...row]),
    axcodes: volume.axcodes,
    sformCode: volume.header.sformCode,
    qformCode: volume.header.qformCode,
    sum,
    mean,
  };
}

export function formatInfo(file: string, r: InfoReport): string {
  const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
  return [
    `file      ${file}`,
    `shape     ${r.shape.join(' × ')}`,
    `datatype  ${r.datatype}`,
    `pixdim    ${r.pixdim.map(fmt).join(' × ')}`,
    `axcodes   ${r.axcodes}`,
    `sform     code ${r.sformCode}    qform  code ${r.qformCode}`,
    'affine',
    ...r.affine.map((row) => '  ' + row.map((v) => fmt(v).padStart(12)).join(' ')),
    `sum       ${fmt(r.sum)}`,
    `mean      ${fmt(r.mean)}`,
  ].join('\n');
}

export async function runInfo(argv: string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'max-voxels': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return out(infoUsage);
  if (positionals.length !== 1) throw new UsageError(`info takes exactly one FILE, got ${positionals.length}`);
  const maxVoxels = values['max-voxels'] === undefined ? undefined : Number(values['max-voxels']);
  if (maxVoxels !== undefined && !(Number.isInteger(maxVoxels) && maxVoxels > 0)) {
    throw new UsageError(`--max-voxels must be a positive whole number, got ${values['max-voxels']}`);
  }
  const file = positionals[0]!;
  const volume = await readNiftiFile(file, maxVoxels === undefined ? {} : { maxVoxels });
  const report = infoReport(volume);
  out(values.json ? JSON.stringify(report) : formatInfo(file, report));
}
