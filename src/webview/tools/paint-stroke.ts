// One brush or eraser stroke: dabs are written into the mask as the pointer moves (the user sees them at once),
// and the stroke becomes ONE edit when it ends. Only each voxel's value before its first change is remembered
// (keyed by index), so a long stroke costs O(voxels it changed), never a re-composition of all dabs per move.
import { editFromChanges, type LabelEdit } from '../../core/labels/label-edit';
import { setValues, type SetConstraint } from '../../core/labels/set-values';
import { disk, sphere } from '../../core/labels/shapes';
import type { Plane, Shape, Spacing, Voxel } from '../../core/labels/volume';

export interface StrokeSpec {
  readonly mask: Uint8Array;
  readonly shape: Shape;
  readonly spacing: Spacing;
  /** The label written (0 for the eraser). */
  readonly value: number;
  readonly radiusMm: number;
  /** Disk in this plane; sphere when null. */
  readonly plane: Plane | null;
  readonly constraint: SetConstraint;
}

export class PaintStroke {
  private readonly before = new Map<number, number>();
  private last: Voxel | null = null;

  constructor(readonly spec: StrokeSpec) {}

  /**
   * Paints from the previous dab to `center` (a voxel), with dabs every half radius along the way so a fast
   * pointer leaves no gaps. Returns the dabs' edits, for the caller to mark changed slices and update stats.
   */
  moveTo(center: Voxel): LabelEdit[] {
    const from = this.last;
    this.last = center;
    if (!from) return this.dab(center);
    const { spacing, radiusMm } = this.spec;
    const mm = Math.hypot(...[0, 1, 2].map((a) => (center[a]! - from[a]!) * spacing[a]!));
    const steps = Math.ceil(mm / Math.max(radiusMm / 2, Math.min(...spacing) / 2));
    const edits: LabelEdit[] = [];
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      const at = [0, 1, 2].map((a) => Math.round(from[a]! + (center[a]! - from[a]!) * t)) as unknown as Voxel;
      edits.push(...this.dab(at));
    }
    return edits;
  }

  private dab(center: Voxel): LabelEdit[] {
    const { mask, shape, spacing, value, radiusMm, plane, constraint } = this.spec;
    const indices = plane ? disk(center, radiusMm, plane, shape, spacing) : sphere(center, radiusMm, shape, spacing);
    const edit = setValues(mask, indices, value, constraint);
    if (edit.count === 0) return [];
    // edit.before holds the values just overwritten; keep only a voxel's first (its value before the stroke).
    let r = 0, rLeft = edit.before.counts[0] ?? 0;
    for (let run = 0; run < edit.starts.length; run++) {
      const start = edit.starts[run]!;
      for (let k = 0; k < edit.lengths[run]!; k++) {
        while (rLeft === 0) rLeft = edit.before.counts[++r]!;
        rLeft--;
        const i = start + k;
        if (!this.before.has(i)) this.before.set(i, edit.before.values[r]!);
      }
    }
    return [edit];
  }

  /** The whole stroke as one edit: voxels that ended where they started are left out. */
  finish(): LabelEdit {
    const indices = Uint32Array.from(this.before.keys()).sort();
    const before = new Uint8Array(indices.length);
    const after = new Uint8Array(indices.length);
    let n = 0;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const b = this.before.get(i)!;
      const a = this.spec.mask[i]!;
      if (a === b) continue;
      indices[n] = i;
      before[n] = b;
      after[n] = a;
      n++;
    }
    return editFromChanges(indices.subarray(0, n), before.subarray(0, n), after.subarray(0, n));
  }
}
