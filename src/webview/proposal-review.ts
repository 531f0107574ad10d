// Reviewing a model's proposal in one session: shows the host's proposal as two overlays (its voxels in the
// OverlayStore, its description and layers in the state), follows the segmentation's progress, and sends the
// user's requests (segment, cancel, accept, discard) to the host. It never writes the mask: an accepted proposal
// comes back from the host as a maskEdit, applied like undo and redo.
import type {
  AcceptChoice, LabelColor, ProposalInfo, ProposalVoxels, SegmentationStatus, WebviewToHost,
} from '../core/viewer-protocol/messages';
import type { OverlayStore } from './model/overlay-store';
import {
  checkProposal, describeProposal, proposalColors, proposalLayerNames, proposalOverlays,
} from './model/proposal-overlays';
import { setProposal } from './state/proposal-actions';
import type { Store } from './state/store';
import type { ViewerState } from './state/viewer-state';

/** The messages this sends to the host. */
export type ProposalRequest = Extract<WebviewToHost, { type: 'segment' | 'cancelSegmentation' | 'acceptProposal' | 'discardProposal' }>;

export class ProposalReview {
  constructor(
    private readonly store: Store<ViewerState>,
    private readonly overlays: OverlayStore,
    private readonly post: (message: ProposalRequest) => void,
  ) {}

  private get state(): ViewerState {
    return this.store.get();
  }

  /** A new proposal (replacing the one shown), the same one again (after one label was accepted), or none. */
  show(proposal: ProposalVoxels | null): void {
    const current = this.state.proposal;
    // Ids are distinct per run: the same id is the same voxels, already shown with the user's layer settings.
    if (proposal && current && proposal.id === current.id) return;
    const { shape, spacing } = this.state.doc;
    let next: { info: ProposalInfo; overlays: ReturnType<typeof proposalOverlays> } | null = null;
    if (proposal) {
      checkProposal(proposal, shape[0] * shape[1] * shape[2]);
      const info = describeProposal(proposal, spacing);
      next = { info, overlays: proposalOverlays(proposal, info, this.state.editor.labels) };
    }
    if (current) {
      const kept = next ? Object.values(proposalLayerNames(next.info)) : [];
      for (const name of Object.values(proposalLayerNames(current))) if (!kept.includes(name)) this.overlays.delete(name);
    }
    if (next) {
      this.overlays.set(next.overlays.labels);
      this.overlays.set(next.overlays.probability);
    }
    this.store.update((s) => setProposal(s, next?.info ?? null, next?.overlays ?? null));
  }

  /** The picker's colours changed: the outlines follow, so they keep showing what accepting would paint. */
  recolor(editorLabels: readonly LabelColor[]): void {
    const p = this.state.proposal;
    if (!p) return;
    this.overlays.recolor(proposalLayerNames(p).labels, proposalColors(p.labels, editorLabels));
    this.store.update((s) => ({ overlays: [...s.overlays] }));
  }

  setSegmentation(status: SegmentationStatus): void {
    this.store.update({ segmentation: status });
  }

  segment(): void {
    if (this.state.segmentation.phase !== 'running') this.post({ type: 'segment' });
  }

  cancelSegmentation(): void {
    if (this.state.segmentation.phase === 'running') this.post({ type: 'cancelSegmentation' });
  }

  /** `proposalId` is the proposal the panel showed when clicked; a click on one already replaced is dropped. */
  accept(proposalId: number, choice: AcceptChoice): void {
    if (this.state.proposal?.id === proposalId) this.post({ type: 'acceptProposal', proposalId, choice });
  }

  discard(proposalId: number): void {
    if (this.state.proposal?.id === proposalId) this.post({ type: 'discardProposal', proposalId });
  }
}
