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

/**
 * Inflates as a stream, bounded: the first `prefixBytes` are handed to `sizeFromPrefix`, which checks them (the
 * header) and says how many bytes the whole file must have. Only then is the output allocated, once and at that
 * size; a few trailing bytes past it are inflated and discarded, never stored. A bomb or a lying header cannot
 * make us allocate more than the header allows and the compressed size makes possible.
 */
export function gunzipBounded(
  compressed: Uint8Array,
  file: string,
  prefixBytes: number,
  sizeFromPrefix: (prefix: Uint8Array) => number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    const prefix: Uint8Array[] = [];
    let prefixLength = 0;
    let out: Uint8Array | null = null;
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
    const allocate = (head: Uint8Array): void => {
      const total = sizeFromPrefix(head);
      if (total > compressed.length * MAX_DEFLATE_RATIO + prefixBytes) {
        throw new NiftiError(file,
          `the header needs ${total} bytes but ${compressed.length} compressed bytes cannot hold that much: the file is truncated`);
      }
      out = new Uint8Array(total);
      const n = Math.min(head.length, total);
      out.set(head.subarray(0, n));
      filled = n;
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
          const n = Math.min(chunk.length, out.length - filled);
          out.set(chunk.subarray(0, n), filled);
          filled += n;
          trailing += chunk.length - n;
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
            `the decompressed file is ${filled} bytes but the header needs ${out!.length}: the file is truncated`);
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
