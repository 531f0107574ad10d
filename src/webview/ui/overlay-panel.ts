// The overlay side panel: per overlay, visibility and opacity; for labels, outline mode and per-label visibility
// with the colour swatches; for probability maps, the threshold.
import type { OverlayData } from '../model/overlay-store';
import type { RenderSources } from '../render/frame-inputs';
import { colorOfLabel, nameOfLabel } from '../render/label-palette';
import type { OverlayLayerState, ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';
import type { VscodeCheckbox } from './elements';

export interface OverlayActions {
  setOverlay(name: string, patch: Partial<OverlayLayerState>): void;
  toggleLabel(name: string, label: number, shown: boolean): void;
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
    container.hidden = true;
  }

  update(state: ViewerState, sources: RenderSources): void {
    const items = state.overlays.map((layer) => ({ layer, data: sources.overlay(layer.name) }));
    const signature = items.map(({ layer, data }) => `${layer.kind}:${layer.name}:${data?.id ?? 0}`).join('|');
    if (signature !== this.signature) this.rebuild(items);
    this.signature = signature;
    for (const { layer } of items) {
      const c = this.controls.get(layer.name);
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

  private rebuild(items: readonly { layer: OverlayLayerState; data: OverlayData | undefined }[]): void {
    this.controls.clear();
    const sections = items.map(({ layer, data }, n) => this.section(layer, data, n));
    this.container.replaceChildren(el('div', { className: 'swv-side-title', text: 'Overlays' }), ...sections);
    this.container.hidden = items.length === 0;
  }

  private section(layer: OverlayLayerState, data: OverlayData | undefined, n: number): HTMLElement {
    const { actions } = this;
    const name = layer.name;
    const visible = el('vscode-checkbox', { id: `swv-overlay-${n}-visible`, attrs: { label: name } }) as VscodeCheckbox;
    visible.addEventListener('change', () => actions.setOverlay(name, { visible: visible.checked }));
    const [opacity, opacityText, opacityRow] = range(`swv-overlay-${n}-opacity`, 'Opacity', (v) => actions.setOverlay(name, { opacity: v }));
    const controls: { -readonly [K in keyof Controls]: Controls[K] } = { visible, opacity, opacityText, labels: new Map() };
    const children: HTMLElement[] = [visible, opacityRow];
    if (layer.kind === 'labels') {
      const outline = el('vscode-checkbox', { id: `swv-overlay-${n}-outline`, attrs: { label: 'Outline only' } }) as VscodeCheckbox;
      outline.addEventListener('change', () => actions.setOverlay(name, { outline: outline.checked }));
      controls.outline = outline;
      children.push(outline);
      if (data?.kind === 'labels') {
        for (const label of data.labels) {
          const swatch = el('span', { className: 'swv-swatch' });
          const [r, g, b] = colorOfLabel(data.colors, label);
          swatch.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
          const box = el('vscode-checkbox', {
            className: 'swv-label-toggle', attrs: { label: `${label} ${nameOfLabel(data.colors, label)}`, 'data-label': String(label) },
          }) as VscodeCheckbox;
          box.addEventListener('change', () => actions.toggleLabel(name, label, box.checked));
          controls.labels.set(label, box);
          children.push(el('div', { className: 'swv-label-row' }, [swatch, box]));
        }
      }
    } else {
      const [threshold, thresholdText, row] = range(`swv-overlay-${n}-threshold`, 'Threshold', (v) => actions.setOverlay(name, { threshold: v }));
      controls.threshold = threshold;
      controls.thresholdText = thresholdText;
      children.push(row);
    }
    this.controls.set(name, controls);
    return el('section', { className: 'swv-overlay', attrs: { 'data-overlay': name, 'data-kind': layer.kind } }, children);
  }
}

function setRange(input: HTMLInputElement, text: HTMLElement, value: number): void {
  if (document.activeElement !== input && Number(input.value) !== value) input.value = String(value);
  setText(text, value.toFixed(2));
}
