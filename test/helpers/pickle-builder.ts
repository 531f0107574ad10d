import { buildZip } from './zip-builder';

/**
 * Assembles protocol-2 pickles opcode by opcode, so tests can make what torch.save never writes (a tensor that
 * overruns its storage, an unknown opcode, a forbidden global) inside a torch-like archive.
 */
export class PickleWriter {
  private readonly bytes: number[] = [0x80, 0x02];

  op(...codes: number[]): this {
    this.bytes.push(...codes);
    return this;
  }

  str(s: string): this {
    const utf8 = Buffer.from(s, 'utf8');
    this.op(0x58, ...u32(utf8.length)); // BINUNICODE
    for (const b of utf8) this.bytes.push(b); // not spread: a string may be longer than a call's arguments
    return this;
  }

  int(n: number): this {
    return this.op(0x4a, ...u32(n)); // BININT
  }

  global(module: string, name: string): this {
    return this.op(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1')); // GLOBAL
  }

  tuple(fill: (w: this) => void): this {
    this.op(MARK);
    fill(this);
    return this.op(0x74); // TUPLE
  }

  /** _rebuild_tensor_v2(storage key, float32, numel, offset, size, stride, False, OrderedDict()). */
  tensor(key: string, numel: number, offset: number, size: number[], stride: number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.tuple((w) => {
      w.tuple((p) => p.str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(numel)).op(0x51); // BINPERSID
      w.int(offset);
      w.tuple((s) => size.forEach((v) => s.int(v)));
      w.tuple((s) => stride.forEach((v) => s.int(v)));
      w.op(0x89).global('collections', 'OrderedDict').op(0x29, 0x52); // NEWFALSE, OrderedDict(), REDUCE
    });
    return this.op(0x52); // REDUCE
  }

  /** Ends with STOP. */
  done(): Uint8Array {
    return Uint8Array.from([...this.bytes, 0x2e]);
  }
}

export const MARK = 0x28;
export const EMPTY_DICT = 0x7d;
export const SETITEM = 0x73;

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A torch.save-shaped archive: `archive/data.pkl`, float32 storages `archive/data/<key>`, `archive/version`. */
export function torchZip(pickle: Uint8Array, storages: Record<string, Float32Array> = {}, extra: Record<string, string> = {}): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: pickle },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data: new Uint8Array(data.buffer) })),
    ...Object.entries(extra).map(([name, text]) => ({ name: `archive/${name}`, data: Buffer.from(text) })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}
