// The host's copy of a document's labels and the edits on it. Panels paint their own copies and send each stroke
// as a LabelEdit; the host's copy is the truth that Save writes, so an edit made against a stale copy (a stroke
// racing an undo) is rebuilt from the host's own values instead of trusting the panel's `before` values.
import {
  applyEdit, decodeEdit, decodeRunValues, editFromChanges, editIndices, revertEdit, type EncodedLabelEdit, type LabelEdit,
} from '../../core/labels/label-edit';

export type IncomingEdit =
  | { readonly kind: 'malformed'; readonly problem: string }
  | { readonly kind: 'empty' }
  /** `rebuilt`: the panel's before values were not the host's, so the sender's copy needs a resync. */
  | { readonly kind: 'applied'; readonly edit: LabelEdit; readonly rebuilt: boolean }
  /** The panel's values were stale and nothing actually changes on the host: only the resync remains. */
  | { readonly kind: 'stale-noop' };

export class LabelMask {
  /** uint8 labels in RAS layout, on the image's grid. */
  private voxels: Uint8Array;

  constructor(data: Uint8Array) {
    this.voxels = data;
  }

  get data(): Uint8Array {
    return this.voxels;
  }

  /** A fresh copy for a message: posted buffers are transferred, and must never be the host's own. */
  copyBuffer(): ArrayBuffer {
    return this.voxels.slice().buffer as ArrayBuffer;
  }

  replace(data: Uint8Array): void {
    if (data.length !== this.voxels.length) {
      throw new Error(`a mask of ${data.length} voxels cannot replace one of ${this.voxels.length}`);
    }
    this.voxels = data;
  }

  /** Validates, reconciles and applies one edit from a panel. Never throws. */
  applyIncoming(message: unknown): IncomingEdit {
    let edit: LabelEdit;
    try {
      edit = decodeEdit(message as EncodedLabelEdit);
    } catch (err) {
      return { kind: 'malformed', problem: (err as Error)?.message ?? String(err) };
    }
    if (edit.count === 0) return { kind: 'empty' };
    const last = edit.starts.length - 1;
    const end = edit.starts[last]! + edit.lengths[last]!;
    if (end > this.voxels.length) {
      return { kind: 'malformed', problem: `the edit reaches voxel ${end - 1} but the mask has ${this.voxels.length}` };
    }
    if (beforeMatches(this.voxels, edit)) {
      applyEdit(this.voxels, edit);
      return { kind: 'applied', edit, rebuilt: false };
    }
    const rebuilt = rebuildAgainst(this.voxels, edit);
    if (rebuilt.count === 0) return { kind: 'stale-noop' };
    applyEdit(this.voxels, rebuilt);
    return { kind: 'applied', edit: rebuilt, rebuilt: true };
  }

  undo(edit: LabelEdit): void {
    revertEdit(this.voxels, edit);
  }

  redo(edit: LabelEdit): void {
    applyEdit(this.voxels, edit);
  }
}

/** Whether every voxel the edit touches holds its `before` value, walking runs without expanding them. */
export function beforeMatches(mask: Uint8Array, edit: LabelEdit): boolean {
  const { values, counts } = edit.before;
  let vk = 0;
  let vLeft = counts[0] ?? 0;
  for (let r = 0; r < edit.starts.length; r++) {
    const end = edit.starts[r]! + edit.lengths[r]!;
    for (let i = edit.starts[r]!; i < end; i++) {
      while (vLeft === 0) vLeft = counts[++vk]!;
      if (mask[i] !== values[vk]) return false;
      vLeft--;
    }
  }
  return true;
}

/** The same target values, with the host's current values as `before`; voxels already at their target drop out. */
function rebuildAgainst(mask: Uint8Array, edit: LabelEdit): LabelEdit {
  const indices = editIndices(edit);
  const after = decodeRunValues(edit.after);
  let n = 0;
  const before = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const old = mask[indices[k]!]!;
    if (old === after[k]) continue;
    indices[n] = indices[k]!;
    before[n] = old;
    after[n] = after[k]!;
    n++;
  }
  return editFromChanges(indices.subarray(0, n), before.subarray(0, n), after.subarray(0, n));
}
