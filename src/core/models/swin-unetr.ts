import type { Graph, GraphStyle, InitializerOptions } from '../onnx';
import type { ModelConfig } from './config';
import { buildModelPart } from './model-parts';
import type { WeightLookup } from './weights';

export interface BuildOptions extends InitializerOptions {
  /** The batch dimension's name in the graph's input and output. */
  readonly batch?: string;
  /** "literal" only to measure the fused graph against a straightforward one (bench:model). */
  readonly style?: GraphStyle;
}

/** SwinUNETR (MONAI 1.3) or SwinFUSE as one ONNX graph: `image` [N, Cin, S, S, S] → `logits` [N, Cout, S, S, S]. */
export function buildSegmentationModel(config: ModelConfig, lookup: WeightLookup, options: BuildOptions = {}): Graph {
  return buildModelPart(config, 'full', lookup, options).graph;
}
