import type { Dim } from './dims';

/** Element types our graphs use; the numbers are ONNX TensorProto.DataType codes. */
export const DTYPE_CODES = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11,
} as const;
export type DType = keyof typeof DTYPE_CODES;

export interface TensorType {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** An edge of the graph: a named value with its inferred type. */
export interface Tensor {
  readonly name: string;
  readonly type: TensorType;
}

export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

/** A constant tensor: an initializer, or the value of a `tensor` attribute. */
export interface ConstantTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** float16 data is stored as its bit patterns in a Uint16Array. */
  readonly data: TensorData;
}

export type Attribute =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'tensor'; readonly value: ConstantTensor };

export type Attributes = Readonly<Record<string, Attribute>>;

/** Every op type our graphs may contain. Gradient and shape rules are tables keyed by this union. */
export type OpType =
  | 'Add' | 'Sub' | 'Mul' | 'Div' | 'Neg' | 'Sqrt' | 'Exp' | 'Log' | 'Pow' | 'Abs'
  | 'MatMul' | 'Gemm' | 'Conv' | 'ConvTranspose'
  | 'InstanceNormalization' | 'LayerNormalization'
  | 'LeakyRelu' | 'Relu' | 'Sigmoid' | 'Softmax' | 'Erf' | 'Tanh'
  | 'Reshape' | 'Transpose' | 'Slice' | 'Concat' | 'Pad' | 'Gather' | 'Split' | 'Expand' | 'Identity' | 'Cast'
  | 'ReduceMean' | 'ReduceSum' | 'ReduceMax'
  // Emitted by backward graphs (src/core/autodiff): masks for Relu/Abs/ReduceMax, scatter-add for Gather.
  | 'Greater' | 'Equal' | 'ScatterND';

export interface Node {
  readonly name: string;
  readonly op: OpType;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Attributes;
}

export interface Initializer extends ConstantTensor {
  readonly name: string;
  /** Write as float16 and Cast back to float32 when the model loads, halving the file. */
  readonly storeAsFloat16?: boolean;
}

/** A whole graph as plain data: easy to walk, extend (gradients) and serialize. */
export interface Graph {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly nodes: readonly Node[];
  readonly initializers: readonly Initializer[];
  /** Inferred types of every value, inputs and initializers included. */
  readonly valueTypes: ReadonlyMap<string, TensorType>;
}

export const int = (value: number): Attribute => ({ type: 'int', value });
export const float = (value: number): Attribute => ({ type: 'float', value });
export const ints = (value: readonly number[]): Attribute => ({ type: 'ints', value });
export const floats = (value: readonly number[]): Attribute => ({ type: 'floats', value });
export const str = (value: string): Attribute => ({ type: 'string', value });
