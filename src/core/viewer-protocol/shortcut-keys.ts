// The key format of swinfuse.editor.shortcuts, read the same way by the host (which rejects clashes) and the webview
// (which matches key presses): KeyboardEvent.key with optional "Shift+" / "Alt+" prefixes in any order,
// case-insensitive.

export interface ParsedKey {
  /** KeyboardEvent.key, lower-cased. */
  readonly key: string;
  readonly shift: boolean;
  readonly alt: boolean;
}

export function parseShortcut(text: string): ParsedKey | null {
  let rest = text.trim();
  let shift = false;
  let alt = false;
  for (;;) {
    const m = /^(shift|alt)\+(.+)$/i.exec(rest);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'shift') shift = true;
    else alt = true;
    rest = m[2]!;
  }
  return rest ? { key: rest.toLowerCase(), shift, alt } : null;
}

/** One spelling per key ("Shift+Alt+B" and "alt+shift+b" are the same), for finding two actions on one key. */
export function canonicalShortcut(text: string): string {
  const k = parseShortcut(text);
  return k ? `${k.alt ? 'alt+' : ''}${k.shift ? 'shift+' : ''}${k.key}` : text.trim().toLowerCase();
}
