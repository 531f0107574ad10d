// The checks on what Import Checkpoint… is told (model name, channel names, roi, DIM heads) and the default model
// name. Each returns the message the input box shows, or undefined when the text is acceptable.
import { basename } from 'node:path';
import type { ModelEntry } from './model-registry';

/** Windows refuses these as file names, whatever the extension. */
const RESERVED_NAMES = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

export function modelNameProblem(text: string, existing: readonly ModelEntry[]): string | undefined {
  const name = text.trim();
  if (!name) return 'Give the model a name.';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return 'Use letters, digits, - and _ only.';
  if (name.length > 64) return 'At most 64 characters.';
  if (RESERVED_NAMES.test(name)) return `"${name}" is a reserved file name on Windows.`;
  const bundled = existing.find((e) => e.origin === 'bundled' && sameName(e.name, name));
  if (bundled) return `A bundled model is named "${bundled.name}"; choose another name.`;
  return undefined;
}

export function channelNamesProblem(text: string, count: number): string | undefined {
  const names = splitNames(text);
  if (names.length !== count) return `Give ${count} name${count === 1 ? '' : 's'} separated by commas (got ${names.length}).`;
  if (names.some((n) => !n)) return 'A channel name is empty.';
  const lower = names.map((n) => n.toLowerCase());
  const repeated = lower.find((n, i) => lower.indexOf(n) !== i);
  if (repeated) return `"${repeated}" is named twice.`;
  return undefined;
}

export function roiProblem(text: string): string | undefined {
  const roi = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || roi < 32 || roi % 32 !== 0) return 'The roi must be a whole multiple of 32 (e.g. 64, 96, 128).';
  return undefined;
}

export function dimHeadsProblem(text: string, roi: number): string | undefined {
  const heads = Number(text.trim());
  const e = (roi / 2) ** 2;
  if (!/^\d+$/.test(text.trim()) || heads < 1) return 'The DIM heads must be a positive whole number.';
  if (e % heads !== 0) return `The DIM heads must divide the DIM's embedding size (roi/2)² = ${e}.`;
  return undefined;
}

/** The checkpoint's file name made into a valid, free model name (free so the default never asks to replace). */
export function defaultModelName(file: string, existing: readonly ModelEntry[]): string {
  const stem = basename(file).replace(/\.(pt|pth|safetensors)$/i, '');
  const base = stem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'model';
  const safe = RESERVED_NAMES.test(base) ? `${base}-model` : base;
  const taken = (n: string): boolean => existing.some((e) => sameName(e.name, n));
  if (!taken(safe)) return safe;
  for (let i = 2; ; i++) if (!taken(`${safe}-${i}`)) return `${safe}-${i}`;
}

export function splitNames(text: string): string[] {
  return text.split(',').map((n) => n.trim());
}

/** Case-insensitive: on Windows and macOS disks "Model" and "model" are the same file. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
