import * as zlib from 'node:zlib';
import { fileText } from '../io/file-text';
import { CheckpointError } from './errors';

/**
 * A minimal zip reader over bytes already in memory: just what torch.save archives need (STORED and DEFLATE,
 * ZIP64), so a checkpoint opens without a dependency. Every offset and size the file claims is checked against the
 * buffer before it is used, so a damaged file gives a CheckpointError, never a RangeError or a huge allocation.
 */

export interface ZipEntry {
  name: string;
  /** 0 = STORED, 8 = DEFLATE. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const ZIP64_EXTRA_ID = 0x0001;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** Fields set to these say "the real value is in the ZIP64 record / extra field". */
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

// node:zlib gained crc32 in 20.15; on older Node we skip the check rather than hand-roll a slow table loop.
const crc32: ((data: Uint8Array) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readCentralDirectory();
  }

  /** The entry's uncompressed bytes. STORED entries are views into the archive, not copies. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw this.fail(`the archive has no entry "${fileText(name)}"`);
    const at = entry.localHeaderOffset;
    this.need(at, LOCAL_BYTES, `the local header of "${fileText(name)}"`);
    if (this.view.getUint32(at, true) !== LOCAL_SIG) {
      throw this.fail(`the local header of "${fileText(name)}" at byte ${at} has a bad signature: the archive is corrupted`);
    }
    // The local header's name and extra lengths can differ from the central directory's (torch pads the extra
    // field to align storages), so the data offset must come from here. Sizes come from the central directory,
    // since a local header followed by a data descriptor holds zeros.
    const dataStart = at + LOCAL_BYTES + this.view.getUint16(at + 26, true) + this.view.getUint16(at + 28, true);
    this.need(dataStart, entry.compressedSize, `the data of "${fileText(name)}"`);
    const raw = this.bytes.subarray(dataStart, dataStart + entry.compressedSize);
    const data = entry.method === METHOD_STORED ? raw : this.inflate(raw, entry);
    if (crc32 && (crc32(data) >>> 0) !== entry.crc32) {
      throw this.fail(`entry "${fileText(name)}" fails its CRC-32 check: the archive is corrupted`);
    }
    return data;
  }

  private inflate(raw: Uint8Array, entry: ZipEntry): Uint8Array {
    let out: Uint8Array;
    try {
      // maxOutputLength bounds the allocation by what the directory claims, so a zip bomb stops early.
      // One output chunk one byte larger than the entry: zlib then fills a single buffer, where its default 16 KiB
      // chunks are concatenated at the end and briefly hold the entry twice (2 GiB for a 1 GiB storage).
      out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size), chunkSize: Math.max(64, entry.size + 1) });
    } catch (err) {
      throw this.fail(`entry "${fileText(entry.name)}" does not inflate (${(err as Error).message}): the archive is corrupted`);
    }
    if (out.length !== entry.size) {
      throw this.fail(`entry "${fileText(entry.name)}" inflates to ${out.length} bytes, not the ${entry.size} its header says`);
    }
    return out;
  }

  private readCentralDirectory(): void {
    const eocd = this.findEndOfCentralDirectory();
    let count = this.view.getUint16(eocd + 10, true);
    let size = this.view.getUint32(eocd + 12, true);
    let offset = this.view.getUint32(eocd + 16, true);
    if (this.view.getUint16(eocd + 4, true) !== 0 || this.view.getUint16(eocd + 6, true) !== 0) {
      throw this.fail('the archive spans several disks, which is not supported');
    }
    const locator = eocd - 20;
    if (locator >= 0 && this.view.getUint32(locator, true) === EOCD64_LOCATOR_SIG) {
      const at = this.u64(locator + 8, 'the ZIP64 end record offset');
      this.need(at, 56, 'the ZIP64 end-of-central-directory record');
      if (this.view.getUint32(at, true) !== EOCD64_SIG) {
        throw this.fail(`the ZIP64 end-of-central-directory record at byte ${at} has a bad signature`);
      }
      count = this.u64(at + 32, 'the ZIP64 entry count');
      size = this.u64(at + 40, 'the ZIP64 central directory size');
      offset = this.u64(at + 48, 'the ZIP64 central directory offset');
    } else if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
      throw this.fail('the end record defers to a ZIP64 record that is missing: the archive is corrupted');
    }
    this.need(offset, size, 'the central directory');
    if (count * CENTRAL_BYTES > size) {
      throw this.fail(`the central directory claims ${count} entries but is only ${size} bytes long`);
    }
    let at = offset;
    const end = offset + size;
    for (let i = 0; i < count; i++) {
      const entry = this.readCentralEntry(at, end, i);
      if (this.entries.has(entry.name)) throw this.fail(`the archive lists "${fileText(entry.name)}" twice`);
      this.entries.set(entry.name, entry);
      at += CENTRAL_BYTES + this.view.getUint16(at + 28, true) + this.view.getUint16(at + 30, true) +
        this.view.getUint16(at + 32, true);
    }
  }

  private readCentralEntry(at: number, end: number, index: number): ZipEntry {
    if (at + CENTRAL_BYTES > end || this.view.getUint32(at, true) !== CENTRAL_SIG) {
      throw this.fail(`central directory entry ${index} at byte ${at} is missing or has a bad signature`);
    }
    const flags = this.view.getUint16(at + 8, true);
    const method = this.view.getUint16(at + 10, true);
    const nameLength = this.view.getUint16(at + 28, true);
    const extraLength = this.view.getUint16(at + 30, true);
    const commentLength = this.view.getUint16(at + 32, true);
    if (at + CENTRAL_BYTES + nameLength + extraLength + commentLength > end) {
      throw this.fail(`central directory entry ${index} runs past the end of the directory`);
    }
    const nameStart = at + CENTRAL_BYTES;
    const name = new TextDecoder().decode(this.bytes.subarray(nameStart, nameStart + nameLength));
    if (flags & 1) throw this.fail(`entry "${fileText(name)}" is encrypted, which is not supported`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      throw this.fail(`entry "${fileText(name)}" uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    let size = this.view.getUint32(at + 24, true);
    let compressedSize = this.view.getUint32(at + 20, true);
    let localHeaderOffset = this.view.getUint32(at + 42, true);
    if (size === U32_MAX || compressedSize === U32_MAX || localHeaderOffset === U32_MAX) {
      // The ZIP64 extra field holds, in this order, only the fields whose 32-bit slot is saturated.
      let field = this.findExtra(nameStart + nameLength, extraLength, ZIP64_EXTRA_ID, name);
      const take = (what: string): number => {
        if (field.length < 8) throw this.fail(`the ZIP64 extra field of "${fileText(name)}" is too short to hold its ${what}`);
        const v = this.u64(field.at, `the ZIP64 ${what} of "${fileText(name)}"`);
        field = { at: field.at + 8, length: field.length - 8 };
        return v;
      };
      if (size === U32_MAX) size = take('size');
      if (compressedSize === U32_MAX) compressedSize = take('compressed size');
      if (localHeaderOffset === U32_MAX) localHeaderOffset = take('local header offset');
    }
    if (method === METHOD_STORED && size !== compressedSize) {
      throw this.fail(`stored entry "${fileText(name)}" claims ${size} bytes but occupies ${compressedSize}`);
    }
    this.need(localHeaderOffset, LOCAL_BYTES, `the local header of "${fileText(name)}"`);
    this.need(localHeaderOffset, compressedSize, `the data of "${fileText(name)}"`);
    return { name, method, size, compressedSize, crc32: this.view.getUint32(at + 16, true), localHeaderOffset };
  }

  private findExtra(start: number, length: number, id: number, name: string): { at: number; length: number } {
    let at = start;
    while (at + 4 <= start + length) {
      const fieldId = this.view.getUint16(at, true);
      const fieldLength = this.view.getUint16(at + 2, true);
      if (at + 4 + fieldLength > start + length) break;
      if (fieldId === id) return { at: at + 4, length: fieldLength };
      at += 4 + fieldLength;
    }
    throw this.fail(`entry "${fileText(name)}" needs a ZIP64 extra field but has none: the archive is corrupted`);
  }

  private findEndOfCentralDirectory(): number {
    if (this.bytes.length < EOCD_BYTES) {
      throw this.fail(`only ${this.bytes.length} bytes, too short for a zip archive: it is truncated`);
    }
    // The record sits at the very end unless a comment (at most 65535 bytes) follows it.
    const lowest = Math.max(0, this.bytes.length - EOCD_BYTES - U16_MAX);
    for (let at = this.bytes.length - EOCD_BYTES; at >= lowest; at--) {
      if (this.view.getUint32(at, true) === EOCD_SIG &&
          at + EOCD_BYTES + this.view.getUint16(at + 20, true) <= this.bytes.length) {
        return at;
      }
    }
    throw this.fail('no end-of-central-directory record: the archive is truncated or not a zip file');
  }

  private u64(at: number, what: string): number {
    this.need(at, 8, what);
    const value = this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
    if (value > Number.MAX_SAFE_INTEGER) throw this.fail(`${what} (${value}) is impossibly large`);
    return value;
  }

  /** Throws unless [at, at + length) lies inside the archive. */
  private need(at: number, length: number, what: string): void {
    if (at < 0 || length < 0 || at + length > this.bytes.length) {
      throw this.fail(`${what} (bytes ${at} to ${at + length}) lies past the end of the ${this.bytes.length}-byte ` +
        'file: the archive is truncated or corrupted');
    }
  }

  private fail(problem: string): CheckpointError {
    return new CheckpointError(this.file, problem);
  }
}

export function openZip(bytes: Uint8Array, file: string): ZipArchive {
  return new ZipArchive(bytes, file);
}
