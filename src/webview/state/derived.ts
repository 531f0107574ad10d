// Values computed from the state that several parts need (renderer, pane chrome, tools): pure functions.
import { makeTransform, sliceFrame, type PaneSize, type ViewTransform } from '../geometry/view-transform';
import { viewAxes, type SliceView, type ViewAxes } from '../geometry/views';
import type { Voxel } from '../geometry/voxel-coords';
import type { ViewerState } from './viewer-state';

export function axesOf(state: ViewerState, view: SliceView): ViewAxes {
  return viewAxes(view, state.convention);
}

export function viewTransformOf(state: ViewerState, view: SliceView, pane: PaneSize): ViewTransform {
  const frame = sliceFrame(state.doc.shape, state.doc.spacing, axesOf(state, view));
  return makeTransform(frame, state.cameras[view], pane);
}

export function sliceIndexOf(state: ViewerState, view: SliceView): number {
  return state.cursor[axesOf(state, view).normal];
}

/** The intensity window [low, high] of the channel on screen, or null before its display is known. */
export function windowRange(state: ViewerState): [number, number] | null {
  const d = state.displays[state.channel];
  return d ? [d.level - d.window / 2, d.level + d.window / 2] : null;
}

/** The voxel under the pointer, in the slice its view shows now (the slice may have changed since it moved). */
export function pointedVoxel(state: ViewerState): Voxel | null {
  const view = state.pointerView;
  if (!state.hover || !view || view === '3d') return null;
  const normal = axesOf(state, view).normal;
  const voxel = [...state.hover] as [number, number, number];
  voxel[normal] = state.cursor[normal];
  return voxel;
}
