// What training scripts put beside their weights: `best_acc` is a numpy float64 (np.mean of Dice scores), which a
// pickle rebuilds as numpy.core.multiarray.scalar(numpy.dtype('f8'), raw bytes), and under pickle protocol 2 (torch's
// default) the raw bytes arrive as _codecs.encode(text, 'latin1'). These are rebuilt here as plain data, by decoding
// bytes; nothing is called. Arrays (numpy's _reconstruct) and every other numpy global stay refused.
import { describePy, PickleProblem, PyCallable } from './unpickler';

/** A numpy dtype as pickled: its type string ('f8', 'i4', 'b1'…) and, once BUILD sets it, its byte order. */
export class NumpyDtype {
  byteOrder: '<' | '>' | '|' | '=' = '=';
  constructor(readonly code: string) {}
}

const SCALAR_BYTES: Readonly<Record<string, number>> = { f8: 8, f4: 4, f2: 2, i8: 8, i4: 4, i2: 2, i1: 1, u8: 8, u4: 4, u2: 2, u1: 1, b1: 1 };

const dtype = new PyCallable('numpy.dtype', (args) => {
  // numpy.dtype(code, align, copy): the pickle passes ('f8', False, True).
  const [code] = args;
  if (typeof code !== 'string' || !Object.hasOwn(SCALAR_BYTES, code)) {
    throw new PickleProblem(`numpy dtype ${typeof code === 'string' ? `"${code.slice(0, 20)}"` : describePy(code)} is not a scalar type this reader decodes (f2/f4/f8, i1-i8, u1-u8, b1)`);
  }
  return new NumpyDtype(code);
});

const scalar = new PyCallable('numpy.core.multiarray.scalar', (args) => {
  const [type, raw] = args;
  if (!(type instanceof NumpyDtype) || !(raw instanceof Uint8Array)) {
    throw new PickleProblem(`numpy scalar(dtype, bytes) got ${describePy(type)} and ${describePy(raw)}`);
  }
  if (raw.length !== SCALAR_BYTES[type.code]) {
    throw new PickleProblem(`a numpy ${type.code} scalar needs ${SCALAR_BYTES[type.code]} bytes, got ${raw.length}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const little = type.byteOrder !== '>';
  switch (type.code) {
    case 'f8': return view.getFloat64(0, little);
    case 'f4': return view.getFloat32(0, little);
    case 'f2': return view.getUint16(0, little); // raw half bits: kept, not used as a number anywhere
    case 'i8': { const v = view.getBigInt64(0, little); return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
    case 'u8': { const v = view.getBigUint64(0, little); return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
    case 'i4': return view.getInt32(0, little);
    case 'u4': return view.getUint32(0, little);
    case 'i2': return view.getInt16(0, little);
    case 'u2': return view.getUint16(0, little);
    case 'i1': return view.getInt8(0);
    case 'u1': return view.getUint8(0);
    default: return view.getUint8(0) !== 0; // b1
  }
});

const encode = new PyCallable('_codecs.encode', (args) => {
  // Protocol 2 writes bytes as _codecs.encode(text, 'latin1'): each character is one byte.
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new PickleProblem(`_codecs.encode is only read as encode(text, 'latin1'), got ${describePy(text)} and ${describePy(encoding)}`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) throw new PickleProblem('_codecs.encode(text, "latin1") got a character outside latin-1');
    out[i] = code;
  }
  return out;
});

/** The numpy and codecs globals a training script's checkpoint uses, by qualified name. */
export const NUMPY_GLOBALS: ReadonlyMap<string, PyCallable> = new Map([
  ['numpy.dtype', dtype],
  ['numpy.core.multiarray.scalar', scalar],
  ['numpy._core.multiarray.scalar', scalar], // numpy 2 moved the module
  ['_codecs.encode', encode],
]);

/** BUILD on a dtype: numpy's __setstate__ tuple (version, byte order, …); only the byte order matters for scalars. */
export function buildNumpyDtype(target: NumpyDtype, state: unknown): void {
  const order = Array.isArray(state) ? state[1] : undefined;
  if (order !== '<' && order !== '>' && order !== '|' && order !== '=') {
    throw new PickleProblem(`a numpy dtype's state must name its byte order, got ${describePy(state)}`);
  }
  target.byteOrder = order;
}
