/** The element types a SwinFUSE checkpoint can hold. Half types stay as raw 16-bit patterns until asked for. */
export type TensorDtype = 'float32' | 'float16' | 'bfloat16' | 'int64';

/** A dense, C-ordered (row-major) tensor that owns its data. The union keeps `dtype` and the array type in step. */
export type Tensor =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float16' | 'bfloat16'; shape: number[]; data: Uint16Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array };

/** Parameter name → tensor, in the order the file lists them. */
export type StateDict = Map<string, Tensor>;

export const DTYPE_BYTES: Readonly<Record<TensorDtype, number>> = { float32: 4, float16: 2, bfloat16: 2, int64: 8 };

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Wraps little-endian element bytes (which must start at an aligned offset of their own buffer; callers copy
 * first) as the typed array for `dtype`. Every platform VS Code ships on is little-endian, like torch's files.
 */
export function tensorFromBytes(dtype: TensorDtype, shape: number[], bytes: Uint8Array): Tensor {
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  switch (dtype) {
    case 'float32': return { dtype, shape, data: new Float32Array(bytes.buffer, bytes.byteOffset, n) };
    case 'float16':
    case 'bfloat16': return { dtype, shape, data: new Uint16Array(bytes.buffer, bytes.byteOffset, n) };
    case 'int64': return { dtype, shape, data: new BigInt64Array(bytes.buffer, bytes.byteOffset, n) };
  }
}

/**
 * The values as float32. A float32 tensor's own array is returned (no copy), so callers that mutate must copy.
 * int64 values beyond 2^24 lose precision, as they would in torch's `.float()`.
 */
export function toFloat32(tensor: Tensor): Float32Array {
  switch (tensor.dtype) {
    case 'float32': return tensor.data;
    case 'float16': return halfToFloat32(tensor.data);
    case 'bfloat16': return bfloat16ToFloat32(tensor.data);
    case 'int64': {
      const out = new Float32Array(tensor.data.length);
      for (let i = 0; i < out.length; i++) out[i] = Number(tensor.data[i]!);
      return out;
    }
  }
}

/** bfloat16 is the top half of a float32, so widening is a shift: exact, NaN payloads included. */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const wide = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) wide[i] = bits[i]! << 16;
  return new Float32Array(wide.buffer);
}

/** IEEE binary16 → binary32, exact for every pattern (subnormals, infinities, NaN). */
export function halfToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfBitsToNumber(bits[i]!);
  return out;
}

export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
