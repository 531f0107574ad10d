// The corrected case the fine-tuning tests learn from: test/fixtures/segment/ras_4d.nii.gz (a synthetic head with a
// lesion, 80×48×40×4) and its reference mask, drawn from make_segment_fixtures.py's own formulas on the RAS base
// grid: core → 1 (TC), the rest of the lesion → 2 (edema, WT), else 0.
import { join } from 'node:path';
import { NIFTI_INTENT_LABEL, readNiftiFile, writeNiftiFile, type NiftiVolume } from '../../src/core/nifti';
import { repoRoot } from './paths';

export const segmentFixtures = join(repoRoot, 'test', 'fixtures', 'segment');
export const caseImage = join(segmentFixtures, 'ras_4d.nii.gz');

/** Labels on the base grid, x fastest; `label` maps the fixture's (core, lesion) to a value. */
export function caseLabels(shape: readonly number[], label = (core: boolean, lesion: boolean): number => (core ? 1 : lesion ? 2 : 0)): Uint8Array {
  const [X, Y, Z] = shape as [number, number, number];
  const out = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const core = ((x - 51) / 4) ** 2 + ((y - 20) / 3) ** 2 + ((z - 22) / 3) ** 2 <= 1;
    const lesion = ((x - 50) / 9) ** 2 + ((y - 20) / 7) ** 2 + ((z - 22) / 6) ** 2 <= 1;
    out[x + X * (y + Y * z)] = label(core, lesion);
  }
  return out;
}

/** Writes `labels` as a uint8 mask with the image's exact geometry. */
export async function writeCaseMask(path: string, image: NiftiVolume, labels: Uint8Array): Promise<void> {
  await writeNiftiFile(path, { shape: image.shape.slice(0, 3), data: labels, geometry: image.header, intentCode: NIFTI_INTENT_LABEL });
}

export async function readCaseImage(): Promise<NiftiVolume> {
  return readNiftiFile(caseImage);
}
