// Shared pieces of the proposal tests: a proposal on the markers grid (test/webview-editing-helpers.ts) built from
// plain arrays the tests also count and draw from, the hot map and label borders as the display rules define them,
// and readers of the Layers panel and of the requests the webview posted.
import { type ProposalVoxels, type WebviewToHost } from '../src/core/viewer-protocol';
import type { ViewerPage } from './webview-harness';
import { SHAPE } from './webview-editing-helpers';
import { pixelOnPage, voxelOnPage } from './webview-screen';
import type { RgbaImage } from './webview-png';

export type Rgb = [number, number, number];
export const [X, Y, Z] = SHAPE;
export const VOXELS = X * Y * Z;
export const idx = (x: number, y: number, z: number) => x + X * (y + Y * z);
export const BRATS: Record<number, Rgb> = { 1: [255, 0, 0], 2: [0, 255, 0], 4: [0, 0, 255] };

/**
 * A proposal on the markers grid: label 2 in a box crossing the axial slice on screen, label 4 in another, label 1
 * on a slice away from it; probability 0.9 inside the labels, 0.3 in a ring around label 2's box, 0.05 in a strip
 * (under the heat map's threshold), 0 elsewhere.
 */
export function makeProposal(id: number, model = 'TestNet'): { proposal: ProposalVoxels; labels: Uint8Array; probability: Float32Array } {
  const labels = new Uint8Array(VOXELS);
  const probability = new Float32Array(VOXELS);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const i = idx(x, y, z);
    if (x >= 3 && x <= 9 && y >= 3 && y <= 9 && z >= 5 && z <= 9) labels[i] = 2;
    else if (x >= 14 && x <= 19 && y >= 12 && y <= 17 && z >= 6 && z <= 8) labels[i] = 4;
    else if (x >= 20 && x <= 21 && y >= 2 && y <= 3 && z === 2) labels[i] = 1;
    if (labels[i]) probability[i] = 0.9;
    else if (x >= 1 && x <= 11 && y >= 1 && y <= 11) probability[i] = 0.3;
    else if (y === 18 && x < 12) probability[i] = 0.05;
  }
  const names: Record<number, string> = { 1: 'necrotic core', 2: 'edema', 4: 'enhancing tumor' };
  const proposal: ProposalVoxels = {
    id, model, device: 'cpu', threshold: 0.5,
    labels: [1, 2, 4].map((label) => ({ label, name: names[label]!, voxels: countOf(labels, label) })),
    labelData: labels.slice().buffer, probability: probability.slice().buffer,
  };
  return { proposal, labels, probability };
}

export function countOf(data: ArrayLike<number>, label: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === label) n++;
  return n;
}
export const mix = (a: readonly number[], b: readonly number[], t: number): Rgb => [0, 1, 2].map((k) => a[k]! * (1 - t) + b[k]! * t) as Rgb;

/** The hot map (black → red → yellow → white, knots at 0.375 and 0.75) at the 8-bit step the viewer looks up. */
export function hot(q: number): Rgb {
  const t = Math.round(Math.min(1, Math.max(0, q)) * 255) / 255;
  const c = (v: number) => Math.min(1, Math.max(0, v)) * 255;
  return [c(t / 0.375), c((t - 0.375) / 0.375), c((t - 0.75) / 0.25)];
}

/** Whether an axial voxel of label l > 0 is on its label's border in the slice: an in-plane 4-neighbour differs. */
export function onBorder(labels: Uint8Array, x: number, y: number, z: number): boolean {
  const l = labels[idx(x, y, z)];
  if (x === 0 || y === 0 || x === X - 1 || y === Y - 1) return true;
  return [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => labels[idx(x + dx!, y + dy!, z)] !== l);
}

export async function axialShot(viewer: ViewerPage): Promise<{ shot: RgbaImage; at: (x: number, y: number) => Rgb }> {
  const box = await viewer.sliceBox('axial');
  const shot = await viewer.screenshot();
  return { shot, at: (x, y) => pixelOnPage(shot, voxelOnPage(box, X, Y, x, y, false, 0.3, 0.3)) };
}

/** The Layers panel's section of a layer, and its control ids' prefix (swv-overlay-N). */
export async function layerSection(viewer: ViewerPage, name: string): Promise<{ prefix: string; kind: string | null }> {
  const section = viewer.page.locator(`.swv-overlay[data-overlay="${name}"]`);
  const id = await section.locator('vscode-checkbox').first().getAttribute('id');
  return { prefix: id!.replace(/-visible$/, ''), kind: await section.getAttribute('data-kind') };
}

export async function rangeValue(viewer: ViewerPage, id: string): Promise<number> {
  return Number(await viewer.page.locator(`#${id}`).inputValue());
}

export function proposalMessages(posted: WebviewToHost[]): WebviewToHost[] {
  return posted.filter((m) => ['segment', 'cancelSegmentation', 'acceptProposal', 'discardProposal'].includes(m.type));
}

