// Overlay volumes of one document: label maps (uint8) and probability maps (float32 0..1), RAS layout, by name.
import type { LabelColor, Overlay } from '../../core/viewer-protocol/messages';
import { labelColors, presentLabels } from '../render/label-palette';

export interface LabelsData {
  readonly kind: 'labels';
  readonly name: string;
  /** Distinct per data set, so caches can tell a replaced overlay from the old one. */
  readonly id: number;
  readonly data: Uint8Array;
  readonly colors: readonly LabelColor[];
  /** Label values present in the volume (0 excluded). */
  readonly labels: readonly number[];
}

export interface ProbabilityData {
  readonly kind: 'probability';
  readonly name: string;
  readonly id: number;
  readonly data: Float32Array;
}

export type OverlayData = LabelsData | ProbabilityData;

export class OverlayStore {
  private readonly byName = new Map<string, OverlayData>();
  private nextId = 1;

  constructor(private readonly voxels: number) {}

  set(overlay: Overlay): OverlayData {
    const id = this.nextId++;
    let data: OverlayData;
    if (overlay.kind === 'labels') {
      const voxels = new Uint8Array(overlay.data);
      this.check(overlay.name, voxels.length);
      const colors = labelColors(overlay.colors);
      const labels = [...new Set([...presentLabels(voxels), ...overlay.colors.map((c) => c.label)])].sort((a, b) => a - b);
      data = { kind: 'labels', name: overlay.name, id, data: voxels, colors, labels };
    } else {
      if (overlay.data.byteLength % 4 !== 0) throw new Error(`overlay "${overlay.name}": float32 data of ${overlay.data.byteLength} bytes`);
      const voxels = new Float32Array(overlay.data);
      this.check(overlay.name, voxels.length);
      data = { kind: 'probability', name: overlay.name, id, data: voxels };
    }
    this.byName.set(overlay.name, data);
    return data;
  }

  get(name: string): OverlayData | undefined {
    return this.byName.get(name);
  }

  /** Forgets an overlay and its voxels (a discarded or accepted proposal); false when there was none. */
  delete(name: string): boolean {
    return this.byName.delete(name);
  }

  /**
   * The same label voxels with another colour table (the picker's colours changed). A new id, so palette caches
   * keyed on it pick up the colours; the voxels are shared, not copied.
   */
  recolor(name: string, colors: readonly LabelColor[]): OverlayData | undefined {
    const old = this.byName.get(name);
    if (!old || old.kind !== 'labels') return old;
    const data: LabelsData = { ...old, id: this.nextId++, colors: labelColors(colors) };
    this.byName.set(name, data);
    return data;
  }

  dispose(): void {
    this.byName.clear();
  }

  private check(name: string, length: number): void {
    if (length !== this.voxels) throw new Error(`overlay "${name}" has ${length} voxels, the image ${this.voxels}`);
  }
}
