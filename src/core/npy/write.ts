const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes a float32 array as a version 1.0 .npy file (little-endian `<f4`, C order), as numpy.save would, with the
 * header padded so the data starts on a 64-byte boundary (numpy's alignment, which lets readers map it directly).
 */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`encodeNpy: shape [${shape.join(', ')}] must be non-negative integers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(`encodeNpy: shape [${shape.join(', ')}] holds ${count} values but the data has ${data.length}`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const prefix = 10; // magic (6) + version (2) + header length (2)
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  if (padded > 0xffff) throw new RangeError(`encodeNpy: a ${shape.length}-dimensional header is too long for .npy 1.0`);
  const out = new Uint8Array(prefix + padded + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded, true);
  out.set(new TextEncoder().encode(dict.padEnd(padded - 1, ' ') + '\n'), prefix);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostIsLittleEndian) out.set(bytes, prefix + padded);
  else for (let i = 0; i < data.length; i++) new DataView(out.buffer).setFloat32(prefix + padded + i * 4, data[i]!, true);
  return out;
}
