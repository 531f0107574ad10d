import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** Shared fixtures live beside the checkout (CI puts them there too); SWINFUSE_SHARED overrides. */
export const sharedRoot = process.env.SWINFUSE_SHARED ?? resolve(repoRoot, '..', 'shared');
export const niftiFixtures = resolve(sharedRoot, 'fixtures', 'nifti');
export const realFixtures = resolve(sharedRoot, 'fixtures', 'real');
export const cliPath = resolve(repoRoot, 'dist', 'cli.js');

if (!existsSync(niftiFixtures)) {
  throw new Error(`shared fixtures not found at ${niftiFixtures}; put shared/ beside the checkout or set SWINFUSE_SHARED`);
}
export const realBratsFixtures = resolve(sharedRoot, 'fixtures', 'real-brats');
