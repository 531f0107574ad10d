// Where a voxel should appear on the page, computed by the tests from the display rules themselves (not from the
// viewer's code): the slice box comes from the pane's data-slice-rect, the direction from the convention.
import { pixelAt, type RgbaImage } from './webview-png';
import type { Box } from './webview-harness';

/**
 * The page position of a point inside voxel (a, b) of a view's slice: `a` along the screen's horizontal axis,
 * `b` along its vertical one (which always grows upwards). `rightward`: whether a higher `a` is further right.
 * (fa, fb) is the point inside the voxel, 0..1 (0.5 = centre).
 */
export function voxelOnPage(box: Box, width: number, height: number, a: number, b: number, rightward: boolean, fa = 0.5, fb = 0.5): [number, number] {
  const col = rightward ? a + fa : width - 1 - a + (1 - fa);
  const row = height - 1 - b + (1 - fb);
  return [box.x + (col / width) * box.width, box.y + (row / height) * box.height];
}

export function pixelOnPage(image: RgbaImage, [x, y]: [number, number], deviceScale = 1): [number, number, number] {
  return pixelAt(image, x * deviceScale, y * deviceScale);
}

export function isGrey([r, g, b]: readonly number[], tolerance = 2): boolean {
  return Math.abs(r! - g!) <= tolerance && Math.abs(g! - b!) <= tolerance;
}

export function near(actual: readonly number[], expected: readonly number[], tolerance = 2): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
}

/** Pixels of a page box, as [r, g, b] triples (for comparing panes between files). */
export function boxPixels(image: RgbaImage, box: Box, deviceScale = 1): number[] {
  const out: number[] = [];
  for (let y = Math.ceil(box.y * deviceScale); y < Math.floor((box.y + box.height) * deviceScale); y++) {
    for (let x = Math.ceil(box.x * deviceScale); x < Math.floor((box.x + box.width) * deviceScale); x++) {
      const o = (y * image.width + x) * 4;
      out.push(image.data[o]!, image.data[o + 1]!, image.data[o + 2]!);
    }
  }
  return out;
}

/** The grey the display should show for value v under window [low, high] with the grey map. */
export function expectedGrey(v: number, low: number, high: number): number {
  const t = Math.min(1, Math.max(0, (v - low) / (high - low)));
  return Math.round(t * 255);
}

/**
 * The colour shown inside every voxel of a view's slice (sampled off the voxel centre, clear of the crosshair line),
 * voxel by voxel in slice order: two files showing the same anatomy must give the same list.
 */
export function voxelColours(image: RgbaImage, box: Box, width: number, height: number, rightward: boolean, deviceScale = 1): number[] {
  const out: number[] = [];
  for (let b = 0; b < height; b++) {
    for (let a = 0; a < width; a++) out.push(...pixelOnPage(image, voxelOnPage(box, width, height, a, b, rightward, 0.3, 0.3), deviceScale));
  }
  return out;
}
