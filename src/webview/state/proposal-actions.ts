// Pure state transitions of a model's proposal. Its voxels go into the OverlayStore beside these changes
// (ProposalReview does both); the state only holds the layers' settings and plain data.
import type { Overlay, ProposalInfo } from '../../core/viewer-protocol/messages';
import { proposalLayerNames } from '../model/proposal-overlays';
import { removeOverlayLayer, updateOverlayLayer, upsertOverlayLayer } from './actions';
import type { LabelsLayerState, ProbabilityLayerState, ViewerState } from './viewer-state';

type Change = Partial<ViewerState>;

/**
 * A proposal's layers when first shown. The labels as outlines at full opacity: the mask under them stays readable
 * and a one-voxel line needs all its colour to be seen. The heat map from 0.1: most of a scan holds tiny but
 * non-zero probabilities, and the hot map's near-black low end would darken all of it.
 */
export function proposalLayerDefaults(info: Pick<ProposalInfo, 'model'>): { labels: LabelsLayerState; probability: ProbabilityLayerState } {
  const names = proposalLayerNames(info);
  return {
    labels: { kind: 'labels', name: names.labels, visible: true, opacity: 1, outline: true, hidden: [] },
    probability: { kind: 'probability', name: names.probability, visible: true, opacity: 0.6, threshold: 0.1 },
  };
}

/**
 * Shows `info` (null: none) whose overlays `overlays` are already in the store. Layers of the previous proposal
 * that the new one does not reuse (another model's name) are removed; a reused layer keeps the user's settings. A
 * new run's layers are made visible even if the user hid the last run's (showing a layer hides the other layers of
 * its kind: the shader draws one of each).
 */
export function setProposal(
  s: ViewerState, info: ProposalInfo | null, overlays: { labels: Overlay; probability: Overlay } | null,
): Change {
  let state = s;
  const apply = (change: Change) => { state = { ...state, ...change }; };
  const keep = info ? Object.values(proposalLayerNames(info)) : [];
  if (s.proposal) {
    for (const name of Object.values(proposalLayerNames(s.proposal))) if (!keep.includes(name)) apply(removeOverlayLayer(state, name));
  }
  if (info && overlays) {
    const defaults = proposalLayerDefaults(info);
    apply(upsertOverlayLayer(state, overlays.labels, defaults.labels));
    apply(upsertOverlayLayer(state, overlays.probability, defaults.probability));
    if (info.id !== s.proposal?.id) {
      apply(updateOverlayLayer(state, overlays.labels.name, { visible: true }));
      apply(updateOverlayLayer(state, overlays.probability.name, { visible: true }));
    }
  }
  // A new list identity even when the layers kept their settings: the frame then picks up the replaced voxels.
  return { overlays: state.overlays === s.overlays ? [...s.overlays] : state.overlays, proposal: info };
}
