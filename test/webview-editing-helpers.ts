// Shared steps of the mask-editing tests: a markers document (24×20×16 voxels of 1 × 1.5 × 2 mm, so brushes are
// ellipses in voxel units), page positions of voxels from the display rules (webview-screen.ts), and independent
// expectations built from test/helpers/labels-reference.ts (brute-force enumeration, no code shared with the core).
import { join } from 'node:path';
import type { LabelEdit } from '../src/core/labels';
import { naiveEllipsoid, type Vec3 } from './helpers/labels-reference';
import type { ViewerHarness, ViewerPage } from './webview-harness';
import { documentFromFile, type DocumentOptions, type StandInDocument } from './webview-host';
import { voxelOnPage } from './webview-screen';

export const markersFile = join(import.meta.dirname, 'fixtures', 'viewer', 'markers', 'markers_ras.nii.gz');
export const SHAPE: Vec3 = [24, 20, 16];
export const SPACING: Vec3 = [1, 1.5, 2];
/** The crosshair starts at the centre voxel, so the axial view shows z = 7. */
export const AXIAL_Z = 7;

export async function openMarkers(harness: ViewerHarness, options: DocumentOptions = {}): Promise<{ viewer: ViewerPage; doc: StandInDocument }> {
  const doc = await documentFromFile(markersFile, { settings: { layout: '1x3' }, ...options });
  const viewer = await harness.open(doc, { width: 1300, height: 560 });
  await viewer.init();
  // Opacity 1: a labelled voxel shows exactly its label's colour.
  await viewer.act(() => viewer.page.locator('#swv-mask-opacity').fill('1'));
  await viewer.page.locator('#swv-mask-opacity').blur(); // keys typed into a field are the field's
  return { viewer, doc };
}

/** Page position of axial voxel (x, y) of the slice on screen (radiological: higher x further left). */
export async function axialPoint(viewer: ViewerPage, x: number, y: number, fx = 0.5, fy = 0.5): Promise<[number, number]> {
  return voxelOnPage(await viewer.sliceBox('axial'), SHAPE[0], SHAPE[1], x, y, false, fx, fy);
}

export async function clickAxial(viewer: ViewerPage, x: number, y: number): Promise<void> {
  const [px, py] = await axialPoint(viewer, x, y);
  await viewer.act(() => viewer.page.mouse.click(px, py));
}

export async function tool(viewer: ViewerPage, name: 'navigate' | 'brush' | 'eraser' | 'fill'): Promise<void> {
  await viewer.act(() => viewer.page.locator(`#swv-tool-${name}`).click());
}

export async function setField(viewer: ViewerPage, selector: string, value: string): Promise<void> {
  const input = viewer.page.locator(selector);
  await input.fill(value);
  await viewer.act(() => input.dispatchEvent('change'));
  await input.blur();
}

export function indices(edit: LabelEdit): number[] {
  const out: number[] = [];
  for (let r = 0; r < edit.starts.length; r++) for (let k = 0; k < edit.lengths[r]!; k++) out.push(edit.starts[r]! + k);
  return out;
}

export function expand(rv: { values: Uint8Array; counts: Uint32Array }): number[] {
  const out: number[] = [];
  rv.values.forEach((v, k) => { for (let n = 0; n < rv.counts[k]!; n++) out.push(v); });
  return out;
}

/** The axial disk of radius r mm around voxel c, by enumeration of the whole volume. */
export function axialDisk(c: Vec3, r: number): number[] {
  return naiveEllipsoid(c, r, SHAPE, SPACING, [true, true, false]);
}

export async function waitForEdits(viewer: ViewerPage, n: number): Promise<Awaited<ReturnType<ViewerPage['edits']>>> {
  await viewer.waitForMessage('edit', n);
  return viewer.edits();
}

/** The stats panel's row of a label: voxels and mL as the panel publishes them. */
export async function statsRow(viewer: ViewerPage, label: number): Promise<{ voxels: number; ml: number; text: string }> {
  const row = viewer.page.locator(`#swv-stats tr[data-label="${label}"]`);
  return {
    voxels: Number(await row.getAttribute('data-voxels')),
    ml: Number(await row.getAttribute('data-ml')),
    text: await row.innerText(),
  };
}

export const ML_PER_VOXEL = (SPACING[0] * SPACING[1] * SPACING[2]) / 1000;
