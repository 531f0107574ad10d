// Screen ↔ slice mapping of one 2D view: physical aspect from the voxel spacing, fit to the pane, zoom and pan.
// Slice coordinates are continuous voxel indices: voxel n covers [n − 0.5, n + 0.5) along each slice axis.
import type { ViewAxes } from './views';

export interface SliceFrame {
  /** Voxels along the screen's horizontal and vertical axes. */
  readonly width: number;
  readonly height: number;
  /** Their spacing in mm. */
  readonly spacingH: number;
  readonly spacingV: number;
  readonly horizontalDir: 1 | -1;
}

export interface ViewCamera {
  /** 1 fits the whole slice in the pane. */
  readonly zoom: number;
  /** The slice point (mm from voxel 0's centre, along horizontal and vertical) at the pane's centre; null: the slice's centre. */
  readonly center: readonly [number, number] | null;
}

export const DEFAULT_CAMERA: ViewCamera = { zoom: 1, center: null };

export interface PaneSize {
  readonly width: number;
  readonly height: number;
}

export interface ViewTransform {
  readonly frame: SliceFrame;
  readonly pane: PaneSize;
  /** CSS pixels per mm. */
  readonly scale: number;
  readonly centerMm: readonly [number, number];
}

export function sliceFrame(shape: readonly number[], spacing: readonly number[], axes: ViewAxes): SliceFrame {
  return {
    width: shape[axes.horizontal]!, height: shape[axes.vertical]!,
    spacingH: spacing[axes.horizontal]!, spacingV: spacing[axes.vertical]!,
    horizontalDir: axes.horizontalDir,
  };
}

export function sliceCenterMm(frame: SliceFrame): [number, number] {
  return [((frame.width - 1) / 2) * frame.spacingH, ((frame.height - 1) / 2) * frame.spacingV];
}

export function makeTransform(frame: SliceFrame, camera: ViewCamera, pane: PaneSize): ViewTransform {
  const fit = Math.min(pane.width / (frame.width * frame.spacingH), pane.height / (frame.height * frame.spacingV));
  const scale = (Number.isFinite(fit) && fit > 0 ? fit : 1) * camera.zoom;
  return { frame, pane, scale, centerMm: camera.center ?? sliceCenterMm(frame) };
}

/** Pane-local CSS pixel (origin top-left) → continuous slice coordinates [horizontal, vertical]. */
export function screenToSlice(t: ViewTransform, x: number, y: number): [number, number] {
  const { frame, scale, centerMm } = t;
  const hMm = (x - t.pane.width / 2) / (frame.horizontalDir * scale) + centerMm[0];
  const vMm = -(y - t.pane.height / 2) / scale + centerMm[1];
  return [hMm / frame.spacingH, vMm / frame.spacingV];
}

/** Continuous slice coordinates → pane-local CSS pixel. */
export function sliceToScreen(t: ViewTransform, a: number, b: number): [number, number] {
  const { frame, scale, centerMm } = t;
  return [
    t.pane.width / 2 + frame.horizontalDir * (a * frame.spacingH - centerMm[0]) * scale,
    t.pane.height / 2 - (b * frame.spacingV - centerMm[1]) * scale,
  ];
}

/** The voxel a continuous slice coordinate falls in (may be outside the slice). */
export function voxelOf(c: number): number {
  return Math.floor(c + 0.5);
}

export interface ScreenRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Where the whole slice lands in the pane, CSS pixels. */
export function sliceRectOnScreen(t: ViewTransform): ScreenRect {
  const [x0, y0] = sliceToScreen(t, -0.5, -0.5);
  const [x1, y1] = sliceToScreen(t, t.frame.width - 0.5, t.frame.height - 0.5);
  return { left: Math.min(x0, x1), top: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
}

/** Zoom by `factor` keeping the slice point under pane pixel (x, y) where it is. */
export function zoomAround(t: ViewTransform, camera: ViewCamera, factor: number, x: number, y: number): ViewCamera {
  const zoom = Math.min(64, Math.max(0.25, camera.zoom * factor));
  const [a, b] = screenToSlice(t, x, y);
  const scale = (t.scale / camera.zoom) * zoom;
  // Solve for the centre that maps (a, b) back to (x, y) at the new scale.
  const cx = a * t.frame.spacingH - (x - t.pane.width / 2) / (t.frame.horizontalDir * scale);
  const cy = b * t.frame.spacingV + (y - t.pane.height / 2) / scale;
  return { zoom, center: [cx, cy] };
}

/** Pan by a screen displacement in CSS pixels: the image follows the pointer. */
export function panBy(t: ViewTransform, camera: ViewCamera, dx: number, dy: number): ViewCamera {
  const [cx, cy] = t.centerMm;
  return { zoom: camera.zoom, center: [cx - dx / (t.frame.horizontalDir * t.scale), cy + dy / t.scale] };
}

/**
 * The affine map from WebGL fragment coordinates (device pixels, origin bottom-left of the canvas) to continuous
 * slice coordinates, as two rows [a, b, c]: slice = a·fx + b·fy + c. The shader and the pointer use one mapping.
 */
export function fragmentToSliceRows(
  t: ViewTransform, paneLeft: number, paneTop: number, canvasHeightDevice: number, dpr: number,
): { rowH: [number, number, number]; rowV: [number, number, number] } {
  const { frame, scale, centerMm } = t;
  // x = fx / dpr − paneLeft; y = (H − fy) / dpr − paneTop
  // h = ((x − w/2) / (dir·scale) + cx) / sh ; v = (−(y − h/2) / scale + cy) / sv
  const kh = 1 / (frame.horizontalDir * scale * frame.spacingH);
  const rowH: [number, number, number] = [kh / dpr, 0, (-paneLeft - t.pane.width / 2) * kh + centerMm[0] / frame.spacingH];
  const kv = -1 / (scale * frame.spacingV);
  const rowV: [number, number, number] = [0, -kv / dpr, (canvasHeightDevice / dpr - paneTop - t.pane.height / 2) * kv + centerMm[1] / frame.spacingV];
  return { rowH, rowV };
}
