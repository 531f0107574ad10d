// An edit records only the voxels that changed, as runs of consecutive flat indices plus the old and new values
// run-length encoded in run order. Memory is proportional to the change, never to the volume, so the undo stack
// can hold many strokes on a 35 M voxel mask.
import { LabelToolError } from './volume';

/** Run-length encoding of per-voxel values: values[k] repeats counts[k] times. */
export interface RunValues {
  readonly values: Uint8Array;
  readonly counts: Uint32Array;
}

export interface LabelEdit {
  /** First flat index of each maximal run of consecutive changed voxels, ascending. */
  readonly starts: Uint32Array;
  readonly lengths: Uint32Array;
  readonly before: RunValues;
  readonly after: RunValues;
  /** Number of changed voxels (sum of lengths). */
  readonly count: number;
}

export const EMPTY_EDIT: LabelEdit = Object.freeze({
  starts: new Uint32Array(0),
  lengths: new Uint32Array(0),
  before: { values: new Uint8Array(0), counts: new Uint32Array(0) },
  after: { values: new Uint8Array(0), counts: new Uint32Array(0) },
  count: 0,
});

export function encodeRunValues(values: Uint8Array): RunValues {
  let runs = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) runs++;
  const out = { values: new Uint8Array(runs), counts: new Uint32Array(runs) };
  let r = -1;
  for (let i = 0; i < values.length; i++) {
    if (i === 0 || values[i] !== values[i - 1]) out.values[++r] = values[i]!;
    out.counts[r]!++;
  }
  return out;
}

export function decodeRunValues(rv: RunValues): Uint8Array {
  let total = 0;
  for (let k = 0; k < rv.counts.length; k++) total += rv.counts[k]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (let k = 0; k < rv.values.length; k++) {
    out.fill(rv.values[k]!, o, o + rv.counts[k]!);
    o += rv.counts[k]!;
  }
  return out;
}

/**
 * Builds an edit from changed voxels: `indices` strictly ascending, `before`/`after` their values in the same order.
 * Callers (setValues, composeEdits) guarantee the order; it is checked because a bad edit corrupts masks silently.
 */
export function editFromChanges(indices: Uint32Array, before: Uint8Array, after: Uint8Array): LabelEdit {
  if (before.length !== indices.length || after.length !== indices.length) {
    throw new LabelToolError(
      `editFromChanges: ${indices.length} indices but ${before.length} before and ${after.length} after values`,
    );
  }
  if (indices.length === 0) return EMPTY_EDIT;
  let runs = 1;
  for (let i = 1; i < indices.length; i++) {
    const d = indices[i]! - indices[i - 1]!;
    if (d <= 0) throw new LabelToolError(`editFromChanges: indices not strictly ascending at position ${i}`);
    if (d !== 1) runs++;
  }
  const starts = new Uint32Array(runs);
  const lengths = new Uint32Array(runs);
  let r = 0;
  starts[0] = indices[0]!;
  lengths[0] = 1;
  for (let i = 1; i < indices.length; i++) {
    if (indices[i] === indices[i - 1]! + 1) lengths[r]!++;
    else {
      starts[++r] = indices[i]!;
      lengths[r] = 1;
    }
  }
  return { starts, lengths, before: encodeRunValues(before), after: encodeRunValues(after), count: indices.length };
}

/** The changed flat indices of an edit, ascending. */
export function editIndices(edit: LabelEdit): Uint32Array {
  const out = new Uint32Array(edit.count);
  let o = 0;
  for (let r = 0; r < edit.starts.length; r++) {
    const s = edit.starts[r]!;
    for (let k = 0; k < edit.lengths[r]!; k++) out[o++] = s + k;
  }
  return out;
}

function writeValues(mask: Uint8Array, edit: LabelEdit, rv: RunValues, what: string): void {
  const last = edit.starts.length - 1;
  if (last >= 0 && edit.starts[last]! + edit.lengths[last]! > mask.length) {
    throw new LabelToolError(
      `${what}: edit reaches voxel ${edit.starts[last]! + edit.lengths[last]! - 1} but the mask has ${mask.length}`,
    );
  }
  // Walk runs of indices and runs of values together; neither is expanded to a per-voxel array.
  let vk = 0;
  let vLeft = rv.counts.length > 0 ? rv.counts[0]! : 0;
  for (let r = 0; r < edit.starts.length; r++) {
    let pos = edit.starts[r]!;
    let left = edit.lengths[r]!;
    while (left > 0) {
      while (vLeft === 0) {
        vk++;
        if (vk >= rv.counts.length) throw new LabelToolError(`${what}: edit has fewer values than its ${edit.count} voxels`);
        vLeft = rv.counts[vk]!;
      }
      const n = Math.min(left, vLeft);
      mask.fill(rv.values[vk]!, pos, pos + n);
      pos += n;
      left -= n;
      vLeft -= n;
    }
  }
}

/** Redo: writes the edit's `after` values. */
export function applyEdit(mask: Uint8Array, edit: LabelEdit): void {
  writeValues(mask, edit, edit.after, 'applyEdit');
}

/** Undo: writes the edit's `before` values. */
export function revertEdit(mask: Uint8Array, edit: LabelEdit): void {
  writeValues(mask, edit, edit.before, 'revertEdit');
}

export function isEmptyEdit(edit: LabelEdit): boolean {
  return edit.count === 0;
}

/** Memory held by the edit's arrays, for the undo stack's budget. */
export function editBytes(edit: LabelEdit): number {
  return (
    edit.starts.byteLength +
    edit.lengths.byteLength +
    edit.before.values.byteLength +
    edit.before.counts.byteLength +
    edit.after.values.byteLength +
    edit.after.counts.byteLength
  );
}

/** The edit that undoes `edit` (before and after swapped). */
export function invertEdit(edit: LabelEdit): LabelEdit {
  return { ...edit, before: edit.after, after: edit.before };
}

/**
 * One edit equivalent to applying `first` then `second` (e.g. the dabs of one brush stroke become one undo step).
 * Voxels that end where they started are dropped.
 */
export function composeEdits(first: LabelEdit, second: LabelEdit): LabelEdit {
  const ia = editIndices(first), ba = decodeRunValues(first.before), aa = decodeRunValues(first.after);
  const ib = editIndices(second), bb = decodeRunValues(second.before), ab = decodeRunValues(second.after);
  const idx = new Uint32Array(ia.length + ib.length);
  const bef = new Uint8Array(idx.length);
  const aft = new Uint8Array(idx.length);
  let i = 0, j = 0, n = 0;
  const keep = (index: number, b: number, a: number): void => {
    if (b === a) return;
    idx[n] = index;
    bef[n] = b;
    aft[n] = a;
    n++;
  };
  while (i < ia.length || j < ib.length) {
    if (j >= ib.length || (i < ia.length && ia[i]! < ib[j]!)) {
      keep(ia[i]!, ba[i]!, aa[i]!), i++;
    } else if (i >= ia.length || ib[j]! < ia[i]!) {
      keep(ib[j]!, bb[j]!, ab[j]!), j++;
    } else {
      // Touched by both: the original value is first's before, the final one second's after.
      keep(ia[i]!, ba[i]!, ab[j]!), i++, j++;
    }
  }
  return editFromChanges(idx.subarray(0, n), bef.subarray(0, n), aft.subarray(0, n));
}

/** postMessage form: ArrayBuffers only (structured-clone friendly, transferable), never JSON number arrays. */
export interface EncodedLabelEdit {
  readonly starts: ArrayBuffer;
  readonly lengths: ArrayBuffer;
  readonly beforeValues: ArrayBuffer;
  readonly beforeCounts: ArrayBuffer;
  readonly afterValues: ArrayBuffer;
  readonly afterCounts: ArrayBuffer;
  readonly count: number;
}

// slice() copies, so transferring the buffers never detaches arrays still held by an undo stack.
const own = (a: Uint8Array | Uint32Array): ArrayBuffer => a.slice().buffer as ArrayBuffer;

export function encodeEdit(edit: LabelEdit): EncodedLabelEdit {
  return {
    starts: own(edit.starts),
    lengths: own(edit.lengths),
    beforeValues: own(edit.before.values),
    beforeCounts: own(edit.before.counts),
    afterValues: own(edit.after.values),
    afterCounts: own(edit.after.counts),
    count: edit.count,
  };
}

/** Decodes and validates a received edit: a malformed message must fail here, not corrupt a mask later. */
export function decodeEdit(msg: EncodedLabelEdit): LabelEdit {
  const u32 = (b: unknown, what: string): Uint32Array => {
    if (!(b instanceof ArrayBuffer) || b.byteLength % 4 !== 0) {
      throw new LabelToolError(`decodeEdit: ${what} is not an ArrayBuffer of 32-bit values`);
    }
    return new Uint32Array(b);
  };
  const u8 = (b: unknown, what: string): Uint8Array => {
    if (!(b instanceof ArrayBuffer)) throw new LabelToolError(`decodeEdit: ${what} is not an ArrayBuffer`);
    return new Uint8Array(b);
  };
  const starts = u32(msg.starts, 'starts');
  const lengths = u32(msg.lengths, 'lengths');
  const before = { values: u8(msg.beforeValues, 'beforeValues'), counts: u32(msg.beforeCounts, 'beforeCounts') };
  const after = { values: u8(msg.afterValues, 'afterValues'), counts: u32(msg.afterCounts, 'afterCounts') };
  if (starts.length !== lengths.length) {
    throw new LabelToolError(`decodeEdit: ${starts.length} run starts but ${lengths.length} run lengths`);
  }
  let count = 0;
  for (let r = 0; r < starts.length; r++) {
    if (lengths[r] === 0) throw new LabelToolError(`decodeEdit: run ${r} is empty`);
    if (r > 0 && starts[r]! <= starts[r - 1]! + lengths[r - 1]!) {
      throw new LabelToolError(`decodeEdit: run ${r} at ${starts[r]} overlaps or touches the previous run`);
    }
    count += lengths[r]!;
  }
  if (count !== msg.count) throw new LabelToolError(`decodeEdit: runs cover ${count} voxels, message says ${msg.count}`);
  for (const [name, rv] of [['before', before], ['after', after]] as const) {
    if (rv.values.length !== rv.counts.length) {
      throw new LabelToolError(`decodeEdit: ${name} has ${rv.values.length} values but ${rv.counts.length} counts`);
    }
    let total = 0;
    for (let k = 0; k < rv.counts.length; k++) total += rv.counts[k]!;
    if (total !== count) throw new LabelToolError(`decodeEdit: ${name} values cover ${total} voxels, runs ${count}`);
  }
  return { starts, lengths, before, after, count };
}
