// The hot-exit backup of an unsaved mask: enough to restore the labels and where they save, nothing of the image.
//
// Format (version 1), all of it one file:
//   line 1: "SWINFUSE-MASK-BACKUP 1\n"
//   line 2: one JSON object and "\n": { image, target, exists, refused, shape: [X, Y, Z], voxels }
//   rest:   gzip of the uint8 labels in RAS layout, x fastest (voxels = X·Y·Z bytes once inflated)
// The voxels are never allocated from what the header claims until the claim has been checked against the image
// the backup is restored for, and inflating stops at that size, so a corrupt or hostile backup cannot make the host
// allocate more than the image's own mask.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export const MASK_BACKUP_MAGIC = 'SWINFUSE-MASK-BACKUP 1';
/** The JSON line is a few hundred bytes; anything longer is not a header. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface MaskBackupHeader {
  /** The image's file name, so a backup is never restored over another image. */
  readonly image: string;
  /** Path of the file Save writes (the URI path, in the image's scheme). */
  readonly target: string;
  /** Whether `target` holds this document's mask on disk (read at open or written by a save). */
  readonly exists: boolean;
  /** Why a mask beside the image was refused, as MaskInfo.refused. */
  readonly refused: string | null;
  readonly shape: readonly [number, number, number];
}

export class MaskBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaskBackupError';
  }
}

export async function encodeMaskBackup(header: MaskBackupHeader, labels: Uint8Array): Promise<Uint8Array> {
  const voxels = header.shape[0] * header.shape[1] * header.shape[2];
  if (labels.length !== voxels) {
    throw new MaskBackupError(`${labels.length} labels do not fill the shape ${header.shape.join('×')}`);
  }
  const json = JSON.stringify({ ...header, shape: [...header.shape], voxels });
  const head = new TextEncoder().encode(`${MASK_BACKUP_MAGIC}\n${json}\n`);
  const body = new Uint8Array(await gzipAsync(labels, { level: 1 }));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/**
 * Reads a backup made for `expected.image` with shape `expected.shape`. `file` names the backup in errors.
 * Every problem is a MaskBackupError saying what is wrong.
 */
export async function decodeMaskBackup(
  bytes: Uint8Array,
  expected: { readonly image: string; readonly shape: readonly [number, number, number] },
  file = 'the backup',
): Promise<{ header: MaskBackupHeader; labels: Uint8Array }> {
  const fail = (problem: string): never => {
    throw new MaskBackupError(`${file}: ${problem}`);
  };
  const magic = new TextEncoder().encode(`${MASK_BACKUP_MAGIC}\n`);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) {
    fail(`does not start with "${MASK_BACKUP_MAGIC}": not a SwinFUSE mask backup`);
  }
  const limit = Math.min(bytes.length, magic.length + MAX_HEADER_BYTES);
  const end = bytes.subarray(magic.length, limit).indexOf(0x0a);
  if (end < 0) fail(limit === bytes.length ? 'ends inside its header: the backup is truncated' : 'its header line is too long');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(magic.length, magic.length + end)));
  } catch (err) {
    fail(`its header is not valid JSON (${(err as Error).message})`);
  }
  const header = checkHeader(raw, fail);
  if (header.image !== expected.image) fail(`was made for ${header.image}, not ${expected.image}`);
  if (header.shape.some((n, i) => n !== expected.shape[i])) {
    fail(`holds a ${header.shape.join('×')} mask but ${expected.image} is ${expected.shape.join('×')}`);
  }
  const voxels = expected.shape[0] * expected.shape[1] * expected.shape[2];
  let labels: Uint8Array;
  try {
    // One byte past the size, so a body that inflates to more is caught without inflating all of it.
    labels = new Uint8Array(await gunzipAsync(bytes.subarray(magic.length + end + 1), { maxOutputLength: voxels + 1 }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') fail(`its labels inflate to more than the ${voxels} voxels of the mask`);
    const cutOff = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message);
    fail(cutOff ? 'its labels end early: the backup is truncated' : `its labels are corrupt (${e.message})`);
  }
  if (labels!.length !== voxels) fail(`holds ${labels!.length} labels, not the ${voxels} of a ${expected.shape.join('×')} mask`);
  return { header, labels: labels! };
}

function checkHeader(raw: unknown, fail: (problem: string) => never): MaskBackupHeader {
  const h = raw as Record<string, unknown> | null;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return fail('its header is not a JSON object');
  if (typeof h.image !== 'string') fail('its header has no image name');
  if (typeof h.target !== 'string' || h.target === '') fail('its header has no save target');
  if (typeof h.exists !== 'boolean') fail('its header does not say whether the target exists');
  if (h.refused !== null && typeof h.refused !== 'string') fail('its header\'s "refused" is neither null nor a string');
  const shape = h.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    fail(`its header's shape ${JSON.stringify(shape)} is not three positive integers`);
  }
  return {
    image: h.image as string,
    target: h.target as string,
    exists: h.exists as boolean,
    refused: h.refused as string | null,
    shape: shape as unknown as [number, number, number],
  };
}
