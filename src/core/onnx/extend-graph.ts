// Appending to a finished Graph: a GraphBuilder that already knows every value of the graph (initializers with their
// data, everything else as typed placeholders), so new nodes get shape inference; only what is new is merged back.
import { GraphBuilder } from './graph-builder';
import type { Graph, Tensor } from './types';

export interface Extension {
  /** New nodes, inputs and outputs go here. */
  readonly g: GraphBuilder;
  /** A value of the original graph, by name. */
  value(name: string): Tensor;
}

export interface ExtendOptions {
  /** Keep the original outputs before the new ones (default), or only the new ones. */
  readonly keepOutputs?: boolean;
}

export function extendGraph(graph: Graph, extend: (x: Extension) => void, options: ExtendOptions = {}): Graph {
  const g = new GraphBuilder(graph.name);
  const initializers = new Set<string>();
  for (const init of graph.initializers) {
    g.initializer(init.name, init, { storeAsFloat16: init.storeAsFloat16 ?? false });
    initializers.add(init.name);
  }
  const placeholders = new Set<string>();
  for (const [name, type] of graph.valueTypes) {
    if (initializers.has(name)) continue;
    g.input(name, type.dtype, type.shape);
    placeholders.add(name);
  }
  extend({
    g,
    value: (name) => {
      const type = graph.valueTypes.get(name);
      if (!type) throw new Error(`graph "${graph.name}" has no value "${name}"`);
      return { name, type };
    },
  });
  const built = g.build();
  return {
    name: graph.name,
    inputs: [...graph.inputs, ...built.inputs.filter((t) => !placeholders.has(t.name))],
    outputs: [...(options.keepOutputs === false ? [] : graph.outputs), ...built.outputs],
    nodes: [...graph.nodes, ...built.nodes],
    initializers: [...graph.initializers, ...built.initializers.filter((i) => !initializers.has(i.name))],
    valueTypes: built.valueTypes,
  };
}

/** The same graph with some initializers turned into graph inputs (the weights a training step feeds and updates). */
export function initializersToInputs(graph: Graph, names: readonly string[]): Graph {
  const wanted = new Set(names);
  const found = graph.initializers.filter((i) => wanted.has(i.name));
  if (found.length !== wanted.size) {
    const missing = names.filter((n) => !found.some((i) => i.name === n));
    throw new Error(`graph "${graph.name}" has no initializer ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
  return {
    ...graph,
    inputs: [...graph.inputs, ...found.map((i) => ({ name: i.name, type: graph.valueTypes.get(i.name)! }))],
    initializers: graph.initializers.filter((i) => !wanted.has(i.name)),
  };
}
