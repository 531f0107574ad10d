// The viewer's state for one document: what is shown and how. Voxel data live in the data stores, not here; tools
// change this state through the pure functions in actions.ts, and the renderer only reads it.
import type { Mat4 } from '../../core/nifti/types';
import type { Reorientation } from '../../core/nifti/reorient';
import type { ChannelInfo, Convention, Layout, ViewerSettings } from '../../core/viewer-protocol/messages';
import { DEFAULT_CAMERA, type ViewCamera } from '../geometry/view-transform';
import type { PaneView, SliceView } from '../geometry/views';
import type { Voxel } from '../geometry/voxel-coords';
import type { ColormapName } from '../render/colormaps';

export interface DocumentInfo {
  readonly uri: string;
  readonly name: string;
  /** RAS-layout shape, affine and spacing. */
  readonly shape: readonly [number, number, number];
  readonly affine: Mat4;
  readonly spacing: readonly [number, number, number];
  readonly stored: { readonly shape: readonly number[]; readonly axcodes: string; readonly plan: Reorientation };
  readonly channels: readonly ChannelInfo[];
}

export type WindowPreset = 'auto' | 'full' | 'custom';

export interface DisplaySettings {
  /** Width and centre of the intensity window, in scaled values. */
  readonly window: number;
  readonly level: number;
  readonly preset: WindowPreset;
  readonly colormap: ColormapName;
}

export interface LabelsLayerState {
  readonly kind: 'labels';
  readonly name: string;
  readonly visible: boolean;
  readonly opacity: number;
  readonly outline: boolean;
  readonly hidden: readonly number[];
}

export interface ProbabilityLayerState {
  readonly kind: 'probability';
  readonly name: string;
  readonly visible: boolean;
  readonly opacity: number;
  readonly threshold: number;
}

export type OverlayLayerState = LabelsLayerState | ProbabilityLayerState;

/** The 3D pane's camera: angles in radians around the volume's centre; zoom 1 shows the whole volume. */
export interface Orbit {
  readonly azimuth: number;
  readonly elevation: number;
  readonly zoom: number;
}

export const DEFAULT_ORBIT: Orbit = { azimuth: (60 * Math.PI) / 180, elevation: (20 * Math.PI) / 180, zoom: 1 };

export interface ViewerState {
  readonly doc: DocumentInfo;
  readonly convention: Convention;
  readonly layout: Layout;
  /** The view a 1×1 layout shows. */
  readonly single: PaneView;
  /** The crosshair, a RAS-layout voxel: it picks the slice of each view. */
  readonly cursor: Voxel;
  readonly cameras: Readonly<Record<SliceView, ViewCamera>>;
  readonly orbit: Orbit;
  /** The channel on screen, and one being fetched. */
  readonly channel: number;
  readonly pendingChannel: number | null;
  readonly displays: Readonly<Record<number, DisplaySettings>>;
  readonly overlays: readonly OverlayLayerState[];
  /** The voxel under the pointer in `pointerView`'s plane, for the status line (its slice index follows the cursor:
   * see pointedVoxel); null when the pointer is outside the image. */
  readonly hover: Voxel | null;
  /** The pane under the pointer; keys act on it. */
  readonly pointerView: PaneView | null;
  /** The view keys act on when the pointer is over none. */
  readonly focused: SliceView;
  readonly message: string | null;
}

export function initialState(doc: DocumentInfo, settings: ViewerSettings, channel: number): ViewerState {
  const center = doc.shape.map((n) => Math.floor((n - 1) / 2)) as unknown as Voxel;
  return {
    doc,
    convention: settings.convention,
    layout: settings.layout,
    single: 'axial',
    cursor: center,
    cameras: { axial: DEFAULT_CAMERA, coronal: DEFAULT_CAMERA, sagittal: DEFAULT_CAMERA },
    orbit: DEFAULT_ORBIT,
    channel,
    pendingChannel: null,
    displays: {},
    overlays: [],
    hover: null,
    pointerView: null,
    focused: 'axial',
    message: null,
  };
}
