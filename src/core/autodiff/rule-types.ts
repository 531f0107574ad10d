import type { Attributes, ConstantTensor, GraphBuilder, Node, Tensor } from '../onnx';

/** What a gradient rule sees of one forward node while the backward pass is built. */
export interface GradientContext {
  /** Builds the backward nodes; it already holds every forward value, so rules may use them freely. */
  readonly g: GraphBuilder;
  readonly node: Node;
  /** The node's inputs; null for an omitted optional input. */
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  /** dLoss/dOutput per output; null where that output does not lead to the loss. */
  readonly outputGrads: readonly (Tensor | null)[];
  /** Whether input i lies on a path from a differentiated value: only those gradients are built. */
  needs(i: number): boolean;
  /** The value of input i when it is an initializer (shapes, axes, indices), else undefined. */
  constant(i: number): ConstantTensor | undefined;
}

/**
 * Builds dLoss/dInput for the inputs that need one (null elsewhere). Each returned gradient has exactly its input's
 * shape; the caller checks that and sums gradients where branches meet.
 */
export type GradientRule = (ctx: GradientContext) => readonly (Tensor | null)[];

/**
 * An op with no gradient. Only float values carry gradients, so ops whose outputs are boolean or integer (comparisons)
 * never sit on a path; meeting one of these on a path is an error naming the op, the node and `why`.
 */
export interface NotDifferentiable {
  readonly notDifferentiable: string;
}

export const notDifferentiable = (why: string): NotDifferentiable => ({ notDifferentiable: why });

export class GradientError extends Error {
  constructor(node: Node, message: string) {
    super(`gradient of ${node.op} node "${node.name}": ${message}`);
    this.name = 'GradientError';
  }
}

/** Throws a GradientError naming the node: rules use it for cases they do not handle. */
export function fail(ctx: GradientContext, message: string): never {
  throw new GradientError(ctx.node, message);
}

/** Input i, which must be present. */
export function inputOf(ctx: GradientContext, i: number): Tensor {
  return ctx.inputs[i] ?? fail(ctx, `input ${i} is missing`);
}

/** dLoss/dOutput i, which must exist (single-output ops always have one when they are on a path). */
export function gradOf(ctx: GradientContext, i = 0): Tensor {
  return ctx.outputGrads[i] ?? fail(ctx, `output ${i} has no gradient`);
}

export function intAttr(attributes: Attributes, name: string, fallback: number): number {
  const a = attributes[name];
  return a && a.type === 'int' ? a.value : fallback;
}

export function floatAttr(attributes: Attributes, name: string, fallback: number): number {
  const a = attributes[name];
  return a && a.type === 'float' ? a.value : fallback;
}

export function intsAttr(attributes: Attributes, name: string): readonly number[] | undefined {
  const a = attributes[name];
  return a && a.type === 'ints' ? a.value : undefined;
}

/** The values of constant input i as numbers (axes, starts, pads, indices), or an error naming the node. */
export function constantInts(ctx: GradientContext, i: number, what: string): number[] {
  const c = ctx.constant(i) ?? fail(ctx, `${what} (input ${i}) must be a constant initializer`);
  return Array.from(c.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export function normalizeAxis(ctx: GradientContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}
