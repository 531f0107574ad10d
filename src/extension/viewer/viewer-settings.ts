// The viewer's settings (swinfuse.viewer.*, swinfuse.editor.*), read with defaults so a hand-edited, invalid value
// never reaches the webview: it falls back to the default (or the entry is dropped) and the log says so.
import {
  DEFAULT_EDITOR_SETTINGS, DEFAULT_SHORTCUTS, type Convention, type EditorAction, type EditorSettings, type LabelColor,
  type Layout, type ViewerSettings,
} from '../../core/viewer-protocol/messages';
import { canonicalShortcut } from '../../core/viewer-protocol/shortcut-keys';
import type { Logger } from './host-ports';

export const DEFAULT_VIEWER_SETTINGS: ViewerSettings = {
  convention: 'radiological', layout: '2x2', editor: DEFAULT_EDITOR_SETTINGS,
};

const CONVENTIONS: readonly Convention[] = ['radiological', 'neurological'];
const LAYOUTS: readonly Layout[] = ['1x1', '1x3', '2x2'];
const ACTIONS = Object.keys(DEFAULT_SHORTCUTS) as EditorAction[];

/** `get` reads one key below `swinfuse` ("viewer.layout", "editor.labels"), as WorkspaceConfiguration.get. */
export function readViewerSettings(get: (key: string) => unknown, log?: Logger): ViewerSettings {
  return {
    convention: pick(get('viewer.convention'), CONVENTIONS, DEFAULT_VIEWER_SETTINGS.convention, 'viewer.convention', log),
    layout: pick(get('viewer.layout'), LAYOUTS, DEFAULT_VIEWER_SETTINGS.layout, 'viewer.layout', log),
    editor: {
      labels: readLabels(get('editor.labels'), log),
      shortcuts: readShortcuts(get('editor.shortcuts'), log),
    },
  };
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string, log?: Logger): T {
  if (value === undefined || value === null) return fallback;
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  log?.warn(`swinfuse.${key}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}; using ${fallback}`);
  return fallback;
}

/** One entry of swinfuse.editor.labels as settings.json holds it. */
export interface LabelSetting {
  readonly label: number;
  readonly name: string;
  readonly color: string;
}

const HEX_COLOR = /^#([0-9a-f]{6})$/i;

/**
 * swinfuse.editor.labels: entries with a label 1..255, a name and a "#rrggbb" colour. Invalid entries and repeats
 * of a label are dropped (the digit keys pick labels by place, so a repeat would shadow one); an unusable list
 * gives the BraTS defaults.
 */
export function readLabels(value: unknown, log?: Logger): readonly LabelColor[] {
  if (value === undefined || value === null) return DEFAULT_EDITOR_SETTINGS.labels;
  if (!Array.isArray(value)) {
    log?.warn(`swinfuse.editor.labels: ${preview(value)} is not a list of labels; using the BraTS labels`);
    return DEFAULT_EDITOR_SETTINGS.labels;
  }
  const labels: LabelColor[] = [];
  value.forEach((entry, i) => {
    const problem = labelProblem(entry, labels);
    if (problem) {
      log?.warn(`swinfuse.editor.labels[${i}]: ${preview(entry)} ${problem}; ignored`);
      return;
    }
    const { label, name, color } = entry as LabelSetting;
    const hex = HEX_COLOR.exec(color)![1]!;
    const rgb = [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
    labels.push({ label, name: name.trim(), rgb });
  });
  if (labels.length === 0) {
    log?.warn('swinfuse.editor.labels: no valid label; using the BraTS labels');
    return DEFAULT_EDITOR_SETTINGS.labels;
  }
  return labels;
}

function labelProblem(entry: unknown, accepted: readonly LabelColor[]): string | undefined {
  const e = entry as Partial<Record<keyof LabelSetting, unknown>> | null;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'is not an object with label, name and color';
  if (!Number.isInteger(e.label) || (e.label as number) < 1 || (e.label as number) > 255) {
    return 'has no label 1..255 (0 is the background)';
  }
  if (typeof e.name !== 'string' || e.name.trim() === '') return 'has no name';
  if (typeof e.color !== 'string' || !HEX_COLOR.test(e.color)) return 'has no color of the form "#rrggbb"';
  if (accepted.some((l) => l.label === e.label)) return `repeats label ${e.label as number}`;
  return undefined;
}

/** What the webview's setLabels becomes in settings.json, or why it cannot be stored. */
export function labelsToSetting(labels: unknown): { value: LabelSetting[] } | { problem: string } {
  if (!Array.isArray(labels)) return { problem: 'the labels are not a list' };
  const value: LabelSetting[] = [];
  for (const [i, entry] of labels.entries()) {
    const l = entry as Partial<LabelColor> | null;
    const rgb = l?.rgb;
    if (!Array.isArray(rgb) || rgb.length !== 3 || !rgb.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
      return { problem: `label ${i} has no colour of three integers 0..255` };
    }
    const color = `#${rgb.map((c: number) => c.toString(16).padStart(2, '0')).join('')}`;
    const setting = { label: l!.label as number, name: typeof l!.name === 'string' ? l!.name.trim() : (l!.name as never), color };
    const problem = labelProblem(setting, value.map((v) => ({ label: v.label, name: v.name, rgb: [0, 0, 0] })));
    if (problem) return { problem: `label ${i} ${problem}` };
    value.push(setting);
  }
  if (value.length === 0) return { problem: 'the list is empty' };
  return { value };
}

// A key is KeyboardEvent.key with optional Shift+/Alt+; Ctrl/Cmd belong to VS Code, and the digits 1..9 always
// pick labels, so neither can be a tool's shortcut.
const KEY = /^((shift|alt)\+)*([^+\s]|\+|[a-z][a-z0-9]+)$/i;

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return 'is not a key';
  if (/^((shift|alt)\+)*(ctrl|control|cmd|meta)\+/i.test(key)) return 'uses Ctrl or Cmd, which VS Code keeps for its own commands';
  if (!KEY.test(key)) return 'is not a key (e.g. "b", "]", "Shift+d", "ArrowUp")';
  if (/^[1-9]$/.test(key)) return 'is a digit, which picks a label';
  return undefined;
}

/** The defaults with the valid entries of swinfuse.editor.shortcuts over them; no key ends up on two actions. */
export function readShortcuts(value: unknown, log?: Logger): Readonly<Record<EditorAction, string>> {
  if (value === undefined || value === null) return DEFAULT_SHORTCUTS;
  if (typeof value !== 'object' || Array.isArray(value)) {
    log?.warn(`swinfuse.editor.shortcuts: ${preview(value)} is not an object of action → key; using the default keys`);
    return DEFAULT_SHORTCUTS;
  }
  const own: Partial<Record<EditorAction, string>> = {};
  for (const [action, key] of Object.entries(value as Record<string, unknown>)) {
    if (!(ACTIONS as string[]).includes(action)) {
      log?.warn(`swinfuse.editor.shortcuts: "${action}" is not an action (${ACTIONS.join(', ')}); ignored`);
      continue;
    }
    const problem = keyProblem(key);
    if (problem) log?.warn(`swinfuse.editor.shortcuts.${action}: ${preview(key)} ${problem}; keeping "${DEFAULT_SHORTCUTS[action as EditorAction]}"`);
    else own[action as EditorAction] = key as string;
  }
  // Defaults never collide, so dropping a colliding own key (in action order, deterministic) always ends the loop.
  for (;;) {
    const merged = { ...DEFAULT_SHORTCUTS, ...own };
    const holder = new Map<string, EditorAction>();
    let clash: [EditorAction, EditorAction] | undefined;
    for (const action of ACTIONS) {
      const k = canonicalShortcut(merged[action]);
      const other = holder.get(k);
      if (other) {
        clash = [other, action];
        break;
      }
      holder.set(k, action);
    }
    if (!clash) return merged;
    const drop = clash[1] in own ? clash[1] : clash[0];
    const other = drop === clash[1] ? clash[0] : clash[1];
    log?.warn(`swinfuse.editor.shortcuts.${drop}: "${own[drop]}" is already the key of ${other}; keeping "${DEFAULT_SHORTCUTS[drop]}"`);
    delete own[drop];
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export type { EditorSettings };
