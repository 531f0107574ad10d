// The one message protocol between the extension host and the viewer webview. Pure types and constants: both
// bundles import it, neither imports the other. Voxels always travel as ArrayBuffers (transferred), never JSON.
import type { Mat4, NiftiDatatype } from '../nifti/types';
import type { Reorientation } from '../nifti/reorient';
import type { EncodedLabelEdit } from '../labels/label-edit';
import type { AcceptChoice } from '../labels/proposal-accept';

export type { AcceptChoice, AcceptMode } from '../labels/proposal-accept';

export const VIEWER_PROTOCOL_VERSION = 3;

/** Voxel layout the host sends: reoriented to RAS (x → right, y → anterior, z → superior), x fastest. */
export interface RasGeometry {
  /** [X, Y, Z] in RAS layout. */
  readonly shape: readonly [number, number, number];
  /** Voxel (RAS layout) → world (RAS+, mm). */
  readonly affine: Mat4;
  /** Voxel spacing along the RAS-layout axes, mm. */
  readonly spacing: readonly [number, number, number];
  /** How the file stores its voxels, so the status line can show the file's own voxel indices. */
  readonly stored: { readonly shape: readonly number[]; readonly axcodes: string; readonly plan: Reorientation };
}

export type ChannelKind = 'grey' | 'labels';

/** What the viewer can switch between: the 4th-axis channels of one file, or BraTS sibling files. */
export interface ChannelInfo {
  readonly index: number;
  /** e.g. "t1ce", "flair", "channel 2". */
  readonly name: string;
  /** The file it comes from (a name for display, not a path to open). */
  readonly source: string;
}

/** One channel's voxels in RAS layout, stored type; the viewer applies `scaling` itself. */
export interface ChannelVoxels {
  readonly index: number;
  readonly datatype: NiftiDatatype;
  readonly data: ArrayBuffer;
  readonly scaling: { readonly slope: number; readonly inter: number } | null;
}

export type Convention = 'radiological' | 'neurological';
export type Layout = '1x1' | '1x3' | '2x2';

export interface ViewerSettings {
  /** Radiological shows the patient's right on the screen's left in axial and coronal views. */
  readonly convention: Convention;
  readonly layout: Layout;
  readonly editor: EditorSettings;
}

/** Keyboard actions of the mask tools. Digits 1..9 always pick the label at that place in the label list. */
export type EditorAction =
  | 'navigate' | 'brush' | 'eraser' | 'fill'
  | 'brushSmaller' | 'brushLarger' | 'toggleShape3d' | 'toggleThreshold'
  | 'interpolate' | 'nextLabel' | 'previousLabel';

/**
 * Default keys (swinfuse.editor.shortcuts overrides them). A key is KeyboardEvent.key, matched case-insensitively,
 * with optional "Shift+" / "Alt+" prefixes. Ctrl/Cmd combinations are left to VS Code (undo, redo, save).
 */
export const DEFAULT_SHORTCUTS: Readonly<Record<EditorAction, string>> = {
  navigate: 'v',
  brush: 'b',
  eraser: 'e',
  fill: 'f',
  brushSmaller: '[',
  brushLarger: ']',
  toggleShape3d: 'd',
  toggleThreshold: 't',
  interpolate: 'i',
  nextLabel: '.',
  previousLabel: ',',
};

export interface EditorSettings {
  /** The label picker's labels, names and colours (swinfuse.editor.labels; BraTS by default). */
  readonly labels: readonly LabelColor[];
  readonly shortcuts: Readonly<Record<EditorAction, string>>;
}

export interface LabelColor {
  readonly label: number;
  readonly name: string;
  /** 0..255 each. */
  readonly rgb: readonly [number, number, number];
}

export type Overlay =
  | { readonly kind: 'labels'; readonly name: string; readonly data: ArrayBuffer /* Uint8, RAS layout */; readonly colors: readonly LabelColor[] }
  | { readonly kind: 'probability'; readonly name: string; readonly data: ArrayBuffer /* Float32 0..1, RAS layout */ };

/** The editable mask of a document: where Save writes it, and whether a mask beside the image was refused. */
export interface MaskInfo {
  /** The file name Save writes, beside the image (for display; the host resolves it). */
  readonly file: string;
  /** False for a new mask that has not been saved yet. */
  readonly exists: boolean;
  /** A mask found beside the image that is not shown or written (another grid, not a label volume), and why. */
  readonly refused: string | null;
}

export interface MaskVoxels extends MaskInfo {
  /** Uint8 labels in RAS layout, on the image's grid. */
  readonly data: ArrayBuffer;
}

/** One label of a model's proposal, with how many voxels the proposal gives it. */
export interface ProposalLabel {
  readonly label: number;
  /** From the model card (e.g. "enhancing tumor"). */
  readonly name: string;
  readonly voxels: number;
}

/** A model's segmentation of the document, shown over the mask until it is accepted or discarded. */
export interface ProposalInfo {
  /** Distinct per run of this document, so a panel can tell a new proposal from the one it shows. */
  readonly id: number;
  /** The model card's name. */
  readonly model: string;
  /** Where it ran, as onnxruntime reported it (e.g. "cpu", "cuda"). */
  readonly device: string;
  /** Labels the proposal holds, ascending (0 excluded). */
  readonly labels: readonly ProposalLabel[];
  /** The probability at or above which a voxel is labelled (sigmoid models; 0.5 for BraTS), or null for argmax. */
  readonly threshold: number | null;
}

export interface ProposalVoxels extends ProposalInfo {
  /** Uint8 proposed labels in RAS layout, on the image's grid. */
  readonly labelData: ArrayBuffer;
  /** Float32 0..1 in RAS layout: the probability that the voxel is not background (the heat map). */
  readonly probability: ArrayBuffer;
}

/** A segmentation running on the document (the notification has its Cancel too). */
export type SegmentationStatus =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly model: string; readonly done: number; readonly total: number; readonly etaMs: number | null; readonly device: string | null };

/** Requests the webview makes and what the host answers. Keyed by kind so each reply is typed. */
export interface ViewerRequests {
  readonly channel: { readonly params: { readonly index: number }; readonly result: ChannelVoxels };
}
export type ViewerRequestKind = keyof ViewerRequests;

export type HostToWebview =
  | {
    readonly type: 'init';
    readonly version: number;
    readonly document: { readonly uri: string; readonly name: string };
    readonly geometry: RasGeometry;
    readonly channels: readonly ChannelInfo[];
    /** The first channel's voxels, so the first frame needs no round trip. */
    readonly initial: ChannelVoxels;
    readonly overlays: readonly Overlay[];
    /** The label volume the tools edit; the host owns it and this is a copy for painting without a round trip. */
    readonly mask: MaskVoxels;
    /** The model's proposal being reviewed, if any. */
    readonly proposal: ProposalVoxels | null;
    readonly segmentation: SegmentationStatus;
    readonly settings: ViewerSettings;
  }
  | { readonly type: 'settings'; readonly settings: ViewerSettings }
  | { readonly type: 'overlay'; readonly overlay: Overlay }
  /** The whole mask replaced: after Revert, or to resync a panel whose copy no longer matches the host's. */
  | { readonly type: 'mask'; readonly mask: MaskVoxels; readonly reason: 'revert' | 'resync' }
  /** An edit the panel did not make itself: VS Code's undo (the inverse edit) or redo, or another panel's stroke. */
  | { readonly type: 'maskEdit'; readonly edit: EncodedLabelEdit; readonly cause: 'undo' | 'redo' | 'other-panel' | 'accept' }
  /** A new proposal to review, or null when it was accepted, discarded or replaced by nothing. */
  | { readonly type: 'proposal'; readonly proposal: ProposalVoxels | null }
  /** A segmentation of this document started, progressed or ended. */
  | { readonly type: 'segmentation'; readonly status: SegmentationStatus }
  /** Where the mask now saves, after Save or Save As. */
  | { readonly type: 'maskInfo'; readonly mask: MaskInfo }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

export type WebviewToHost =
  /** Sent when the webview's script has loaded, and again after a reload: the host answers with init. */
  | { readonly type: 'ready'; readonly version: number }
  | { readonly type: 'request'; readonly id: number; readonly kind: ViewerRequestKind; readonly params: unknown }
  /** After the first frame of an init has been drawn; tests and the benchmark wait for it. */
  | { readonly type: 'rendered'; readonly msFromInit: number }
  /**
   * One tool action (a whole brush stroke, a fill, an interpolation...), already applied to the panel's copy. The
   * host applies it to its mask and hands VS Code the {undo, redo} pair; `label` names it in VS Code's undo UI.
   */
  | { readonly type: 'edit'; readonly label: string; readonly edit: EncodedLabelEdit }
  /** The user edited the label picker's names or colours: the host stores them in swinfuse.editor.labels. */
  | { readonly type: 'setLabels'; readonly labels: readonly LabelColor[] }
  /** The panel's Segment button: the host runs SwinFUSE: Segment on this document. */
  | { readonly type: 'segment' }
  | { readonly type: 'cancelSegmentation' }
  /** Accept the proposal `proposalId` (a stale id is ignored): the host applies it as one undoable edit. */
  | { readonly type: 'acceptProposal'; readonly proposalId: number; readonly choice: AcceptChoice }
  | { readonly type: 'discardProposal'; readonly proposalId: number }
  | { readonly type: 'error'; readonly message: string };

/** BraTS colours: 1 necrotic core red, 2 edema green, 4 enhancing tumour blue; other labels from a palette. */
export const BRATS_LABEL_COLORS: readonly LabelColor[] = [
  { label: 1, name: 'necrotic core', rgb: [255, 0, 0] },
  { label: 2, name: 'edema', rgb: [0, 255, 0] },
  { label: 4, name: 'enhancing tumor', rgb: [0, 0, 255] },
];

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { labels: BRATS_LABEL_COLORS, shortcuts: DEFAULT_SHORTCUTS };
