import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Probe {
  index: number[];
  value: number;
}

/** What nibabel found, written by test/fixtures/make_reference.py. */
export interface NibabelReference {
  canonical: Record<string, { shape: number[]; affine: number[][]; axcodes: string; probes: Probe[] }>;
  real: Record<string, { shape: number[]; sum: number; max: number; affine: number[][]; axcodes: string; probes: Probe[] }>;
}

export const nibabelReference = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nibabel-reference.json'), 'utf8'),
) as NibabelReference;
