// A model's proposal as the viewer shows it: two overlays (the proposed labels and the foreground heat map) built
// from the host's ProposalVoxels, and the plain description the state keeps (no voxel buffers). Pure functions.
import { computeLabelStats } from '../../core/labels/label-stats';
import type {
  LabelColor, Overlay, ProposalInfo, ProposalLabel, ProposalVoxels,
} from '../../core/viewer-protocol/messages';
import { colorOfLabel } from '../render/label-palette';

/** The Layers panel's names of a proposal's two overlays. */
export interface ProposalLayerNames {
  readonly labels: string;
  readonly probability: string;
}

export function proposalLayerNames(info: Pick<ProposalInfo, 'model'>): ProposalLayerNames {
  return { labels: `Proposal (${info.model})`, probability: 'Proposal probability' };
}

/**
 * The proposal's colours: each proposed label in the colour the label picker gives it (so an outline matches what
 * accepting it will paint), named as the model card names it.
 */
export function proposalColors(labels: readonly ProposalLabel[], editorLabels: readonly LabelColor[]): LabelColor[] {
  return labels.map((l) => ({ label: l.label, name: l.name, rgb: colorOfLabel(editorLabels, l.label) }));
}

/** Checks the buffers' sizes against the grid before anything is shown, so a bad proposal changes nothing. */
export function checkProposal(p: ProposalVoxels, voxels: number): void {
  if (!(p.labelData instanceof ArrayBuffer) || p.labelData.byteLength !== voxels) {
    throw new Error(`proposal ${p.id}: ${p.labelData?.byteLength ?? 0} label voxels, the image has ${voxels}`);
  }
  if (!(p.probability instanceof ArrayBuffer) || p.probability.byteLength !== voxels * 4) {
    throw new Error(`proposal ${p.id}: ${(p.probability?.byteLength ?? 0) / 4} probability voxels, the image has ${voxels}`);
  }
}

/** The two overlays; `info` (describeProposal's) lists every label the voxels hold, so each gets its colour. */
export function proposalOverlays(
  p: ProposalVoxels, info: ProposalInfo, editorLabels: readonly LabelColor[],
): { labels: Overlay; probability: Overlay } {
  const names = proposalLayerNames(p);
  return {
    labels: { kind: 'labels', name: names.labels, data: p.labelData, colors: proposalColors(info.labels, editorLabels) },
    probability: { kind: 'probability', name: names.probability, data: p.probability },
  };
}

/**
 * The proposal without its buffers, its labels' voxel counts taken from the label voxels themselves (one pass), so
 * the panel's table always describes exactly what accepting would write. A label present in the voxels that the
 * host did not list is added under a generic name.
 */
export function describeProposal(p: ProposalVoxels, spacing: readonly [number, number, number]): ProposalInfo {
  const { counts } = computeLabelStats(new Uint8Array(p.labelData), spacing);
  const listed = new Map(p.labels.map((l) => [l.label, l.name]));
  const labels: ProposalLabel[] = [];
  for (let label = 1; label < 256; label++) {
    const name = listed.get(label);
    if (name !== undefined || counts[label]! > 0) labels.push({ label, name: name ?? `label ${label}`, voxels: counts[label]! });
  }
  return { id: p.id, model: p.model, device: p.device, threshold: p.threshold, labels };
}
