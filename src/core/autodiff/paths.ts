// Which values and nodes the backward pass needs: those on a path from a differentiated value to the loss. Only
// float values carry gradients, so integer and boolean edges (shapes, indices, comparison masks) end a path.
import type { Graph, Node } from '../onnx';
import { isFloat } from './tensor-helpers';

export interface GradientPaths {
  /** Values that depend on some `wrt` value and that the loss depends on. */
  readonly values: ReadonlySet<string>;
  /** Nodes with an input and an output among `values`, in the graph's (topological) order. */
  readonly nodes: readonly Node[];
}

export function gradientPaths(graph: Graph, wrt: readonly string[], loss: string): GradientPaths {
  const carries = (name: string): boolean => {
    const t = graph.valueTypes.get(name);
    return t !== undefined && isFloat(t.dtype);
  };

  const dependsOnWrt = new Set(wrt);
  for (const node of graph.nodes) {
    if (node.inputs.some((i) => dependsOnWrt.has(i))) for (const o of node.outputs) if (carries(o)) dependsOnWrt.add(o);
  }

  const lossDependsOn = new Set([loss]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k]!;
    if (node.outputs.some((o) => lossDependsOn.has(o))) for (const i of node.inputs) if (i && carries(i)) lossDependsOn.add(i);
  }

  const values = new Set([...dependsOnWrt].filter((v) => lossDependsOn.has(v)));
  const nodes = graph.nodes.filter((n) => n.inputs.some((i) => values.has(i)) && n.outputs.some((o) => values.has(o)));
  return { values, nodes };
}
