/**
 * Copies the elements a strided view selects (torch's size/stride/storage_offset, in elements) out of `src` into
 * a new C-ordered buffer. The caller has checked that every index lies inside `src`. Innermost dimensions that are
 * already contiguous are copied as one run, so a plain tensor is a single copy and a transposed one still works.
 */
export function gatherStrided(
  src: Uint8Array, itemBytes: number, offset: number, shape: readonly number[], stride: readonly number[],
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * itemBytes);
  if (count === 0) return out;
  // Size-1 dimensions never move the index, whatever their stride, so they cannot break contiguity.
  const dims = shape.map((size, i) => ({ size, stride: stride[i]! })).filter((d) => d.size !== 1);
  let outer = dims.length - 1;
  let runElements = 1;
  while (outer >= 0 && dims[outer]!.stride === runElements) runElements *= dims[outer--]!.size;
  const runBytes = runElements * itemBytes;
  const counter = new Array<number>(outer + 1).fill(0);
  let index = offset;
  for (let written = 0; written < out.length; written += runBytes) {
    out.set(src.subarray(index * itemBytes, index * itemBytes + runBytes), written);
    for (let d = outer; d >= 0; d--) {
      const dim = dims[d]!;
      index += dim.stride;
      if (++counter[d]! < dim.size) break;
      index -= dim.stride * dim.size;
      counter[d] = 0;
    }
  }
  return out;
}

/** The largest element index a view touches, or -1 when it selects nothing. */
export function lastIndex(offset: number, shape: readonly number[], stride: readonly number[]): number {
  if (shape.some((s) => s === 0)) return -1;
  return shape.reduce((at, size, i) => at + (size - 1) * stride[i]!, offset);
}
