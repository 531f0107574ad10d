// One metadata entry of an ONNX file, read without loading the model: ModelProto's top-level fields are walked by
// their tags and lengths, seeking past the graph (hundreds of MB) to metadata_props (field 14). The model card lives
// there, and reading it must stay cheap: the Models view reads every model's card.
import { closeSync, openSync, readSync } from 'node:fs';

const METADATA_PROPS = 14;
const MAX_ENTRY_BYTES = 16 * 2 ** 20;

/** The value of metadata_props[key] in the ONNX file at `path`, or undefined when it has none or is not ONNX. */
export function readOnnxMetadataValue(path: string, key: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const reader = new FileReader(fd);
    for (;;) {
      const tag = reader.varint();
      if (tag === undefined) return undefined;
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire === 0) {
        if (reader.varint() === undefined) return undefined;
      } else if (wire === 1 || wire === 5) {
        reader.skip(wire === 1 ? 8 : 4);
      } else if (wire === 2) {
        const length = reader.varint();
        if (length === undefined) return undefined;
        if (field !== METADATA_PROPS || length > MAX_ENTRY_BYTES) {
          reader.skip(length);
          continue;
        }
        const entry = reader.bytes(length);
        if (!entry) return undefined;
        const { key: k, value } = stringPair(entry);
        if (k === key) return value;
      } else {
        return undefined; // groups (3, 4) and unknown wire types: not a ModelProto we wrote
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** StringStringEntryProto: key = 1, value = 2, both strings. */
function stringPair(bytes: Uint8Array): { key?: string; value?: string } {
  const out: { key?: string; value?: string } = {};
  const decoder = new TextDecoder();
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; at < bytes.length; shift += 7) {
      const b = bytes[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    return -1;
  };
  while (at < bytes.length) {
    const tag = varint();
    if (tag < 0 || tag % 8 !== 2) return out;
    const length = varint();
    if (length < 0 || at + length > bytes.length) return out;
    const text = decoder.decode(bytes.subarray(at, at + length));
    if (tag >> 3 === 1) out.key = text;
    else if (tag >> 3 === 2) out.value = text;
    at += length;
  }
  return out;
}

class FileReader {
  private position = 0;
  private readonly small = new Uint8Array(1);

  constructor(private readonly fd: number) {}

  private byte(): number | undefined {
    return readSync(this.fd, this.small, 0, 1, this.position++) === 1 ? this.small[0] : undefined;
  }

  varint(): number | undefined {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const b = this.byte();
      if (b === undefined) return undefined;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    return undefined;
  }

  skip(n: number): void {
    this.position += n;
  }

  bytes(n: number): Uint8Array | undefined {
    const out = new Uint8Array(n);
    return readSync(this.fd, out, 0, n, this.position) === n ? (this.position += n, out) : undefined;
  }
}
