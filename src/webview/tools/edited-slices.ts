// Which slices the user's strokes touched, per plane and label, most recent first: interpolation fills between the
// two most recently edited slices of a plane that have at least one slice between them.
import type { Plane } from '../../core/labels/volume';

export class EditedSlices {
  private readonly recent = new Map<string, number[]>();

  record(plane: Plane, label: number, slice: number): void {
    const key = `${plane}:${label}`;
    const list = (this.recent.get(key) ?? []).filter((k) => k !== slice);
    list.unshift(slice);
    this.recent.set(key, list.slice(0, 32));
  }

  /** The most recent slice and the most recent one at least 2 away from it, ascending; null when there is none. */
  pair(plane: Plane, label: number): [number, number] | null {
    const list = this.recent.get(`${plane}:${label}`) ?? [];
    const a = list[0];
    if (a === undefined) return null;
    const b = list.find((k) => Math.abs(k - a) >= 2);
    return b === undefined ? null : [Math.min(a, b), Math.max(a, b)];
  }

  slices(plane: Plane, label: number): readonly number[] {
    return this.recent.get(`${plane}:${label}`) ?? [];
  }

  clear(): void {
    this.recent.clear();
  }
}
