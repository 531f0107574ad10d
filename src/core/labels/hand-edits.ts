// Which voxels of a mask are the user's own work, so that accepting a model's proposal never overwrites them unless
// asked to: every voxel labelled when the mask was opened (or reverted), and every voxel a hand edit now in effect
// touched, erasures included. Kept as runs and as the edits themselves (the undo stack holds them anyway), so
// it costs memory in proportion to the labels and the edits, never a second volume.
import type { LabelEdit } from './label-edit';

export class HandEdits {
  private baselineStarts = new Uint32Array(0);
  private baselineLengths = new Uint32Array(0);
  private readonly active = new Set<LabelEdit>();

  constructor(private readonly voxels: number) {}

  /** The mask as opened, reverted or restored: its labelled voxels count as the user's. Forgets earlier edits. */
  setBaseline(mask: Uint8Array): void {
    if (mask.length !== this.voxels) throw new Error(`hand edits: a mask of ${mask.length} voxels, expected ${this.voxels}`);
    let runs = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0 && (i === 0 || mask[i - 1] === 0)) runs++;
    const starts = new Uint32Array(runs);
    const lengths = new Uint32Array(runs);
    let r = -1;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      if (i === 0 || mask[i - 1] === 0) starts[++r] = i;
      lengths[r]!++;
    }
    this.baselineStarts = starts;
    this.baselineLengths = lengths;
    this.active.clear();
  }

  /** A hand edit was applied (or redone). */
  add(edit: LabelEdit): void {
    this.active.add(edit);
  }

  /** A hand edit was undone: its voxels are no longer the user's work (unless another edit or the baseline says so). */
  remove(edit: LabelEdit): void {
    this.active.delete(edit);
  }

  /** 1 where a voxel is the user's: a transient map for one accept, dropped afterwards. */
  map(): Uint8Array {
    const out = new Uint8Array(this.voxels);
    for (let r = 0; r < this.baselineStarts.length; r++) {
      out.fill(1, this.baselineStarts[r]!, this.baselineStarts[r]! + this.baselineLengths[r]!);
    }
    for (const edit of this.active) {
      for (let r = 0; r < edit.starts.length; r++) out.fill(1, edit.starts[r]!, edit.starts[r]! + edit.lengths[r]!);
    }
    return out;
  }

}
