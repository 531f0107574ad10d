// Text that comes out of a file (a state-dict key, a zip entry name, a global's name) goes into error messages that
// reach a terminal or a notification. There it must not act: a newline would forge another `error:` line, an ANSI
// escape would clear or colour the screen, a million characters would bury the message. So such text is shown with
// control characters as escapes and cut to a length a person reads.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with control characters written as escapes (`\n`, `\u001b`) and cut to `max` characters with "…". */
export function fileText(text: string, max = 120): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(CONTROL, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[c]
    ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${escaped}… (${text.length} characters)` : escaped;
}

/** A whole message made safe for one terminal line: control characters escaped, and at most `max` characters. */
export function oneLine(message: string, max = 2000): string {
  return fileText(message, max);
}
