// One document's viewer: its state store, its channel and overlay data, and the commands the UI and host
// messages run on them. A new init replaces the whole session.
import { computeLabelStats } from '../core/labels/label-stats';
import type { LabelEdit } from '../core/labels/label-edit';
import type {
  ChannelVoxels, HostToWebview, LabelColor, MaskInfo, Overlay, ViewerSettings,
} from '../core/viewer-protocol/messages';
import type { HostRequests } from './host-requests';
import type { Requester } from '../core/viewer-protocol/rpc';
import type { PaneView } from './geometry/views';
import { ChannelStore } from './model/channel-store';
import { MaskStore } from './model/mask-store';
import { OverlayStore } from './model/overlay-store';
import { ScaledImages } from './model/scaled-images';
import { setEditorLabels } from './state/editor-actions';
import { MaskEditor, type EditLabel } from './tools/mask-editor';
import { ProposalReview, type ProposalRequest } from './proposal-review';
import type { RenderSources } from './render/frame-inputs';
import {
  applyPreset, applySettings, ensureDisplay, setColormap, setWindowLevel, toggleLabel, updateOverlayLayer, upsertOverlayLayer,
} from './state/actions';
import { Store } from './state/store';
import {
  initialState, type DocumentInfo, type LabelsLayerState, type OverlayLayerState, type ViewerState, type WindowPreset,
} from './state/viewer-state';
import type { ColormapName } from './render/colormaps';

export type InitMessage = Extract<HostToWebview, { type: 'init' }>;

export function documentOf(init: InitMessage): DocumentInfo {
  const g = init.geometry;
  const channels = init.channels.length > 0
    ? init.channels
    : [{ index: init.initial.index, name: init.document.name, source: init.document.name }];
  return {
    uri: init.document.uri, name: init.document.name,
    shape: [g.shape[0], g.shape[1], g.shape[2]], affine: g.affine, spacing: [g.spacing[0], g.spacing[1], g.spacing[2]],
    stored: g.stored, channels,
  };
}

/** What the session tells the host: edits, label-list changes and the segmentation panel's requests. */
export interface SessionLink {
  postEdit(label: EditLabel, edit: LabelEdit): void;
  postLabels(labels: readonly LabelColor[]): void;
  postProposal(message: ProposalRequest): void;
}

export class ViewerSession {
  readonly store: Store<ViewerState>;
  readonly channels: ChannelStore;
  readonly overlays: OverlayStore;
  readonly sources: RenderSources;
  readonly mask: MaskStore;
  readonly editor: MaskEditor;
  readonly review: ProposalReview;
  private readonly scaled = new ScaledImages();
  /** performance.now() when the init arrived; the 'rendered' message reports the time since. */
  readonly startedAt: number;
  renderedReported = false;

  constructor(init: InitMessage, requester: Requester<HostRequests>, startedAt: number, private readonly link: SessionLink) {
    this.startedAt = startedAt;
    const doc = documentOf(init);
    const voxels = doc.shape[0] * doc.shape[1] * doc.shape[2];
    this.channels = new ChannelStore(voxels, (index) => requester.request('channel', { index }, 300_000) as Promise<ChannelVoxels>);
    this.overlays = new OverlayStore(voxels);
    this.mask = new MaskStore(doc.shape, init.mask.data);
    this.sources = { channel: (i) => this.channels.get(i), overlay: (n) => this.overlays.get(n), mask: () => this.mask };
    const first = this.channels.add(init.initial);
    const { data: _voxels, ...info } = init.mask;
    let state = initialState(doc, init.settings, first.index, {
      info, stats: computeLabelStats(this.mask.data, doc.spacing), intensity: first.stats,
    });
    state = { ...state, ...ensureDisplay(state, first.index, first.stats) };
    this.store = new Store(state);
    for (const overlay of init.overlays) this.addOverlay(overlay);
    this.review = new ProposalReview(this.store, this.overlays, (m) => link.postProposal(m));
    // A re-created webview picks up a running segmentation; the app shows init's proposal (it may be refused).
    this.review.setSegmentation(init.segmentation ?? { phase: 'idle' });
    this.editor = new MaskEditor({
      store: this.store,
      mask: this.mask,
      image: () => {
        const c = this.channels.get(this.state().channel);
        return c ? this.scaled.of(c) : null;
      },
      post: (label, edit) => link.postEdit(label, edit),
    });
  }

  setMaskInfo(info: MaskInfo): void {
    this.store.update((s) => ({ maskInfo: info, maskLayer: { ...s.maskLayer, name: info.file } }));
  }

  setMaskLayer(patch: Partial<LabelsLayerState>): void {
    this.store.update((s) => ({ maskLayer: { ...s.maskLayer, ...patch, kind: 'labels' } }));
  }

  toggleMaskLabel(label: number, shown: boolean): void {
    const hidden = new Set(this.state().maskLayer.hidden);
    if (shown) hidden.delete(label);
    else hidden.add(label);
    this.setMaskLayer({ hidden: [...hidden].sort((a, b) => a - b) });
  }

  /** The picker's list changed: shown at once, and the host stores it in the settings (which come back). */
  setLabels(labels: readonly LabelColor[]): void {
    this.store.update((s) => setEditorLabels(s, labels));
    this.review.recolor(labels);
    this.link.postLabels(labels);
  }

  /** The host's settings changed (convention, layout, the label list and shortcuts). */
  applySettings(settings: ViewerSettings): void {
    const labels = this.state().editor.labels;
    this.store.update((s) => applySettings(s, settings));
    if (this.state().editor.labels !== labels) this.review.recolor(this.state().editor.labels);
  }

  state(): ViewerState {
    return this.store.get();
  }

  addOverlay(overlay: Overlay): void {
    this.overlays.set(overlay);
    // A replaced overlay keeps its layer settings; bumping the list identity makes the frame pick up the new data.
    this.store.update((s) => {
      const change = upsertOverlayLayer(s, overlay);
      return change.overlays ? change : { overlays: [...s.overlays] };
    });
  }

  async selectChannel(index: number): Promise<void> {
    const s = this.state();
    if (index === s.channel && s.pendingChannel === null) return;
    if (!s.doc.channels.some((c) => c.index === index)) return;
    this.store.update({ pendingChannel: index, message: null });
    try {
      const loaded = await this.channels.load(index);
      if (this.state().pendingChannel !== index) return; // another choice came after this one
      this.store.update((st) => ({ ...ensureDisplay(st, index, loaded.stats), channel: index, pendingChannel: null }));
    } catch (err) {
      if (this.state().pendingChannel === index) {
        this.store.update({ pendingChannel: null, message: `could not load channel ${index}: ${(err as Error).message}` });
      }
    }
  }

  setSingle(view: PaneView): void {
    this.store.update(view === '3d' ? { single: view } : { single: view, focused: view });
  }

  setColormap(name: ColormapName): void {
    this.store.update((s) => setColormap(s, s.channel, name));
  }

  applyPreset(preset: Exclude<WindowPreset, 'custom'>): void {
    const stats = this.channels.get(this.state().channel)?.stats;
    if (stats) this.store.update((s) => applyPreset(s, s.channel, preset, stats));
  }

  setWindowLevel(window: number, level: number): void {
    this.store.update((s) => setWindowLevel(s, s.channel, window, level));
  }

  setOverlay(name: string, patch: Partial<OverlayLayerState>): void {
    this.store.update((s) => updateOverlayLayer(s, name, patch));
  }

  toggleLabel(name: string, label: number, shown: boolean): void {
    this.store.update((s) => toggleLabel(s, name, label, shown));
  }

  dispose(): void {
    this.editor.endStroke(); // a stroke cut short by a new init still reaches the host
    this.scaled.clear();
    this.store.dispose();
    this.channels.dispose();
    this.overlays.dispose();
  }
}
