// A DocumentHost over node:fs for the viewer host's tests: file URIs, a real folder listing, and a record of what
// was read, logged and shown, so tests can check laziness and warnings without VS Code.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NiftiDatatype } from '../../src/core/nifti/index';
import type { ChannelVoxels } from '../../src/core/viewer-protocol/messages';
import type { DocumentHost, Logger, UriLike } from '../../src/extension/viewer/host-ports';
import { DEFAULT_MASK_PATTERNS } from '../../src/extension/viewer/mask-discovery';
import { repoRoot } from './paths';

export class FileUri implements UriLike<FileUri> {
  readonly scheme = 'file';
  constructor(readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  with(change: { path: string }): FileUri {
    return new FileUri(change.path);
  }
  toString(): string {
    return `file://${this.path}`;
  }
}

export interface RecordingLog extends Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string }[];
}

export function recordingLog(): RecordingLog {
  const lines: RecordingLog['lines'] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

export interface TestHost extends DocumentHost<FileUri> {
  readonly reads: string[];
  /** Every write, rename and delete, in order, as "write PATH", "rename FROM -> TO", "delete PATH". */
  readonly writes: string[];
  readonly warnings: string[];
  readonly errors: string[];
  readonly log: RecordingLog;
}

export interface TestHostOptions {
  maxVoxels?: number;
  listing?: 'fails';
  maskPatterns?: readonly string[];
  /** Makes rename fail, to check that a failed save leaves no temporary file behind. */
  renameFails?: boolean;
}

export function testHost(options: TestHostOptions = {}): TestHost {
  const reads: string[] = [];
  const writes: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    reads,
    writes,
    warnings,
    errors,
    log: recordingLog(),
    fs: {
      readFile: async (uri) => {
        reads.push(uri.path);
        return new Uint8Array(await readFile(uri.path));
      },
      readDirectory: async (uri) => {
        if (options.listing === 'fails') throw new Error(`listing ${uri.path} is not supported here`);
        const entries = await readdir(uri.path, { withFileTypes: true });
        return entries.map((e) => [e.name, e.isFile() ? 1 : e.isDirectory() ? 2 : 0] as [string, number]);
      },
      writeFile: async (uri, bytes) => {
        writes.push(`write ${uri.path}`);
        await writeFile(uri.path, bytes);
      },
      rename: async (source, target, { overwrite }) => {
        writes.push(`rename ${source.path} -> ${target.path}`);
        if (options.renameFails) throw new Error('rename is not allowed here');
        if (!overwrite && await stat(target.path).then(() => true, () => false)) throw new Error(`${target.path} exists`);
        await rename(source.path, target.path);
      },
      delete: async (uri) => {
        writes.push(`delete ${uri.path}`);
        await rm(uri.path);
      },
      stat: async (uri) => {
        const info = await stat(uri.path);
        return { type: info.isFile() ? 1 : info.isDirectory() ? 2 : 0 };
      },
      createDirectory: async (uri) => {
        await mkdir(uri.path, { recursive: true });
      },
    },
    maxVoxels: () => options.maxVoxels,
    maskPatterns: () => options.maskPatterns ?? DEFAULT_MASK_PATTERNS,
    warnUser: (message) => warnings.push(message),
    errorUser: (message) => errors.push(message),
  };
}

export const viewerFixtures = join(repoRoot, 'test', 'fixtures', 'viewer');
export const segmentFixtures = join(repoRoot, 'test', 'fixtures', 'segment');

/** What nibabel's as_closest_canonical found, from test/fixtures/viewer/make_viewer_fixtures.py. */
export interface CanonicalReference {
  stored_shape: number[];
  stored_axcodes: string;
  shape: number[];
  affine: number[][];
  spacing: number[];
  probes: { index: number[]; value: number }[];
}

export const viewerReference = JSON.parse(
  await readFile(join(viewerFixtures, 'reference.json'), 'utf8'),
) as Record<string, CanonicalReference>;

const ARRAYS: Record<NiftiDatatype, new (buffer: ArrayBuffer) => ArrayLike<number>> = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/** The scaled value at RAS voxel [i, j, k] of one channel's buffer, read by the definition of the layout. */
export function valueAt(voxels: ChannelVoxels, shape: readonly number[], [i, j, k]: readonly number[]): number {
  const values = new ARRAYS[voxels.datatype](voxels.data);
  const raw = values[i! + shape[0]! * (j! + shape[1]! * k!)]!;
  return voxels.scaling ? raw * voxels.scaling.slope + voxels.scaling.inter : raw;
}

export const BYTES_PER_VOXEL: Record<NiftiDatatype, number> = {
  uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};
