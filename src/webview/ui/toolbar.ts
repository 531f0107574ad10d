// The toolbar: layout, view, convention, channel, colour map, window preset and the numeric window/level, and help.
// It shows the state and reports the user's choices through `ToolbarActions`; it changes nothing itself.
import type { Convention, Layout } from '../../core/viewer-protocol/messages';
import type { PaneView } from '../geometry/views';
import { COLORMAPS, isColormap, type ColormapName } from '../render/colormaps';
import type { ViewerState, WindowPreset } from '../state/viewer-state';
import { el, setOptions } from './dom';
import type { VscodeSingleSelect, VscodeTextfield } from './elements';
import { formatValue } from './format';
import { editorHelpLines, HELP_LINES, helpText } from './help';

export interface ToolbarActions {
  setLayout(layout: Layout): void;
  setSingle(view: PaneView): void;
  setConvention(convention: Convention): void;
  selectChannel(index: number): void;
  setColormap(name: ColormapName): void;
  applyPreset(preset: Exclude<WindowPreset, 'custom'>): void;
  setWindowLevel(window: number, level: number): void;
}

function select(id: string, title: string, options: readonly { value: string; label: string }[]): VscodeSingleSelect {
  const s = el('vscode-single-select', { id, title, className: 'swv-select', attrs: { 'aria-label': title } });
  setOptions(s, options);
  return s;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  return el('label', { className: 'swv-field' }, [el('span', { className: 'swv-field-label', text }), control]);
}

export class Toolbar {
  private readonly layout = select('swv-layout', 'Layout', [
    { value: '1x1', label: '1×1' }, { value: '1x3', label: '1×3' }, { value: '2x2', label: '2×2' },
  ]);
  private readonly single = select('swv-single', 'View', [
    { value: 'axial', label: 'Axial' }, { value: 'coronal', label: 'Coronal' }, { value: 'sagittal', label: 'Sagittal' }, { value: '3d', label: '3D' },
  ]);
  private readonly convention = select('swv-convention', 'Display convention', [
    { value: 'radiological', label: 'Radiological' }, { value: 'neurological', label: 'Neurological' },
  ]);
  private readonly channel = select('swv-channel', 'Channel', []);
  private readonly colormap = select('swv-colormap', 'Colour map', COLORMAPS.map((c) => ({ value: c.name, label: c.title })));
  private readonly preset = select('swv-preset', 'Window preset', [
    { value: 'auto', label: 'Auto (0.5–99.5%)' }, { value: 'full', label: 'Full range' }, { value: 'custom', label: 'Custom' },
  ]);
  private readonly window = el('vscode-textfield', { id: 'swv-window', className: 'swv-number', title: 'Window width', attrs: { 'aria-label': 'Window width' } }) as VscodeTextfield;
  private readonly level = el('vscode-textfield', { id: 'swv-level', className: 'swv-number', title: 'Window level (centre)', attrs: { 'aria-label': 'Window level' } }) as VscodeTextfield;
  private readonly helpPanel: HTMLElement;
  private readonly helpButton: HTMLElement;
  private readonly editorHelp = el('div', { className: 'swv-help-editor', id: 'swv-help-editor' });
  private shortcutsShown = '';
  private readonly singleField: HTMLElement;
  private readonly channelField: HTMLElement;

  constructor(container: HTMLElement, private readonly actions: ToolbarActions, helpHost: HTMLElement) {
    this.singleField = labelled('View', this.single);
    this.channelField = labelled('Channel', this.channel);
    const helpButton = el('vscode-button', { id: 'swv-help-button', title: helpText(), attrs: { secondary: '', 'aria-label': 'Mouse and keys' } }, ['?']);
    this.helpButton = helpButton;
    this.helpPanel = el('div', { className: 'swv-help', id: 'swv-help', attrs: { role: 'note' } },
      [...HELP_LINES.map(([k, v]) => helpRow(k, v)), this.editorHelp]);
    this.helpPanel.hidden = true;
    helpHost.append(this.helpPanel);
    container.replaceChildren(
      labelled('Layout', this.layout), this.singleField, labelled('Convention', this.convention), this.channelField,
      labelled('Map', this.colormap), labelled('Window', this.preset),
      el('span', { className: 'swv-field-group' }, [labelled('W', this.window), labelled('L', this.level)]),
      el('span', { className: 'swv-spacer' }), helpButton,
    );
    const on = (node: HTMLElement, handler: (value: string) => void) =>
      node.addEventListener('change', (e) => handler((e.target as VscodeSingleSelect).value));
    on(this.layout, (v) => actions.setLayout(v as Layout));
    on(this.single, (v) => actions.setSingle(v as PaneView));
    on(this.convention, (v) => actions.setConvention(v as Convention));
    on(this.channel, (v) => actions.selectChannel(Number(v)));
    on(this.colormap, (v) => { if (isColormap(v)) actions.setColormap(v); });
    on(this.preset, (v) => { if (v === 'auto' || v === 'full') actions.applyPreset(v); });
    const numeric = () => actions.setWindowLevel(Number(this.window.value), Number(this.level.value));
    this.window.addEventListener('change', numeric);
    this.level.addEventListener('change', numeric);
    helpButton.addEventListener('click', () => { this.helpPanel.hidden = !this.helpPanel.hidden; });
  }

  update(state: ViewerState): void {
    const shortcuts = state.editor.shortcuts;
    const shown = JSON.stringify(shortcuts);
    if (shown !== this.shortcutsShown) {
      this.shortcutsShown = shown;
      this.editorHelp.replaceChildren(...editorHelpLines(shortcuts).map(([k, v]) => helpRow(k, v)));
      this.helpButton.title = helpText(shortcuts);
    }
    setValue(this.layout, state.layout);
    this.singleField.hidden = state.layout !== '1x1';
    setValue(this.single, state.single);
    setValue(this.convention, state.convention);
    const channels = state.doc.channels;
    this.channelField.hidden = channels.length < 2;
    setOptions(this.channel, channels.map((c) => ({ value: String(c.index), label: c.name })));
    setValue(this.channel, String(state.pendingChannel ?? state.channel));
    const display = state.displays[state.channel];
    if (!display) return;
    setValue(this.colormap, display.colormap);
    setValue(this.preset, display.preset);
    // Leave a field alone while the user is typing in it.
    const active = document.activeElement;
    if (active !== this.window) setValue(this.window, formatValue(display.window));
    if (active !== this.level) setValue(this.level, formatValue(display.level));
  }
}

function helpRow(key: string, what: string): HTMLElement {
  return el('div', { className: 'swv-help-row' }, [el('kbd', { text: key }), el('span', { text: what })]);
}

function setValue(node: VscodeSingleSelect | VscodeTextfield, value: string): void {
  if (node.value !== value) node.value = value;
}
