import type { GraphBuilder, InitializerOptions, Tensor } from '../onnx';

export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Checkpoint tensors by their MONAI key; throws for a missing key (the importer checks all keys first). */
export type WeightLookup = (key: string) => WeightTensor;

/**
 * Adds checkpoint weights to a graph under their checkpoint keys, so a trained ONNX maps back to the same names.
 * With `stored` (the initializers of a model we wrote, by the names this binder gives them), each weight is taken
 * as stored: already transposed, sliced and scaled, so a model rebuilt from its own file is the same model.
 */
export class WeightBinder {
  /** Names of the weight initializers bound so far: what a fine-tuning step may train. */
  readonly bound: string[] = [];

  constructor(
    private readonly g: GraphBuilder,
    private readonly lookup: WeightLookup,
    private readonly options: InitializerOptions = {},
    private readonly stored?: ReadonlyMap<string, WeightTensor>,
  ) {}

  private bind(name: string, make: () => WeightTensor): Tensor {
    const t = this.stored ? this.storedWeight(name) : make();
    this.bound.push(name);
    return this.g.initializer(name, { dtype: 'float32', shape: t.shape, data: t.data }, this.options);
  }

  private storedWeight(name: string): WeightTensor {
    const t = this.stored!.get(name);
    if (!t) throw new Error(`the model file has no weight "${name}"`);
    return t;
  }

  /** The tensor as stored in the checkpoint. */
  raw(key: string): WeightTensor {
    return this.lookup(key);
  }

  param(key: string): Tensor {
    return this.bind(key, () => this.lookup(key));
  }

  /** A torch Linear weight [out, in] as the [in, out] matrix MatMul wants, optionally with columns scaled. */
  linearWeight(key: string, rows?: readonly [number, number], scale = 1): Tensor {
    const name = rows ? `${key}[${rows[0]}:${rows[1]}]` : key;
    return this.bind(name, () => {
      const t = this.lookup(key);
      const [outAll, inDim] = t.shape as [number, number];
      const [r0, r1] = rows ?? [0, outAll];
      const out = r1 - r0;
      const data = new Float32Array(inDim * out);
      for (let o = 0; o < out; o++) for (let i = 0; i < inDim; i++) data[i * out + o] = t.data[(r0 + o) * inDim + i]! * scale;
      return { shape: [inDim, out], data };
    });
  }

  /** Part of a bias vector, optionally scaled (a q projection's bias with the attention scale folded in). */
  vector(key: string, range?: readonly [number, number], scale = 1): Tensor {
    const name = range ? `${key}[${range[0]}:${range[1]}]` : key;
    return this.bind(name, () => {
      const t = this.lookup(key);
      const [a, b] = range ?? [0, t.data.length];
      const data = t.data.slice(a, b);
      if (scale !== 1) for (let i = 0; i < data.length; i++) data[i]! *= scale;
      return { shape: [b - a], data };
    });
  }
}

export function ones(g: GraphBuilder, n: number): Tensor {
  return g.shared(`ones_${n}`, () => ({ dtype: 'float32', shape: [n], data: new Float32Array(n).fill(1) }));
}

export function zeros(g: GraphBuilder, n: number): Tensor {
  return g.shared(`zeros_${n}`, () => ({ dtype: 'float32', shape: [n], data: new Float32Array(n) }));
}
