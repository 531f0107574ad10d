import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;

/** Lists a zip's entries from its central directory, reading only the file's tail (no zip64: a .vsix never needs it). */
export function zipEntries(file: string): ZipEntry[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    // End-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = read(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error(`${file}: no zip end-of-central-directory record`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new Error(`${file}: zip64 is not supported`);
    const cd = read(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    for (let p = 0; entries.length < count; ) {
      if (cd.readUInt32LE(p) !== CDH_SIG) throw new Error(`${file}: bad central directory header at ${cdOffset + p}`);
      const nameLen = cd.readUInt16LE(p + 28);
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        method: cd.readUInt16LE(p + 10),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Writes every file entry (stored or deflated) under dir. */
export function extractZip(file: string, dir: string): void {
  const entries = zipEntries(file);
  const fd = openSync(file, 'r');
  try {
    for (const e of entries) {
      if (e.name.endsWith('/')) continue;
      const target = path.resolve(dir, e.name);
      if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`${file}: entry escapes: ${e.name}`);
      // The local header repeats name and extra field with lengths of its own.
      const local = read(fd, e.localHeaderOffset, 30);
      const start = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = read(fd, start, e.compressedSize);
      if (e.method !== 0 && e.method !== 8) throw new Error(`${file}: ${e.name}: compression method ${e.method}`);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, e.method === 8 ? inflateRawSync(raw) : raw);
    }
  } finally {
    closeSync(fd);
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error('unexpected end of zip file');
    done += n;
  }
  return buf;
}
