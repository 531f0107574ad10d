import { createGunzip } from 'node:zlib';
import { NiftiError } from './nifti-error';

/**
 * Once the image is complete we still inflate to the end of the stream, so gzip's CRC check catches corruption and
 * a cut-off trailer; trailing bytes beyond the image are discarded, and past this many we stop checking.
 */
const MAX_TRAILING_BYTES = 1 << 20;
/** Deflate cannot expand data by more than about 1032 to 1; a header claiming more than that is lying. */
const MAX_DEFLATE_RATIO = 1032;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Which bytes of the inflated stream to keep: [from, from + bytes). Everything before is read and dropped. */
export interface KeptRange {
  readonly from: number;
  readonly bytes: number;
}

/**
 * Inflates as a stream, bounded: the first `prefixBytes` are handed to `rangeFromPrefix`, which checks them (the
 * header) and says which range of the stream is wanted (the voxel data). Only then is the output allocated, once and
 * at that size; bytes before the range (extensions, and whatever a lying vox_offset asks us to wade through) and a
 * few trailing bytes after it are inflated and discarded, never stored. A bomb or a lying header cannot make us
 * allocate more than the data the header describes, nor read further than the compressed size makes possible.
 */
export function gunzipBounded(
  compressed: Uint8Array,
  file: string,
  prefixBytes: number,
  rangeFromPrefix: (prefix: Uint8Array) => KeptRange,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    const prefix: Uint8Array[] = [];
    let prefixLength = 0;
    let range: KeptRange | null = null;
    let out: Uint8Array | null = null;
    /** Stream position of the next byte to arrive. */
    let position = 0;
    let filled = 0;
    let trailing = 0;
    let settled = false;

    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(err instanceof NiftiError ? err : new NiftiError(file, String((err as Error)?.message ?? err)));
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve(out!);
    };
    /** Keeps the part of `chunk` (which starts at stream position `position`) that falls in the range. */
    const take = (chunk: Uint8Array): void => {
      const { from, bytes } = range!;
      const start = Math.max(from, position);
      const end = Math.min(from + bytes, position + chunk.length);
      if (end > start) {
        out!.set(chunk.subarray(start - position, end - position), start - from);
        filled += end - start;
      }
      trailing += Math.max(0, position + chunk.length - Math.max(from + bytes, position));
      position += chunk.length;
    };
    const allocate = (head: Uint8Array): void => {
      range = rangeFromPrefix(head);
      const total = range.from + range.bytes;
      if (total > compressed.length * MAX_DEFLATE_RATIO + prefixBytes) {
        throw new NiftiError(file,
          `the header needs ${total} bytes but ${compressed.length} compressed bytes cannot hold that much: the file is truncated`);
      }
      out = new Uint8Array(range.bytes);
      take(head);
    };

    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        if (!out) {
          prefix.push(chunk);
          prefixLength += chunk.length;
          if (prefixLength < prefixBytes) return;
          allocate(Buffer.concat(prefix, prefixLength));
        } else {
          take(chunk);
        }
        if (trailing > MAX_TRAILING_BYTES) succeed();
      } catch (err) {
        fail(err);
      }
    });
    gunzip.on('end', () => {
      if (settled) return;
      try {
        if (!out) allocate(Buffer.concat(prefix, prefixLength));
        if (filled < out!.length) {
          throw new NiftiError(file,
            `the decompressed file is ${position} bytes but the header needs ${range!.from + range!.bytes}: the file is truncated`);
        }
        succeed();
      } catch (err) {
        fail(err);
      }
    });
    gunzip.on('error', (err: NodeJS.ErrnoException) => {
      const cutOff = err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message);
      fail(new NiftiError(file, cutOff
        ? `the gzip stream ends early, after ${compressed.length} compressed bytes: the file is truncated`
        : `corrupt gzip data (${err.message})`));
    });
    gunzip.end(compressed);
  });
}
