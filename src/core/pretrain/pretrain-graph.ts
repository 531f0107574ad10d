// One pre-training step as one ONNX graph, like the fine-tuning step (src/core/training/step-graph.ts): the Swin
// encoder with its DIM, the three heads, L_total = L_inpaint + L_contrast + L_rot + λ_JSD·L_JSD, its gradients and
// AdamW. The batch holds two augmented views of V sub-volumes: rows 0 … V−1 are the first views, V … 2V−1 the
// second views of the same sub-volumes (so the DIM, which attends across the batch axis, sees both modalities).
import { buildGradientGraph } from '../autodiff';
import { buildModelPart, type ModelConfig, type WeightTensor } from '../models';
import { extendGraph, initializersToInputs, int, ops, type Graph, type GraphBuilder, type Tensor } from '../onnx';
import { appendAdamW } from '../training/step-graph';
import { headWeightShapes, pretrainHeads } from './pretrain-heads';
import { crossEntropyLoss, kdeJsd, l1Loss, ntXentLoss } from './ssl-losses';

export interface PretrainLossSettings {
  /** NT-Xent temperature τ; the paper's 0.5. */
  readonly temperature: number;
  /** λ_JSD: the paper writes L_total = … − L_JSD, so −1 by default. 0 leaves the term out. */
  readonly jsdWeight: number;
  /** The Gaussian kernel's bandwidth σ in feature units (the DIM features are layer-normalized, ‖x‖² = F). */
  readonly jsdBandwidth: number;
  /** The DIM features are average-pooled to this many tokens per side before the KDE (points per sub-volume: n³). */
  readonly jsdGrid: number;
}

/** Graph outputs logging each term of the loss. */
export const PRETRAIN_TERMS = ['term.inpaint', 'term.contrast', 'term.rotation', 'term.jsd'] as const;

export const DEFAULT_PRETRAIN_LOSS: Omit<PretrainLossSettings, 'jsdBandwidth'> = { temperature: 0.5, jsdWeight: -1, jsdGrid: 4 };

export interface PretrainStepGraph {
  readonly graph: Graph;
  /** Encoder and head weights, graph inputs with `adam.m.` / `adam.v.` moments; outputs `next.NAME`. */
  readonly trained: readonly string[];
  /** The logged terms, graph outputs of these names beside `loss`. */
  readonly terms: typeof PRETRAIN_TERMS;
  /** KDE points per row of the batch (the `jsdGroup` input has rows·pointsPerRow entries), 0 when the term is off. */
  readonly pointsPerRow: number;
}

export interface PretrainLossGraph {
  /** The forward pass and the loss: outputs `loss` and the terms; the trained weights are graph inputs. */
  readonly graph: Graph;
  readonly trained: readonly string[];
  readonly pointsPerRow: number;
}

/**
 * `encoder` holds the encoder's weights as stored in a model file (readStoredModel of a SwinFUSE model with
 * config's channels and roi); `views` is V. Inputs: `image` and `target` [2V, Cin, S, S, S] (the cut-out views and
 * the same views uncut), `rotation` [2V, 4] one-hot, `jsdGroup` [2V·n³] (1 for points of MRI rows, 0 for CT rows)
 * when λ_JSD ≠ 0, the trained weights with their moments, and AdamW's scalars.
 */
export function buildPretrainStepGraph(config: ModelConfig, encoder: ReadonlyMap<string, WeightTensor>, views: number,
  loss: PretrainLossSettings): PretrainStepGraph {
  const { graph: withLoss, trained, pointsPerRow } = buildPretrainLossGraph(config, encoder, views, loss);
  const { graph: withGradients, gradients } = buildGradientGraph(withLoss, { loss: 'loss', wrt: trained });
  const graph = appendAdamW(withGradients, gradients, trained, ['loss', ...PRETRAIN_TERMS]);
  return { graph, trained, terms: PRETRAIN_TERMS, pointsPerRow };
}

/** The step graph's forward part: the encoder, the heads, the total loss and each term as outputs. */
export function buildPretrainLossGraph(config: ModelConfig, encoder: ReadonlyMap<string, WeightTensor>, views: number,
  loss: PretrainLossSettings): PretrainLossGraph {
  if (config.arch !== 'swinfuse') throw new Error('pre-training builds SwinFUSE encoders (the DIM is what the JSD term acts on)');
  if (!Number.isInteger(views) || views < 2) throw new Error(`pre-training needs at least 2 sub-volumes per batch (NT-Xent negatives), got ${views}`);
  const rows = 2 * views;
  const part = buildModelPart(config, 'encoder', null, { stored: encoder, batch: rows });
  const heads = headWeightShapes(config);
  const trained = [...part.weights, ...heads.keys()];
  const forward = initializersToInputs(part.graph, part.weights);
  const s = config.roi;
  const grid = loss.jsdWeight === 0 ? 0 : loss.jsdGrid;
  const graph = extendGraph(forward, ({ g, value }) => {
    const headInputs = new Map([...heads].map(([name, shape]) => [name, g.input(name, 'float32', shape)]));
    const target = g.input('target', 'float32', [rows, config.inChannels, s, s, s]);
    const rotation = g.input('rotation', 'float32', [rows, 4]);
    const out = pretrainHeads(g, value('hidden4'), (name) => headInputs.get(name)!);
    const inpaint = l1Loss(g, out.recon, target);
    const first = ops.slice(g, out.contrast, [0], [views], [0]);
    const second = ops.slice(g, out.contrast, [views], [rows], [0]);
    const contrast = ntXentLoss(g, first, second, loss.temperature);
    const rot = crossEntropyLoss(g, out.rotation, rotation);
    let total = ops.add(g, ops.add(g, inpaint, contrast), rot);
    let jsd = g.scalar(0);
    if (grid > 0) {
      const group = g.input('jsdGroup', 'float32', [rows * grid ** 3]);
      jsd = kdeJsd(g, pooledTokens(g, value('hidden0'), grid), group, loss.jsdBandwidth);
      total = ops.add(g, total, ops.mul(g, jsd, g.scalar(loss.jsdWeight)));
    }
    g.output(total, 'loss');
    [inpaint, contrast, rot, jsd].forEach((t, i) => g.output(t, PRETRAIN_TERMS[i]!));
  }, { keepOutputs: false });
  return { graph, trained, pointsPerRow: grid ** 3 };
}

/** [B, F, G, G, G] → average over (G/n)³ blocks → [B·n³, F]: the KDE's points, row-major by batch row. */
function pooledTokens(g: GraphBuilder, x: Tensor, n: number): Tensor {
  const [b, f, side] = x.type.shape as number[];
  if (side! % n !== 0) throw new Error(`the DIM features' side ${side} does not divide into a ${n}³ grid`);
  const k = side! / n;
  const blocks = ops.reshape(g, x, [b!, f!, n, k, n, k, n, k]);
  const pooled = g.op('ReduceMean', [blocks, g.int64s([3, 5, 7])], { keepdims: int(0) });
  return ops.reshape(g, ops.transpose(g, ops.reshape(g, pooled, [b!, f!, n ** 3]), [0, 2, 1]), [b! * n ** 3, f!]);
}
