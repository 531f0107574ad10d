// Reverse-mode differentiation of a Graph: extends it with backward nodes (standard ONNX ops, built through a
// GraphBuilder so every new value gets shape inference) that compute dLoss/dParameter for each requested value.
import { formatShape, GraphBuilder, type ConstantTensor, type Graph, type Node, type OpType, type Tensor } from '../onnx';
import { GRADIENT_RULES } from './gradient-rules';
import { gradientPaths } from './paths';
import { GradientError, type GradientContext } from './rule-types';
import { add, constantOf, expandTo, isFloat, sameShape, scalarOf } from './tensor-helpers';

export interface GradientOptions {
  /** A scalar float value of the graph ([] or all-1 shape). */
  readonly loss: string;
  /** Initializers or graph inputs to differentiate. */
  readonly wrt: readonly string[];
  /**
   * A `wrt` value the loss does not depend on (through float values) is an error naming it, as in
   * torch.autograd.grad; with allowUnused it gets a gradient of zeros instead (its shape must be static).
   */
  readonly allowUnused?: boolean;
}

export interface GradientGraph {
  /**
   * The forward graph plus the backward nodes. Outputs: the forward outputs, the loss (added if it was not one),
   * then one gradient per `wrt` value in order, named `grad.<name>`, each the shape of its value.
   */
  readonly graph: Graph;
  /** `wrt` name → the name of its gradient output. */
  readonly gradients: ReadonlyMap<string, string>;
}

export const gradientName = (name: string): string => `grad.${name}`;

/** Extends `graph` with the backward pass of `loss` with respect to `wrt`. */
export function buildGradientGraph(graph: Graph, options: GradientOptions): GradientGraph {
  checkRequest(graph, options);
  const paths = gradientPaths(graph, options.wrt, options.loss);
  const g = builderOver(graph);
  const initializers = new Map(graph.initializers.map((i) => [i.name, i as ConstantTensor]));
  const tensor = (name: string): Tensor => ({ name, type: graph.valueTypes.get(name)! });

  // Gradients received so far per value; several (one per consumer) are summed when the value is reached.
  const pending = new Map<string, Tensor[]>();
  const lossType = graph.valueTypes.get(options.loss)!;
  pending.set(options.loss, [expandTo(g, scalarOf(g, 1, lossType.dtype), lossType.shape)]);
  const total = (name: string): Tensor | null => {
    const parts = pending.get(name);
    if (!parts?.length) return null;
    const sum = parts.reduce((a, b) => add(g, a, b));
    pending.set(name, [sum]);
    return sum;
  };

  for (let k = paths.nodes.length - 1; k >= 0; k--) {
    const node = paths.nodes[k]!;
    const outputGrads = node.outputs.map((o) => (paths.values.has(o) ? total(o) : null));
    if (outputGrads.every((t) => !t)) continue;
    const ctx: GradientContext = {
      g,
      node,
      inputs: node.inputs.map((i) => (i ? tensor(i) : null)),
      outputs: node.outputs.map(tensor),
      outputGrads,
      needs: (i) => paths.values.has(node.inputs[i] ?? ''),
      constant: (i) => initializers.get(node.inputs[i] ?? ''),
    };
    const inputGrads = g.scope(`grad/${node.name}`, () => ruleFor(node)(ctx));
    node.inputs.forEach((name, i) => {
      if (!ctx.needs(i)) return;
      const grad = inputGrads[i] ?? null;
      if (!grad) throw new GradientError(node, `the rule gave no gradient for input ${i} ("${name}")`);
      const want = graph.valueTypes.get(name)!;
      if (grad.type.dtype !== want.dtype || !sameShape(grad.type.shape, want.shape)) {
        throw new GradientError(node, `the gradient of input ${i} ("${name}") is ${grad.type.dtype} ${formatShape(grad.type.shape)}, `
          + `not ${want.dtype} ${formatShape(want.shape)}`);
      }
      pending.set(name, [...(pending.get(name) ?? []), grad]);
    });
  }

  const gradients = new Map<string, string>();
  for (const name of options.wrt) {
    const grad = total(name) ?? unusedGradient(g, graph, name, options);
    gradients.set(name, g.output(grad, gradientName(name)).name);
  }
  return { graph: merge(graph, g.build(), options.loss), gradients };
}

function ruleFor(node: Node): (ctx: GradientContext) => readonly (Tensor | null)[] {
  const rule = GRADIENT_RULES[node.op as OpType] as (typeof GRADIENT_RULES)[OpType] | undefined;
  if (!rule) throw new GradientError(node, `no gradient rule for op type "${node.op}"`);
  if ('notDifferentiable' in rule) {
    throw new GradientError(node, `the node is on a path to the loss but ${node.op} is not differentiable (${rule.notDifferentiable})`);
  }
  return rule;
}

function checkRequest(graph: Graph, options: GradientOptions): void {
  const where = `gradient of "${options.loss}" in graph "${graph.name}"`;
  const loss = graph.valueTypes.get(options.loss);
  if (!loss) throw new Error(`${where}: the loss is not a value of the graph`);
  if (!isFloat(loss.dtype) || !loss.shape.every((d) => d === 1)) {
    throw new Error(`${where}: the loss must be a float scalar, not ${loss.dtype} ${formatShape(loss.shape)}`);
  }
  const parameters = new Set([...graph.initializers.map((i) => i.name), ...graph.inputs.map((i) => i.name)]);
  const seen = new Set<string>();
  for (const name of options.wrt) {
    if (!parameters.has(name)) throw new Error(`${where}: "${name}" is not an initializer or input of the graph`);
    if (seen.has(name)) throw new Error(`${where}: "${name}" is listed twice`);
    seen.add(name);
    const type = graph.valueTypes.get(name)!;
    if (!isFloat(type.dtype)) throw new Error(`${where}: "${name}" is ${type.dtype}; only float values have gradients`);
    if (graph.valueTypes.has(gradientName(name))) throw new Error(`${where}: the name "${gradientName(name)}" is already taken`);
  }
}

/** A builder that already holds every forward value (initializers with their data, for constant inputs). */
function builderOver(graph: Graph): GraphBuilder {
  const g = new GraphBuilder(graph.name);
  const initializers = new Set<string>();
  for (const init of graph.initializers) {
    g.initializer(init.name, init, { storeAsFloat16: init.storeAsFloat16 ?? false });
    initializers.add(init.name);
  }
  // Other values are declared as placeholders so their names and types are known; only new nodes are kept.
  for (const [name, type] of graph.valueTypes) if (!initializers.has(name)) g.input(name, type.dtype, type.shape);
  return g;
}

function unusedGradient(g: GraphBuilder, graph: Graph, name: string, options: GradientOptions): Tensor {
  const type = graph.valueTypes.get(name)!;
  if (!options.allowUnused) {
    throw new Error(`gradient of "${options.loss}": the loss does not depend on "${name}" (pass allowUnused for zeros)`);
  }
  const shape = type.shape.map((d) => (typeof d === 'number' ? d : NaN));
  if (shape.some(Number.isNaN)) throw new Error(`gradient of "${options.loss}": "${name}" is unused and its shape ${formatShape(type.shape)} is not static`);
  return shape.length ? expandTo(g, scalarOf(g, 0, type.dtype), shape) : constantOf(g, type.dtype, [], [0], 'zero');
}

function merge(forward: Graph, built: Graph, loss: string): Graph {
  const forwardInitializers = new Set(forward.initializers.map((i) => i.name));
  const lossOutput = forward.outputs.some((o) => o.name === loss) ? [] : [{ name: loss, type: forward.valueTypes.get(loss)! }];
  return {
    name: forward.name,
    inputs: forward.inputs,
    outputs: [...forward.outputs, ...lossOutput, ...built.outputs],
    nodes: [...forward.nodes, ...built.nodes],
    initializers: [...forward.initializers, ...built.initializers.filter((i) => !forwardInitializers.has(i.name))],
    valueTypes: built.valueTypes,
  };
}
