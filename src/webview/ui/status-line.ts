// The status line: the voxel under the pointer (or the crosshair's), as the FILE stores it (through the host's
// reorientation plan), its world position (RAS, mm), the image value (scaled), and the overlays' values there.
import { flatIndex3, insideVolume, storedIndexOf, worldOf } from '../geometry/voxel-coords';
import type { RenderSources } from '../render/frame-inputs';
import { nameOfLabel } from '../render/label-palette';
import { pointedVoxel } from '../state/derived';
import type { ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';
import { formatMm, formatValue } from './format';

export class StatusLine {
  private readonly where = el('span', { className: 'swv-status-where', id: 'swv-status-where' });
  private readonly voxel = el('span', { className: 'swv-status-voxel', id: 'swv-status-voxel' });
  private readonly world = el('span', { className: 'swv-status-world', id: 'swv-status-world' });
  private readonly value = el('span', { className: 'swv-status-value', id: 'swv-status-value' });
  private readonly overlay = el('span', { className: 'swv-status-overlay', id: 'swv-status-overlay' });
  private readonly note = el('span', { className: 'swv-status-note', id: 'swv-status-note' });

  constructor(container: HTMLElement) {
    container.replaceChildren(this.where, this.voxel, this.world, this.value, this.overlay, this.note);
  }

  update(state: ViewerState, sources: RenderSources): void {
    const pointed = pointedVoxel(state);
    const at = pointed ?? state.cursor;
    const { doc } = state;
    setText(this.where, pointed ? 'Pointer' : 'Crosshair');
    if (!insideVolume(at, doc.shape)) return;
    const stored = storedIndexOf(doc.stored.plan, at);
    const fourD = doc.stored.shape.length > 3 && (doc.stored.shape[3] ?? 1) > 1 ? `, ${state.channel}` : '';
    setText(this.voxel, `voxel [${stored.join(', ')}${fourD}]`);
    this.voxel.dataset.index = stored.join(',');
    const w = worldOf(doc.affine, at);
    setText(this.world, `RAS (${w.map(formatMm).join(', ')}) mm`);
    const channel = sources.channel(state.channel);
    const flat = flatIndex3(doc.shape, at);
    if (channel) {
      const raw = channel.data[flat]!;
      const v = channel.scaling ? raw * channel.scaling.slope + channel.scaling.inter : raw;
      setText(this.value, `value ${formatValue(v)}`);
      this.value.dataset.value = String(v);
    }
    const parts: string[] = [];
    for (const layer of state.overlays) {
      if (!layer.visible) continue;
      const data = sources.overlay(layer.name);
      if (data?.kind === 'labels') {
        const l = data.data[flat]!;
        if (l > 0) parts.push(`${layer.name}: ${l} ${nameOfLabel(data.colors, l)}`);
      } else if (data?.kind === 'probability') {
        parts.push(`${layer.name}: ${formatValue(data.data[flat]!)}`);
      }
    }
    setText(this.overlay, parts.join(' · '));
    const pending = state.pendingChannel !== null ? `loading ${doc.channels.find((c) => c.index === state.pendingChannel)?.name ?? ''}…` : '';
    setText(this.note, state.message ?? pending);
  }
}
