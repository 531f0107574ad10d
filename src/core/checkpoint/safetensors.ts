import { CheckpointError } from './errors';
import { DTYPE_BYTES, numelOf, tensorFromBytes, type StateDict, type TensorDtype } from './tensor';
import { fileText } from '../io/file-text';

/**
 * Reads the .safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to
 * {dtype, shape, data_offsets: [begin, end]} (relative to the end of the header), then the raw little-endian data.
 */

const DTYPES: Record<string, TensorDtype> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64' };
/** The format's own reference implementation refuses headers above 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;

/** Cheap sniff for load.ts: a plausible header length followed by the JSON's opening brace. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  return length >= 2 && length <= bytes.length - 8 && bytes[8] === 0x7b;
}

export function readSafetensors(bytes: Uint8Array, file: string): StateDict {
  const fail = (problem: string): CheckpointError => new CheckpointError(file, problem);
  if (bytes.length < 8) throw fail(`only ${bytes.length} bytes: too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
    throw fail(`the safetensors header claims ${headerLength} bytes but the file has ${bytes.length - 8} after ` +
      'the length: it is truncated or not a safetensors file');
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw fail(`the safetensors header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail('the safetensors header is not a JSON object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const ranges: { name: string; dtype: TensorDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const where = `tensor "${fileText(name)}"`;
    if (typeof info !== 'object' || info === null) throw fail(`${where} has no description in the header`);
    const { dtype: code, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const dtype = typeof code === 'string' ? DTYPES[code] : undefined;
    if (!dtype) {
      throw fail(`${where} has dtype ${typeof code === 'string' ? `"${fileText(code, 20)}"` : describeJson(code)}; only F32, F16, BF16 and I64 are supported`);
    }
    if (!isCountArray(shape)) throw fail(`${where} has shape ${describeJson(shape)}, not a list of sizes`);
    if (!isCountArray(offsets) || offsets.length !== 2) {
      throw fail(`${where} has data_offsets ${describeJson(offsets)}, not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = numelOf(shape) * DTYPE_BYTES[dtype];
    if (end < begin || end - begin !== expected) {
      throw fail(`${where} (${code} [${shape.join(', ')}]) needs ${expected} bytes but data_offsets span ${end - begin}`);
    }
    if (end > dataLength) {
      throw fail(`${where} ends at byte ${end} of the data but the data is only ${dataLength} bytes: the file is truncated`);
    }
    ranges.push({ name, dtype, shape: [...shape], begin, end });
  }
  // The format gives every tensor bytes of its own; ranges that overlap would make one file's bytes into many
  // tensors' copies (8,000 names on one range of a 1.7 MB file would be 8 GB), so they are refused before copying.
  const sorted = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1, furthest = sorted[0]; i < sorted.length; i++) {
    const [a, b] = [furthest!, sorted[i]!];
    if (b.end > a.end) furthest = b;
    if (b.begin < a.end) {
      throw fail(`tensors "${fileText(a.name)}" and "${fileText(b.name)}" share bytes (data_offsets [${a.begin}, ${a.end}] and ` +
        `[${b.begin}, ${b.end}]); every tensor must have its own`);
    }
  }
  const dict: StateDict = new Map();
  for (const { name, dtype, shape, begin, end } of ranges) {
    // Copied into a fresh, aligned buffer: the data section need not be aligned for typed arrays. (Not
    // bytes.slice: on a Node Buffer that is a view.)
    dict.set(name, tensorFromBytes(dtype, shape, new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end))));
  }
  return dict;
}

/** A JSON value described by kind and size, never printed whole (a header may be 100 MB). */
function describeJson(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${fileText(value, 40)}"`;
  return value === null ? 'null' : typeof value;
}

function isCountArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}
