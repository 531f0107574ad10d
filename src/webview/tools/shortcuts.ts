// Key presses → the mask tools' actions (swinfuse.editor.shortcuts, parsed by core's shortcut-keys.ts), and how the
// keys are shown. Ctrl/Cmd combinations never match: VS Code owns undo, redo and save.
import type { EditorAction } from '../../core/viewer-protocol/messages';
import { parseShortcut, type ParsedKey } from '../../core/viewer-protocol/shortcut-keys';

export interface KeyLike { readonly key: string; readonly shiftKey: boolean; readonly altKey: boolean; readonly ctrlKey: boolean; readonly metaKey: boolean }

function matches(e: KeyLike, k: ParsedKey): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey !== k.alt || e.key.toLowerCase() !== k.key) return false;
  // Shift must match for letters ("b" is not "Shift+B"); symbols such as "?" or "{" need Shift to be typed at all.
  return k.shift ? e.shiftKey : !e.shiftKey || !/^[a-z]$/.test(k.key);
}

export function actionForKey(e: KeyLike, shortcuts: Readonly<Record<EditorAction, string>>): EditorAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  for (const [action, text] of Object.entries(shortcuts) as [EditorAction, string][]) {
    const k = parseShortcut(text);
    if (k && matches(e, k)) return action;
  }
  return null;
}

/** How a key is shown on buttons and in the help: "B", "Shift+B", "[". */
export function shortcutLabel(text: string | undefined): string {
  const k = text ? parseShortcut(text) : null;
  if (!k) return '';
  const key = k.key.length === 1 ? k.key.toUpperCase() : k.key[0]!.toUpperCase() + k.key.slice(1);
  return `${k.alt ? 'Alt+' : ''}${k.shift ? 'Shift+' : ''}${key}`;
}

/** "Brush (B)", or just "Brush" when the action has no key. */
export function withShortcut(title: string, text: string | undefined): string {
  const label = shortcutLabel(text);
  return label ? `${title} (${label})` : title;
}

/** Digits 1..9 pick the label at that place; null for any other key or with modifiers. */
export function labelPlaceForKey(e: KeyLike): number | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return /^[1-9]$/.test(e.key) ? Number(e.key) : null;
}
