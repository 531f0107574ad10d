// The overlay side panel: the edited mask's layer first, then per overlay, visibility and opacity; for labels,
// outline mode and per-label visibility with the colour swatches; for probability maps, the threshold.
import type { OverlayData } from '../model/overlay-store';
import type { RenderSources } from '../render/frame-inputs';
import { colorOfLabel, nameOfLabel } from '../render/label-palette';
import type { LabelColor } from '../../core/viewer-protocol/messages';
import type { LabelsLayerState, OverlayLayerState, ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';
import type { VscodeCheckbox } from './elements';

export interface OverlayActions {
  setOverlay(name: string, patch: Partial<OverlayLayerState>): void;
  toggleLabel(name: string, label: number, shown: boolean): void;
  setMaskLayer(patch: Partial<LabelsLayerState>): void;
  toggleMaskLabel(label: number, shown: boolean): void;
}

interface LayerHandlers {
  set(patch: Partial<OverlayLayerState>): void;
  toggle(label: number, shown: boolean): void;
}

/** The controls map's key of the mask section (overlay names are file names, never this). */
const MASK_KEY = '\u0000mask';

/** The mask's label rows: the picker's labels and any other label present in it. */
function maskLabels(state: ViewerState): number[] {
  const present = [];
  for (let l = 1; l < 256; l++) if (state.maskStats.counts[l]! > 0) present.push(l);
  return [...new Set([...state.editor.labels.map((c) => c.label), ...present])].sort((a, b) => a - b);
}

interface Controls {
  readonly visible: VscodeCheckbox;
  readonly opacity: HTMLInputElement;
  readonly opacityText: HTMLElement;
  readonly outline?: VscodeCheckbox;
  readonly threshold?: HTMLInputElement;
  readonly thresholdText?: HTMLElement;
  readonly labels: Map<number, VscodeCheckbox>;
}

function range(id: string, label: string, onInput: (v: number) => void): [HTMLInputElement, HTMLElement, HTMLElement] {
  const input = el('input', { id, className: 'swv-range', attrs: { type: 'range', min: '0', max: '1', step: '0.01', 'aria-label': label } });
  input.addEventListener('input', () => onInput(Number(input.value)));
  const text = el('span', { className: 'swv-range-value' });
  return [input, text, el('label', { className: 'swv-range-row' }, [el('span', { text: label }), input, text])];
}

export class OverlayPanel {
  private signature = '';
  private readonly controls = new Map<string, Controls>();

  constructor(private readonly container: HTMLElement, private readonly actions: OverlayActions) {
  }

  update(state: ViewerState, sources: RenderSources): void {
    const items = state.overlays.map((layer) => ({ layer, data: sources.overlay(layer.name) }));
    const labels = maskLabels(state);
    const colors = state.editor.labels;
    const signature = `${state.maskLayer.name}:${labels.join(',')}:${colors.map((c) => `${c.label}=${c.name}=${c.rgb.join('.')}`).join(',')}|`
      + items.map(({ layer, data }) => `${layer.kind}:${layer.name}:${data?.id ?? 0}`).join('|');
    if (signature !== this.signature) this.rebuild(state.maskLayer, { labels, colors }, items);
    this.signature = signature;
    const all = [{ key: MASK_KEY, layer: state.maskLayer as OverlayLayerState }, ...items.map(({ layer }) => ({ key: layer.name, layer }))];
    for (const { key, layer } of all) {
      const c = this.controls.get(key);
      if (!c) continue;
      if (c.visible.checked !== layer.visible) c.visible.checked = layer.visible;
      setRange(c.opacity, c.opacityText, layer.opacity);
      if (layer.kind === 'labels') {
        if (c.outline && c.outline.checked !== layer.outline) c.outline.checked = layer.outline;
        for (const [label, box] of c.labels) {
          const shown = !layer.hidden.includes(label);
          if (box.checked !== shown) box.checked = shown;
        }
      } else if (c.threshold && c.thresholdText) {
        setRange(c.threshold, c.thresholdText, layer.threshold);
      }
    }
  }

  private rebuild(
    mask: LabelsLayerState, maskData: { labels: readonly number[]; colors: readonly LabelColor[] },
    items: readonly { layer: OverlayLayerState; data: OverlayData | undefined }[],
  ): void {
    this.controls.clear();
    const { actions } = this;
    const maskSection = this.section(mask, maskData, 'swv-mask', MASK_KEY, {
      set: (patch) => actions.setMaskLayer(patch as Partial<LabelsLayerState>), toggle: (l, shown) => actions.toggleMaskLabel(l, shown),
    });
    maskSection.classList.add('swv-mask-layer');
    const sections = items.map(({ layer, data }, n) => this.section(layer, data?.kind === 'labels' ? data : null, `swv-overlay-${n}`, layer.name, {
      set: (patch) => actions.setOverlay(layer.name, patch), toggle: (l, shown) => actions.toggleLabel(layer.name, l, shown),
    }));
    this.container.replaceChildren(el('div', { className: 'swv-side-title', text: 'Layers' }), maskSection, ...sections);
  }

  private section(
    layer: OverlayLayerState, data: { labels: readonly number[]; colors: readonly LabelColor[] } | null, prefix: string, key: string,
    on: LayerHandlers,
  ): HTMLElement {
    const name = layer.name;
    const visible = el('vscode-checkbox', { id: `${prefix}-visible`, attrs: { label: name } }) as VscodeCheckbox;
    visible.addEventListener('change', () => on.set({ visible: visible.checked }));
    const [opacity, opacityText, opacityRow] = range(`${prefix}-opacity`, 'Opacity', (v) => on.set({ opacity: v }));
    const controls: { -readonly [K in keyof Controls]: Controls[K] } = { visible, opacity, opacityText, labels: new Map() };
    const children: HTMLElement[] = [visible, opacityRow];
    if (layer.kind === 'labels') {
      const outline = el('vscode-checkbox', { id: `${prefix}-outline`, attrs: { label: 'Outline only' } }) as VscodeCheckbox;
      outline.addEventListener('change', () => on.set({ outline: outline.checked }));
      controls.outline = outline;
      children.push(outline);
      if (data) {
        for (const label of data.labels) {
          const swatch = el('span', { className: 'swv-swatch' });
          const [r, g, b] = colorOfLabel(data.colors, label);
          swatch.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
          const box = el('vscode-checkbox', {
            className: 'swv-label-toggle', attrs: { label: `${label} ${nameOfLabel(data.colors, label)}`, 'data-label': String(label) },
          }) as VscodeCheckbox;
          box.addEventListener('change', () => on.toggle(label, box.checked));
          controls.labels.set(label, box);
          children.push(el('div', { className: 'swv-label-row' }, [swatch, box]));
        }
      }
    } else {
      const [threshold, thresholdText, row] = range(`${prefix}-threshold`, 'Threshold', (v) => on.set({ threshold: v }));
      controls.threshold = threshold;
      controls.thresholdText = thresholdText;
      children.push(row);
    }
    this.controls.set(key, controls);
    return el('section', { className: 'swv-overlay', attrs: { 'data-overlay': name, 'data-kind': layer.kind } }, children);
  }
}

function setRange(input: HTMLInputElement, text: HTMLElement, value: number): void {
  if (document.activeElement !== input && Number(input.value) !== value) input.value = String(value);
  setText(text, value.toFixed(2));
}
