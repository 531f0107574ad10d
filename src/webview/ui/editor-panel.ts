// The mask tools' panel: where the mask saves (and a prominent notice when a mask beside the image was refused),
// the tool buttons with their configured keys, brush size and shape, threshold, fill options, interpolation,
// island removal and clearing a label (armed by a first click). It shows the state and reports choices through
// EditorPanelActions; it changes nothing itself.
import type { EditorAction } from '../../core/viewer-protocol/messages';
import { nameOfLabel } from '../render/label-palette';
import type { EditorState, EditorTool, FillMode, ViewerState } from '../state/viewer-state';
import { withShortcut } from '../tools/shortcuts';
import { el, setText } from './dom';
import { formatValue } from './format';

export interface EditorPanelActions {
  setTool(tool: EditorTool): void;
  setBrushRadius(mm: number): void;
  setBrush3d(on: boolean): void;
  setThreshold(patch: Partial<EditorState['threshold']>): void;
  setFill(patch: Partial<EditorState['fill']>): void;
  setIslands(patch: { islandsMin?: number; islandsAllLabels?: boolean }): void;
  interpolate(): void;
  removeIslands(): void;
  clearLabel(): void;
}

const TOOLS: readonly { tool: EditorTool; title: string }[] = [
  { tool: 'navigate', title: 'Navigate' }, { tool: 'brush', title: 'Brush' }, { tool: 'eraser', title: 'Eraser' }, { tool: 'fill', title: 'Fill' },
];

/** How long the armed "clear label" button waits for its confirming second click. */
const CLEAR_CONFIRM_MS = 5000;

function numberInput(id: string, label: string, step: string): HTMLInputElement {
  return el('input', { id, className: 'swv-num', attrs: { type: 'number', step, 'aria-label': label } });
}

function checkbox(id: string): HTMLInputElement {
  return el('input', { id, attrs: { type: 'checkbox' } });
}

function row(...children: (Node | string)[]): HTMLElement {
  return el('div', { className: 'swv-editor-row' }, children);
}

/** Writes a field unless the user is typing in it. */
function show(input: HTMLInputElement, value: string): void {
  if (document.activeElement !== input && input.value !== value) input.value = value;
}

function check(input: HTMLInputElement, on: boolean): void {
  if (input.checked !== on) input.checked = on;
}

export class EditorPanel {
  readonly root: HTMLElement;
  private readonly refused = el('div', { id: 'swv-mask-refused', className: 'swv-mask-refused', attrs: { role: 'alert' } });
  private readonly file = el('div', { id: 'swv-mask-file', className: 'swv-mask-file' });
  private readonly toolButtons = new Map<EditorTool, HTMLButtonElement>();
  private readonly radius = numberInput('swv-brush-radius', 'Brush radius in mm', '0.5');
  private readonly radiusLabel = el('label', { id: 'swv-brush-radius-label', attrs: { for: 'swv-brush-radius' } });
  private readonly brush3d = checkbox('swv-brush-3d');
  private readonly brush3dLabel = el('label', { attrs: { for: 'swv-brush-3d' } });
  private readonly threshold = checkbox('swv-threshold-enabled');
  private readonly thresholdLabel = el('label', { attrs: { for: 'swv-threshold-enabled' } });
  private readonly thresholdLo = numberInput('swv-threshold-lo', 'Threshold low', 'any');
  private readonly thresholdHi = numberInput('swv-threshold-hi', 'Threshold high', 'any');
  private readonly fillMode = el('select', { id: 'swv-fill-mode', attrs: { 'aria-label': 'Fill spreads through' } });
  private readonly fillTolerance = numberInput('swv-fill-tolerance', 'Fill tolerance', 'any');
  private readonly fillLo = numberInput('swv-fill-lo', 'Fill range low', 'any');
  private readonly fillHi = numberInput('swv-fill-hi', 'Fill range high', 'any');
  private readonly fill3d = checkbox('swv-fill-3d');
  private readonly interpolateButton = el('button', { id: 'swv-interpolate', className: 'swv-button' });
  private readonly islandsMin = numberInput('swv-islands-min', 'Smallest island kept, voxels', '1');
  private readonly islandsAll = checkbox('swv-islands-all');
  private readonly islandsButton = el('button', { id: 'swv-remove-islands', className: 'swv-button', text: 'Remove islands' });
  private readonly clearButton = el('button', { id: 'swv-clear-label', className: 'swv-button swv-danger' });
  private readonly note = el('div', { id: 'swv-editor-note', className: 'swv-editor-note', attrs: { role: 'status' } });
  private clearArmedUntil = 0;
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly actions: EditorPanelActions) {
    for (const { tool } of TOOLS) {
      const b = el('button', { id: `swv-tool-${tool}`, className: 'swv-tool-button', attrs: { 'data-tool': tool, 'aria-pressed': 'false' } });
      b.addEventListener('click', () => actions.setTool(tool));
      this.toolButtons.set(tool, b);
    }
    for (const [value, text] of [['tolerance', 'Seed ± tolerance'], ['range', 'Range [lo, hi]'], ['label', 'Same label as seed']] as const) {
      this.fillMode.append(el('option', { text, attrs: { value } }));
    }
    const num = (input: HTMLInputElement, f: (v: number) => void) => input.addEventListener('change', () => {
      const v = Number(input.value);
      if (input.value.trim() !== '' && Number.isFinite(v)) f(v);
    });
    num(this.radius, (v) => actions.setBrushRadius(v));
    this.brush3d.addEventListener('change', () => actions.setBrush3d(this.brush3d.checked));
    this.threshold.addEventListener('change', () => actions.setThreshold({ enabled: this.threshold.checked }));
    num(this.thresholdLo, (lo) => actions.setThreshold({ lo }));
    num(this.thresholdHi, (hi) => actions.setThreshold({ hi }));
    this.fillMode.addEventListener('change', () => actions.setFill({ mode: this.fillMode.value as FillMode }));
    num(this.fillTolerance, (tolerance) => actions.setFill({ tolerance }));
    num(this.fillLo, (lo) => actions.setFill({ lo }));
    num(this.fillHi, (hi) => actions.setFill({ hi }));
    this.fill3d.addEventListener('change', () => actions.setFill({ is3d: this.fill3d.checked }));
    this.interpolateButton.addEventListener('click', () => actions.interpolate());
    num(this.islandsMin, (v) => actions.setIslands({ islandsMin: Math.round(v) }));
    this.islandsAll.addEventListener('change', () => actions.setIslands({ islandsAllLabels: this.islandsAll.checked }));
    this.islandsButton.addEventListener('click', () => actions.removeIslands());
    this.clearButton.addEventListener('click', () => this.onClear());
    this.root = el('section', { id: 'swv-editor', className: 'swv-editor', attrs: { 'aria-label': 'Mask tools' } }, [
      el('div', { className: 'swv-side-title', text: 'Mask' }), this.refused, this.file,
      el('div', { className: 'swv-tools', attrs: { role: 'group', 'aria-label': 'Tool' } }, [...this.toolButtons.values()]),
      row(this.radiusLabel, this.radius),
      row(this.brush3d, this.brush3dLabel),
      row(this.threshold, this.thresholdLabel),
      row(this.thresholdLo, '–', this.thresholdHi),
      row(el('label', { text: 'Fill', attrs: { for: 'swv-fill-mode' } }), this.fillMode),
      row(el('label', { text: '±', attrs: { for: 'swv-fill-tolerance' } }), this.fillTolerance, this.fillLo, '–', this.fillHi),
      row(this.fill3d, el('label', { text: '3D fill', attrs: { for: 'swv-fill-3d' } })),
      row(this.interpolateButton),
      row(el('label', { text: 'Islands under', attrs: { for: 'swv-islands-min' } }), this.islandsMin, 'voxels'),
      row(this.islandsAll, el('label', { text: 'all labels', attrs: { for: 'swv-islands-all' } }), this.islandsButton),
      row(this.clearButton),
      this.note,
    ]);
  }

  /** The first click arms the button; a second within a few seconds clears (VS Code's undo still restores it). */
  private onClear(): void {
    if (performance.now() < this.clearArmedUntil) {
      this.disarm();
      this.actions.clearLabel();
      return;
    }
    this.clearArmedUntil = performance.now() + CLEAR_CONFIRM_MS;
    this.clearButton.dataset.armed = 'true';
    clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => this.disarm(), CLEAR_CONFIRM_MS);
    this.showClear();
  }

  private disarm(): void {
    this.clearArmedUntil = 0;
    delete this.clearButton.dataset.armed;
    clearTimeout(this.clearTimer);
    this.showClear();
  }

  private labelName = '';

  private showClear(): void {
    setText(this.clearButton, this.clearButton.dataset.armed ? `Click again to clear "${this.labelName}"` : `Clear "${this.labelName}"…`);
  }

  update(state: ViewerState): void {
    const e = state.editor;
    const keys = e.shortcuts;
    const key = (a: EditorAction) => keys[a];
    this.refused.hidden = !state.maskInfo.refused;
    setText(this.refused, state.maskInfo.refused
      ? `The mask beside the image was refused and will not be shown or written: ${state.maskInfo.refused}` : '');
    setText(this.file, `${state.maskInfo.file}${state.maskInfo.exists ? '' : ' (new mask, not saved yet)'}`);
    for (const { tool, title } of TOOLS) {
      const b = this.toolButtons.get(tool)!;
      setText(b, withShortcut(title, key(tool)));
      if (b.title !== b.textContent) b.title = b.textContent ?? '';
      b.setAttribute('aria-pressed', String(e.tool === tool));
    }
    document.body.dataset.tool = e.tool;
    setText(this.radiusLabel, `Radius, mm (${withShortcut('', key('brushSmaller')).trim()} ${withShortcut('', key('brushLarger')).trim()}, Shift+wheel)`);
    show(this.radius, String(e.brushRadiusMm));
    this.radius.dataset.value = String(e.brushRadiusMm);
    check(this.brush3d, e.brush3d);
    setText(this.brush3dLabel, withShortcut('3D sphere', key('toggleShape3d')));
    check(this.threshold, e.threshold.enabled);
    setText(this.thresholdLabel, withShortcut('Paint only within the image range', key('toggleThreshold')));
    show(this.thresholdLo, formatValue(e.threshold.lo));
    show(this.thresholdHi, formatValue(e.threshold.hi));
    if (this.fillMode.value !== e.fill.mode) this.fillMode.value = e.fill.mode;
    show(this.fillTolerance, formatValue(e.fill.tolerance));
    show(this.fillLo, formatValue(e.fill.lo));
    show(this.fillHi, formatValue(e.fill.hi));
    this.fillTolerance.disabled = e.fill.mode !== 'tolerance';
    this.fillLo.disabled = this.fillHi.disabled = e.fill.mode !== 'range';
    check(this.fill3d, e.fill.is3d);
    setText(this.interpolateButton, withShortcut(`Interpolate ${state.focused} slices`, key('interpolate')));
    show(this.islandsMin, String(e.islandsMin));
    check(this.islandsAll, e.islandsAllLabels);
    const name = nameOfLabel(e.labels, e.activeLabel);
    if (name !== this.labelName && this.clearButton.dataset.armed) this.disarm(); // armed for another label
    this.labelName = name;
    this.showClear();
    setText(this.note, e.note ?? '');
  }
}
