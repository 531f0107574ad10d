// The viewer's state for one document: what is shown and how. Voxel data live in the data stores, not here; tools
// change this state through the pure functions in actions.ts, and the renderer only reads it.
import type { Mat4 } from '../../core/nifti/types';
import type { Reorientation } from '../../core/nifti/reorient';
import type { LabelStats } from '../../core/labels/label-stats';
import {
  DEFAULT_EDITOR_SETTINGS,
  type ChannelInfo, type Convention, type EditorAction, type LabelColor, type Layout, type MaskInfo, type ProposalInfo,
  type SegmentationStatus, type ViewerSettings,
} from '../../core/viewer-protocol/messages';
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
  readonly editor: EditorState;
  /** The mask's layer settings (drawn above the other overlays) and where it saves. */
  readonly maskLayer: LabelsLayerState;
  readonly maskInfo: MaskInfo;
  /** Bumped by every change of the mask's voxels, so the frame redraws; which slices changed is in the MaskStore. */
  readonly maskRevision: number;
  readonly maskStats: LabelStats;
  /**
   * The model's proposal under review (its voxels are the two proposal overlays in the OverlayStore; the labels'
   * voxel counts are the webview's own count of them), or null.
   */
  readonly proposal: ProposalInfo | null;
  /** A segmentation of this document running in the host, with its progress. */
  readonly segmentation: SegmentationStatus;
}

export type EditorTool = 'navigate' | 'brush' | 'eraser' | 'fill';

/** Fill spreads through seed ± tolerance, an explicit [lo, hi], or the seed's label. */
export type FillMode = 'tolerance' | 'range' | 'label';

export interface EditorState {
  readonly tool: EditorTool;
  /** The label brush and fill write; the eraser writes 0. */
  readonly activeLabel: number;
  readonly labels: readonly LabelColor[];
  readonly shortcuts: Readonly<Record<EditorAction, string>>;
  readonly brushRadiusMm: number;
  /** Sphere instead of a disk in the view's plane. */
  readonly brush3d: boolean;
  /** Threshold-constrained painting, in scaled values of the channel on screen. */
  readonly threshold: { readonly enabled: boolean; readonly lo: number; readonly hi: number };
  readonly fill: { readonly mode: FillMode; readonly is3d: boolean; readonly tolerance: number; readonly lo: number; readonly hi: number };
  readonly islandsMin: number;
  readonly islandsAllLabels: boolean;
  /** What the last editor command has to say (nothing to interpolate, an island count...). */
  readonly note: string | null;
}

export function initialEditor(settings: ViewerSettings, intensity: { low: number; high: number }, minSpacing: number): EditorState {
  const span = Math.max(intensity.high - intensity.low, 1e-6);
  const editor = settings.editor ?? DEFAULT_EDITOR_SETTINGS; // an older host's settings have no editor part
  return {
    tool: 'navigate',
    activeLabel: editor.labels[0]?.label ?? 1,
    labels: editor.labels,
    shortcuts: { ...DEFAULT_EDITOR_SETTINGS.shortcuts, ...editor.shortcuts },
    brushRadiusMm: Math.max(3, minSpacing),
    brush3d: false,
    threshold: { enabled: false, lo: intensity.low, hi: intensity.high },
    fill: { mode: 'tolerance', is3d: false, tolerance: Number((span * 0.1).toPrecision(3)), lo: intensity.low, hi: intensity.high },
    islandsMin: 10,
    islandsAllLabels: false,
    note: null,
  };
}

export interface InitialMask {
  readonly info: MaskInfo;
  readonly stats: LabelStats;
  readonly intensity: { low: number; high: number };
}

const NO_MASK: InitialMask = {
  info: { file: 'mask', exists: false, refused: null },
  stats: { counts: new Float64Array(256), voxelMl: 0 },
  intensity: { low: 0, high: 1 },
};

export function initialState(doc: DocumentInfo, settings: ViewerSettings, channel: number, mask: InitialMask = NO_MASK): ViewerState {
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
    editor: initialEditor(settings, mask.intensity, Math.min(...doc.spacing)),
    maskLayer: { kind: 'labels', name: mask.info.file, visible: true, opacity: 0.5, outline: false, hidden: [] },
    maskInfo: mask.info,
    maskRevision: 0,
    maskStats: mask.stats,
    proposal: null,
    segmentation: { phase: 'idle' },
  };
}
