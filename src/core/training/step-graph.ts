// One fine-tuning step as one ONNX graph: the model's forward pass, the loss, its gradients (src/core/autodiff) and
// the AdamW update. In: the patch, its target and voxel weights, the trained weights with their moments, and the
// optimizer's scalars. Out: the loss and the updated weights and moments, fed back in at the next step. With the
// encoder frozen the graph starts from the encoder's hidden states (computed once per patch by the encoder part),
// so the Swin transformer is neither in the step nor differentiated.
import { buildGradientGraph } from '../autodiff';
import { buildModelPart, type ModelCard, type ModelConfig, type WeightTensor } from '../models';
import { extendGraph, initializersToInputs, type Graph } from '../onnx';
import { adamwHyperInputs, adamwUpdate } from './adamw';
import { segmentationLoss } from './losses';
import { targetChannels } from './targets';
import type { TrainScope } from './train-scope';

export { TRAIN_SCOPES, type TrainScope } from './train-scope';

export interface StepGraph {
  /** Outputs: `loss`, then `next.NAME`, `next.adam.m.NAME`, `next.adam.v.NAME` per trained weight. */
  readonly graph: Graph;
  /** The encoder part (image → hidden states) when the encoder is frozen, else null. */
  readonly encoder: Graph | null;
  /** Weights the step updates: graph inputs of those names, with `adam.m.NAME` / `adam.v.NAME` moments. */
  readonly trained: readonly string[];
}

export const momentName = (kind: 'm' | 'v', weight: string): string => `adam.${kind}.${weight}`;
export const nextName = (name: string): string => `next.${name}`;

export function configOfCard(card: ModelCard): ModelConfig {
  return {
    arch: card.arch, inChannels: card.inChannels, outChannels: card.outChannels, featureSize: card.featureSize, roi: card.roi,
    ...(card.arch === 'swinfuse' ? { dimHeads: card.dimHeads ?? 3 } : {}),
    ...(card.patchNorm ? { patchNorm: true } : {}),
  };
}

/** Builds the step for `card`'s model with `weights` (as stored in its ONNX file) and a batch of `batch` patches. */
export function buildStepGraph(card: ModelCard, weights: ReadonlyMap<string, WeightTensor>, scope: TrainScope, batch = 1): StepGraph {
  const config = configOfCard(card);
  const frozenEncoder = scope !== 'all';
  const part = buildModelPart(config, frozenEncoder ? 'decoder' : 'full', null, { stored: weights, batch: batchDim(batch) });
  const trained = scope === 'head' ? part.weights.filter((w) => w.startsWith('out.')) : [...part.weights];
  if (trained.length === 0) throw new Error(`${card.name}: nothing to train for scope "${scope}"`);
  const forward = initializersToInputs(part.graph, trained);
  const s = config.roi;
  const withLoss = extendGraph(forward, ({ g, value }) => {
    const target = g.input('target', 'float32', [batch, targetChannels(card.labels), s, s, s]);
    const weight = g.input('weight', 'float32', [batch, 1, s, s, s]);
    const loss = segmentationLoss(g, card.labels, value('logits'), target, { weight });
    g.output(loss.total, 'loss');
  }, { keepOutputs: false });
  const { graph: withGradients, gradients } = buildGradientGraph(withLoss, { loss: 'loss', wrt: trained });
  const step = appendAdamW(withGradients, gradients, trained, ['loss']);
  const graph = step;
  const encoder = frozenEncoder ? buildModelPart(config, 'encoder', null, { stored: weights, batch: batchDim(batch) }).graph : null;
  return { graph, encoder, trained };
}

/** A numeric batch keeps every shape static (the ScatterND gradient of the bias tables needs static shapes). */
function batchDim(batch: number): number {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`a training batch of ${batch} patches is not a batch`);
  return batch;
}

/**
 * Appends AdamW to a graph holding the loss's gradients: inputs `adam.m.NAME` / `adam.v.NAME` per trained weight
 * and the scalars of adamwHyperInputs; outputs `scalars` (the loss and any logged terms, passed through) and
 * `next.NAME`, `next.adam.m.NAME`, `next.adam.v.NAME`.
 */
export function appendAdamW(withGradients: Graph, gradients: ReadonlyMap<string, string>, trained: readonly string[],
  scalars: readonly string[]): Graph {
  return extendGraph(withGradients, ({ g, value }) => {
    const hyper = adamwHyperInputs(g);
    const slots = trained.map((name) => {
      const param = value(name);
      return {
        param, grad: value(gradients.get(name)!),
        m: g.input(momentName('m', name), 'float32', param.type.shape),
        v: g.input(momentName('v', name), 'float32', param.type.shape),
      };
    });
    const updated = adamwUpdate(g, hyper, slots);
    for (const name of scalars) g.output(value(name), name);
    trained.forEach((name, i) => {
      g.output(updated[i]!.param, nextName(name));
      g.output(updated[i]!.m, nextName(momentName('m', name)));
      g.output(updated[i]!.v, nextName(momentName('v', name)));
    });
  }, { keepOutputs: false });
}
