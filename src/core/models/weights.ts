import type { GraphBuilder, InitializerOptions, Tensor } from '../onnx';

export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Checkpoint tensors by their MONAI key; throws for a missing key (the importer checks all keys first). */
export type WeightLookup = (key: string) => WeightTensor;

/** Adds checkpoint weights to a graph under their checkpoint keys, so a trained ONNX maps back to the same names. */
export class WeightBinder {
  constructor(
    private readonly g: GraphBuilder,
    private readonly lookup: WeightLookup,
    private readonly options: InitializerOptions = {},
  ) {}

  /** The tensor as stored in the checkpoint. */
  raw(key: string): WeightTensor {
    return this.lookup(key);
  }

  param(key: string): Tensor {
    const t = this.lookup(key);
    return this.g.initializer(key, { dtype: 'float32', shape: t.shape, data: t.data }, this.options);
  }

  /** A torch Linear weight [out, in] as the [in, out] matrix MatMul wants, optionally with columns scaled. */
  linearWeight(key: string, rows?: readonly [number, number], scale = 1): Tensor {
    const t = this.lookup(key);
    const [outAll, inDim] = t.shape as [number, number];
    const [r0, r1] = rows ?? [0, outAll];
    const out = r1 - r0;
    const data = new Float32Array(inDim * out);
    for (let o = 0; o < out; o++) for (let i = 0; i < inDim; i++) data[i * out + o] = t.data[(r0 + o) * inDim + i]! * scale;
    const name = rows ? `${key}[${r0}:${r1}]` : key;
    return this.g.initializer(name, { dtype: 'float32', shape: [inDim, out], data }, this.options);
  }

  /** Part of a bias vector, optionally scaled (a q projection's bias with the attention scale folded in). */
  vector(key: string, range?: readonly [number, number], scale = 1): Tensor {
    const t = this.lookup(key);
    const [a, b] = range ?? [0, t.data.length];
    const data = t.data.slice(a, b);
    if (scale !== 1) for (let i = 0; i < data.length; i++) data[i]! *= scale;
    const name = range ? `${key}[${a}:${b}]` : key;
    return this.g.initializer(name, { dtype: 'float32', shape: [b - a], data }, this.options);
  }
}

export function ones(g: GraphBuilder, n: number): Tensor {
  return g.shared(`ones_${n}`, () => ({ dtype: 'float32', shape: [n], data: new Float32Array(n).fill(1) }));
}

export function zeros(g: GraphBuilder, n: number): Tensor {
  return g.shared(`zeros_${n}`, () => ({ dtype: 'float32', shape: [n], data: new Float32Array(n) }));
}
