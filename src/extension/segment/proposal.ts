// A model's segmentation of one document, held by the host until it is accepted or discarded: labels and a heat
// map in the viewer's RAS layout, and the per-label counts the panel lists.
import { labelNamesOf, type ModelCard } from '../../core/models';
import type { ProposalLabel, ProposalVoxels } from '../../core/viewer-protocol/messages';

export interface Proposal {
  readonly id: number;
  readonly model: string;
  readonly device: string;
  /** uint8 labels, RAS layout. */
  readonly labels: Uint8Array;
  /** Probability that a voxel is not background, 0..1, RAS layout. */
  readonly probability: Float32Array;
  readonly info: readonly ProposalLabel[];
  readonly threshold: number | null;
}

/**
 * The heat map: for sigmoid outputs (nested BraTS regions) the largest region probability, for softmax the summed
 * probability of the classes that write a label. `probabilities` is channel-major, V voxels per channel.
 */
export function foregroundProbability(card: ModelCard, probabilities: Float32Array, voxels: number): Float32Array {
  const out = new Float32Array(voxels);
  const channels = probabilities.length / voxels;
  if (!Number.isInteger(channels) || channels !== card.outChannels) {
    throw new Error(`${card.name}: ${probabilities.length} probabilities do not make ${card.outChannels} channels of ${voxels} voxels`);
  }
  if (card.labels.scheme === 'brats') {
    for (let c = 0; c < channels; c++) {
      const base = c * voxels;
      for (let v = 0; v < voxels; v++) if (probabilities[base + v]! > out[v]!) out[v] = probabilities[base + v]!;
    }
  } else {
    for (const { index, label } of card.labels.classes) {
      if (label === 0) continue;
      const base = index * voxels;
      for (let v = 0; v < voxels; v++) out[v] = out[v]! + probabilities[base + v]!;
    }
    for (let v = 0; v < voxels; v++) if (out[v]! > 1) out[v] = 1; // rounding of the softmax sum
  }
  return out;
}

export function makeProposal(
  id: number, card: ModelCard, device: string, labels: Uint8Array, probabilities: Float32Array,
): Proposal {
  const counts = new Float64Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!] = counts[labels[i]!]! + 1;
  const names = labelNamesOf(card.labels);
  const info: ProposalLabel[] = [];
  for (let label = 1; label < 256; label++) {
    if (counts[label]! > 0) info.push({ label, name: names.get(label) ?? `label ${label}`, voxels: counts[label]! });
  }
  return {
    id, model: card.name, device, labels, probability: foregroundProbability(card, probabilities, labels.length), info,
    threshold: card.labels.scheme === 'brats' ? card.labels.threshold : null,
  };
}

/** For a message: fresh buffers, since a posted buffer may be transferred. */
export function proposalVoxels(p: Proposal): ProposalVoxels {
  return {
    id: p.id, model: p.model, device: p.device, labels: p.info, threshold: p.threshold,
    labelData: p.labels.slice().buffer as ArrayBuffer, probability: p.probability.slice().buffer as ArrayBuffer,
  };
}
