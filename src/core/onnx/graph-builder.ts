import { shapeRules } from './shape-inference';
import type { Dim } from './dims';
import type {
  Attributes, ConstantTensor, DType, Graph, Initializer, Node, OpType, Tensor, TensorData, TensorType,
} from './types';

/**
 * "fused" writes the patterns ORT fuses and folds constants compactly; "literal" writes the straightforward
 * transcription (decomposed LayerNorm and GELU, strided slices, full bias and mask tensors), kept to measure what
 * the fused form buys.
 */
export type GraphStyle = 'fused' | 'literal';

export interface InitializerOptions {
  readonly storeAsFloat16?: boolean;
}

/**
 * Builds a Graph node by node, inferring every output's type as it goes, so a shape mistake fails at the node that
 * made it, with that node's name, rather than inside ORT.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly inputs: Tensor[] = [];
  private readonly outputs: Tensor[] = [];
  private readonly initializers = new Map<string, Initializer>();
  private readonly types = new Map<string, TensorType>();
  private readonly constantCache = new Map<string, Tensor>();
  private readonly scopes: string[] = [];
  private counter = 0;

  constructor(readonly name: string, readonly style: GraphStyle = 'fused') {}

  input(name: string, dtype: DType, shape: readonly Dim[]): Tensor {
    const t = this.declare(name, { dtype, shape });
    this.inputs.push(t);
    return t;
  }

  /** A named weight. */
  initializer(name: string, value: ConstantTensor, options: InitializerOptions = {}): Tensor {
    const expected = value.shape.reduce((a, b) => a * b, 1);
    if (value.data.length !== expected) {
      throw new Error(`initializer "${name}": ${value.data.length} values for shape [${value.shape.join(', ')}]`);
    }
    const t = this.declare(name, { dtype: value.dtype, shape: value.shape });
    this.initializers.set(name, { name, ...value, storeAsFloat16: options.storeAsFloat16 ?? false });
    return t;
  }

  /** An unnamed constant; identical small constants (shapes, axes) are shared. */
  constant(dtype: DType, shape: readonly number[], data: TensorData, hint = 'const'): Tensor {
    const key = data.length <= 16 ? `${dtype}:${shape.join('x')}:${Array.from(data as ArrayLike<number | bigint>).join(',')}` : null;
    const cached = key ? this.constantCache.get(key) : undefined;
    if (cached) return cached;
    const t = this.initializer(this.uniqueName(hint), { dtype, shape, data });
    if (key) this.constantCache.set(key, t);
    return t;
  }

  /**
   * A large constant made once per graph under `key` (a shared bias index, ones for a norm of width C): later calls
   * with the same key return the first tensor without running `make` again.
   */
  shared(key: string, make: () => { dtype: DType; shape: readonly number[]; data: TensorData }): Tensor {
    const cacheKey = `shared:${key}`;
    const cached = this.constantCache.get(cacheKey);
    if (cached) return cached;
    const c = make();
    const t = this.initializer(this.uniqueName(key), c);
    this.constantCache.set(cacheKey, t);
    return t;
  }

  int64s(values: readonly number[]): Tensor {
    return this.constant('int64', [values.length], BigInt64Array.from(values, (v) => BigInt(v)), 'ints');
  }

  scalar(value: number, dtype: DType = 'float32'): Tensor {
    const data = dtype === 'int64' ? BigInt64Array.of(BigInt(value)) : Float32Array.of(value);
    return this.constant(dtype, [], data, 'scalar');
  }

  /** Adds a node and returns its outputs with inferred types. Optional inputs may be null. */
  node(op: OpType, inputs: readonly (Tensor | null)[], attributes: Attributes = {}, outputCount = 1, hint?: string): Tensor[] {
    const name = this.uniqueName(hint ?? op);
    const types = shapeRules[op]({
      op,
      name,
      inputs: inputs.map((t) => t?.type),
      attributes,
      constant: (i) => {
        const t = inputs[i];
        return t ? this.initializers.get(t.name) : undefined;
      },
      outputCount,
    });
    const outputs = types.slice(0, outputCount).map((type, i) => this.declare(outputCount === 1 ? name : `${name}:${i}`, type));
    this.nodes.push({ name, op, inputs: inputs.map((t) => t?.name ?? ''), outputs: outputs.map((t) => t.name), attributes });
    return outputs;
  }

  op(op: OpType, inputs: readonly (Tensor | null)[], attributes: Attributes = {}, hint?: string): Tensor {
    return this.node(op, inputs, attributes, 1, hint)[0]!;
  }

  /** Marks a value as a graph output under a stable public name. */
  output(t: Tensor, name: string): Tensor {
    if (this.types.has(name) && t.name !== name) throw new Error(`graph "${this.name}": output name "${name}" is already a value`);
    const out = t.name === name ? t : this.declareRenamed(t, name);
    this.outputs.push(out);
    return out;
  }

  /** Names nodes made inside `fn` after a model path (e.g. "swinViT.layers1"), which makes graphs readable. */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  typeOf(name: string): TensorType | undefined {
    return this.types.get(name);
  }

  build(): Graph {
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      nodes: [...this.nodes],
      initializers: [...this.initializers.values()],
      valueTypes: new Map(this.types),
    };
  }

  private declareRenamed(t: Tensor, name: string): Tensor {
    const renamed = this.declare(name, t.type);
    this.nodes.push({ name: `${name}/Identity`, op: 'Identity', inputs: [t.name], outputs: [name], attributes: {} });
    return renamed;
  }

  private declare(name: string, type: TensorType): Tensor {
    if (this.types.has(name)) throw new Error(`graph "${this.name}": the name "${name}" is used twice`);
    this.types.set(name, type);
    return { name, type };
  }

  private uniqueName(hint: string): string {
    const prefix = this.scopes.length ? `${this.scopes.join('.')}/` : '';
    let name: string;
    do name = `${prefix}${hint}_${this.counter++}`; while (this.types.has(name));
    return name;
  }
}
