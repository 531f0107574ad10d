// The label picker: the editor's labels with their digit keys, colours and names. Picking sets the active label;
// renaming, recolouring or adding a label (1..255) sends the new list to the host, which stores it in settings.
import type { LabelColor } from '../../core/viewer-protocol/messages';
import { colorOfLabel } from '../render/label-palette';
import { withLabel } from '../state/editor-actions';
import type { ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';

export interface LabelsPanelActions {
  pickLabel(label: number): void;
  setLabels(labels: readonly LabelColor[]): void;
}

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

function rgbOf(text: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : null;
}

export class LabelsPanel {
  readonly root: HTMLElement;
  private readonly list = el('div', { id: 'swv-labels', className: 'swv-labels', attrs: { role: 'listbox', 'aria-label': 'Labels' } });
  private readonly newValue = el('input', { id: 'swv-new-label', className: 'swv-num', attrs: { type: 'number', min: '1', max: '255', step: '1', 'aria-label': 'New label value' } });
  private readonly addButton = el('button', { id: 'swv-add-label', className: 'swv-button', text: 'Add label' });
  private readonly error = el('div', { id: 'swv-labels-error', className: 'swv-editor-note' });
  private signature = '';
  private labels: readonly LabelColor[] = [];

  constructor(private readonly actions: LabelsPanelActions) {
    this.addButton.addEventListener('click', () => this.add());
    this.root = el('section', { className: 'swv-labels-panel' }, [
      el('div', { className: 'swv-side-title', text: 'Labels' }), this.list,
      el('div', { className: 'swv-editor-row' }, [this.newValue, this.addButton]), this.error,
    ]);
  }

  private add(): void {
    const value = Number(this.newValue.value);
    if (!Number.isInteger(value) || value < 1 || value > 255) {
      setText(this.error, 'A label is a whole number from 1 to 255.');
      return;
    }
    if (this.labels.some((l) => l.label === value)) {
      setText(this.error, `Label ${value} is already in the list.`);
      return;
    }
    setText(this.error, '');
    this.newValue.value = '';
    this.actions.setLabels(withLabel(this.labels, { label: value, name: `label ${value}`, rgb: colorOfLabel([], value) }));
    this.actions.pickLabel(value);
  }

  update(state: ViewerState): void {
    const { labels, activeLabel } = state.editor;
    this.labels = labels;
    const signature = labels.map((l) => `${l.label}=${l.name}=${l.rgb.join('.')}`).join('|');
    if (signature !== this.signature) {
      this.signature = signature;
      this.list.replaceChildren(...labels.map((l, i) => this.item(l, i)));
    }
    for (const item of Array.from(this.list.children)) {
      const selected = String(Number((item as HTMLElement).dataset.label) === activeLabel);
      if (item.getAttribute('aria-selected') !== selected) item.setAttribute('aria-selected', selected);
    }
  }

  private item(entry: LabelColor, place: number): HTMLElement {
    const key = el('span', { className: 'swv-label-key', text: place < 9 ? String(place + 1) : '' , title: place < 9 ? `Key ${place + 1}` : '' });
    const value = el('span', { className: 'swv-label-value', text: String(entry.label) });
    const color = el('input', { className: 'swv-label-color', attrs: { type: 'color', 'data-role': 'color', 'aria-label': `Colour of label ${entry.label}` } });
    color.value = hex(entry.rgb);
    const name = el('input', { className: 'swv-label-name', attrs: { type: 'text', 'data-role': 'name', 'aria-label': `Name of label ${entry.label}` } });
    name.value = entry.name;
    const item = el('div', {
      className: 'swv-label-item', attrs: { role: 'option', 'data-label': String(entry.label), 'aria-selected': 'false' },
    }, [key, color, value, name]);
    item.addEventListener('click', (e) => {
      if (e.target !== color && e.target !== name) this.actions.pickLabel(entry.label);
    });
    name.addEventListener('focus', () => this.actions.pickLabel(entry.label));
    name.addEventListener('change', () => {
      const text = name.value.trim();
      if (text && text !== entry.name) this.actions.setLabels(withLabel(this.labels, { ...entry, name: text }));
    });
    color.addEventListener('change', () => {
      const rgb = rgbOf(color.value);
      if (rgb && hex(rgb) !== hex(entry.rgb)) this.actions.setLabels(withLabel(this.labels, { ...entry, rgb }));
    });
    return item;
  }
}
