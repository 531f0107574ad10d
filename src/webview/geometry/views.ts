// Which RAS voxel axes each 2D view shows, and which way, for a display convention. The voxels the host sends are
// in RAS layout (index 0 → right, 1 → anterior, 2 → superior), so a view is a choice of axes and directions only.
import type { Convention } from '../../core/viewer-protocol/messages';

export type SliceView = 'axial' | 'coronal' | 'sagittal';
export type PaneView = SliceView | '3d';
export type Axis = 0 | 1 | 2;

export const SLICE_VIEWS: readonly SliceView[] = ['axial', 'coronal', 'sagittal'];

export interface ViewAxes {
  /** The RAS axis held fixed: the slice index runs along it. */
  readonly normal: Axis;
  /** The RAS axis along the screen's x. */
  readonly horizontal: Axis;
  /** The RAS axis along the screen's y; its index always increases upwards (anterior or superior at the top). */
  readonly vertical: Axis;
  /** +1: a higher horizontal index is further right on screen; -1: further left. */
  readonly horizontalDir: 1 | -1;
}

/**
 * Axial: right–left across, anterior at the top. Coronal: right–left across, superior at the top. Radiological puts
 * the patient's right on the screen's left in both, neurological on the right. Sagittal: superior at the top and
 * anterior on the LEFT in both conventions (as ITK-SNAP shows it).
 */
export function viewAxes(view: SliceView, convention: Convention): ViewAxes {
  const lr: 1 | -1 = convention === 'radiological' ? -1 : 1;
  switch (view) {
    case 'axial': return { normal: 2, horizontal: 0, vertical: 1, horizontalDir: lr };
    case 'coronal': return { normal: 1, horizontal: 0, vertical: 2, horizontalDir: lr };
    case 'sagittal': return { normal: 0, horizontal: 1, vertical: 2, horizontalDir: -1 };
  }
}

const positiveLetter = ['R', 'A', 'S'] as const;
const negativeLetter = ['L', 'P', 'I'] as const;

export interface EdgeLetters {
  readonly left: string;
  readonly right: string;
  readonly top: string;
  readonly bottom: string;
}

/** The anatomical direction each screen edge of a view faces. */
export function edgeLetters(axes: ViewAxes): EdgeLetters {
  const h = axes.horizontal;
  const rightIsPositive = axes.horizontalDir === 1;
  return {
    left: rightIsPositive ? negativeLetter[h] : positiveLetter[h],
    right: rightIsPositive ? positiveLetter[h] : negativeLetter[h],
    top: positiveLetter[axes.vertical],
    bottom: negativeLetter[axes.vertical],
  };
}

export const VIEW_TITLES: Readonly<Record<PaneView, string>> = {
  axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal', '3d': '3D',
};
