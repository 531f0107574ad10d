// The editable mask of one document (one store per session, never shared): the panel's copy of the host's label
// volume, painted on directly so strokes need no round trip. Every slice along each axis carries the revision of
// the last change that touched it, so the renderer re-extracts a view's label slice only when that slice changed.
import { applyEdit, type LabelEdit } from '../../core/labels/label-edit';

/** Voxel bounds (inclusive, RAS layout) of the changes after some revision, or 'all' when they are not known. */
export type ChangedBox = { readonly lo: readonly [number, number, number]; readonly hi: readonly [number, number, number] } | 'all';

// Enough for the dabs of the frames a renderer can fall behind by; older changes mean "redraw everything".
const LOG_LENGTH = 64;

export class MaskStore {
  data: Uint8Array;
  /** Changes with every replacement of the whole volume (render caches key on it). */
  id: number;
  /** Bumped by every change. */
  revision = 0;
  private readonly sliceRevisions: [Uint32Array, Uint32Array, Uint32Array];
  /** The bounds of recent changes, oldest first, so a pane can redraw only the part a dab touched. */
  private readonly log: { readonly revision: number; readonly lo: [number, number, number]; readonly hi: [number, number, number] }[] = [];
  /** Changes up to this revision are not in the log. */
  private logFloor = 0;
  private static nextId = 1;

  constructor(readonly shape: readonly [number, number, number], buffer: ArrayBuffer) {
    this.data = MaskStore.check(shape, buffer);
    this.id = MaskStore.nextId++;
    this.sliceRevisions = [new Uint32Array(shape[0]), new Uint32Array(shape[1]), new Uint32Array(shape[2])];
  }

  private static check(shape: readonly number[], buffer: ArrayBuffer): Uint8Array {
    const n = shape[0]! * shape[1]! * shape[2]!;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== n) {
      throw new Error(`the mask has ${(buffer as ArrayBuffer | undefined)?.byteLength ?? 0} voxels, the image ${n}`);
    }
    return new Uint8Array(buffer);
  }

  /** Revert or resync: the whole volume replaced. */
  replace(buffer: ArrayBuffer): void {
    this.data = MaskStore.check(this.shape, buffer);
    this.id = MaskStore.nextId++;
    this.revision++;
    this.log.length = 0;
    this.logFloor = this.revision;
  }

  /** Applies an edit from the host (undo, redo, another panel) to the copy. */
  apply(edit: LabelEdit): void {
    applyEdit(this.data, edit);
    this.touched(edit);
  }

  /** Records that `edit` (already written into `data`) changed its voxels' slices. O(changed voxels). */
  touched(edit: LabelEdit): void {
    if (edit.count === 0) return;
    const rev = ++this.revision;
    const [X, Y] = this.shape;
    const XY = X * Y;
    const [rx, ry, rz] = this.sliceRevisions;
    const lo: [number, number, number] = [Infinity, Infinity, Infinity];
    const hi: [number, number, number] = [-1, -1, -1];
    for (let r = 0; r < edit.starts.length; r++) {
      const start = edit.starts[r]!;
      const end = start + edit.lengths[r]!;
      for (let i = start; i < end; i++) {
        const z = (i / XY) | 0;
        const rem = i - z * XY;
        const y = (rem / X) | 0;
        const x = rem - y * X;
        rx[x] = rev;
        ry[y] = rev;
        rz[z] = rev;
        if (x < lo[0]) lo[0] = x;
        if (x > hi[0]) hi[0] = x;
        if (y < lo[1]) lo[1] = y;
        if (y > hi[1]) hi[1] = y;
        if (z < lo[2]) lo[2] = z;
        if (z > hi[2]) hi[2] = z;
      }
    }
    this.log.push({ revision: rev, lo, hi });
    if (this.log.length > LOG_LENGTH) this.logFloor = this.log.shift()!.revision;
  }

  /** The bounds of every change after revision `since` (a renderer's last drawn revision). */
  changedSince(since: number): ChangedBox {
    if (since < this.logFloor) return 'all';
    const lo: [number, number, number] = [Infinity, Infinity, Infinity];
    const hi: [number, number, number] = [-1, -1, -1];
    for (const entry of this.log) {
      if (entry.revision <= since) continue;
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a]!, entry.lo[a]!);
        hi[a] = Math.max(hi[a]!, entry.hi[a]!);
      }
    }
    return { lo, hi };
  }

  /** The revision of the last change to slice `index` along `axis` (0 when never changed since the last replace). */
  sliceRevision(axis: 0 | 1 | 2, index: number): number {
    return this.sliceRevisions[axis][index] ?? 0;
  }
}
