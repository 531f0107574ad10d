// A resumable training run's state on disk: the step reached, the trained weights with their AdamW moments, and
// what the run was (its settings, so a resume with other settings is refused rather than mixed). Written to a
// temporary file and renamed, so an interrupted save leaves the previous checkpoint intact.
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';

export interface StateTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface TrainState {
  /** Steps completed. */
  readonly step: number;
  /** What produced the state; compared on resume. */
  readonly run: Readonly<Record<string, unknown>>;
  readonly tensors: ReadonlyMap<string, StateTensor>;
  /** Free-form progress (losses so far), not compared. */
  readonly log?: unknown;
}

const MAGIC = 'SWINFUSE-TRAIN-STATE 1\n';

interface Header {
  step: number;
  run: Record<string, unknown>;
  log?: unknown;
  tensors: { name: string; shape: number[] }[];
}

export function saveTrainState(path: string, state: TrainState): void {
  const header: Header = {
    step: state.step, run: { ...state.run }, log: state.log,
    tensors: [...state.tensors].map(([name, t]) => ({ name, shape: [...t.shape] })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 4);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, MAGIC.length);
  const parts: Uint8Array[] = [prefix, json];
  // float32 data starts on a 4-byte boundary so it can be read as a view.
  const pad = (4 - ((prefix.length + json.length) % 4)) % 4;
  parts.push(new Uint8Array(pad));
  for (const t of state.tensors.values()) parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, path);
}

/** The saved state, or null when there is no file. A damaged or foreign file is an error naming it. */
export function loadTrainState(path: string): TrainState | null {
  if (!existsSync(path)) return null;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(MAGIC.length + 4);
    if (readSync(fd, prefix, 0, prefix.length, 0) !== prefix.length || prefix.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new Error(`${path}: not a SwinFUSE training checkpoint`);
    }
    const jsonLength = prefix.readUInt32LE(MAGIC.length);
    if (prefix.length + jsonLength > size) throw new Error(`${path}: truncated (header of ${jsonLength} bytes in a ${size}-byte file)`);
  } finally {
    closeSync(fd);
  }
  const bytes = readFileSync(path);
  const jsonLength = bytes.readUInt32LE(MAGIC.length);
  const jsonStart = MAGIC.length + 4;
  const header = JSON.parse(bytes.toString('utf8', jsonStart, jsonStart + jsonLength)) as Header;
  let offset = jsonStart + jsonLength;
  offset += (4 - (offset % 4)) % 4;
  const tensors = new Map<string, StateTensor>();
  for (const t of header.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * count > bytes.length) throw new Error(`${path}: truncated at tensor ${t.name}`);
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + 4 * count));
    tensors.set(t.name, { shape: t.shape, data });
    offset += 4 * count;
  }
  if (offset !== bytes.length) throw new Error(`${path}: ${bytes.length - offset} bytes after the last tensor`);
  return { step: header.step, run: header.run, tensors, log: header.log };
}

/** Where two runs' descriptions differ (key: saved → wanted), or [] when a resume may continue. */
export function runDifferences(saved: Readonly<Record<string, unknown>>, wanted: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(saved), ...Object.keys(wanted)]);
  return [...keys].filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(wanted[k]))
    .map((k) => `${k}: ${JSON.stringify(saved[k])} → ${JSON.stringify(wanted[k])}`);
}
