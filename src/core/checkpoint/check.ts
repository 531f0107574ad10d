import { CheckpointError, summarise } from './errors';
import type { StateDict } from './tensor';
import { fileText } from '../io/file-text';

export interface ShapeMismatch {
  key: string;
  expected: number[];
  actual: number[];
}

/** How a loaded state dict differs from what a model expects; all empty when it fits. */
export interface StateDictDiff {
  missing: string[];
  unexpected: string[];
  misshaped: ShapeMismatch[];
}

/** Shown per category; the rest are counted, so a wrong architecture gives a readable message, not 200 lines. */
const MAX_LISTED = 20;

export function diffStateDict(dict: StateDict, expected: ReadonlyMap<string, readonly number[]>): StateDictDiff {
  const diff: StateDictDiff = { missing: [], unexpected: [], misshaped: [] };
  for (const [key, shape] of expected) {
    const tensor = dict.get(key);
    if (!tensor) diff.missing.push(key);
    else if (!sameShape(tensor.shape, shape)) diff.misshaped.push({ key, expected: [...shape], actual: tensor.shape });
  }
  for (const key of dict.keys()) if (!expected.has(key)) diff.unexpected.push(key);
  return diff;
}

/**
 * Throws one CheckpointError that lists every missing, unexpected and wrongly shaped key (up to 20 of each, then a
 * count), so a user sees the whole mismatch at once rather than fixing it one key at a time.
 */
export function checkStateDict(dict: StateDict, expected: ReadonlyMap<string, readonly number[]>, file: string): void {
  const { missing, unexpected, misshaped } = diffStateDict(dict, expected);
  const parts: string[] = [];
  if (missing.length) parts.push(`${count(missing.length, 'missing key')}: ${summarise(missing, MAX_LISTED)}`);
  if (unexpected.length) parts.push(`${count(unexpected.length, 'unexpected key')}: ${summarise(unexpected.map((k) => fileText(k, 80)), MAX_LISTED)}`);
  if (misshaped.length) {
    const lines = misshaped.map((m) => `${fileText(m.key, 80)} (expected [${m.expected.join(', ')}], got [${m.actual.join(', ')}])`);
    parts.push(`${count(misshaped.length, 'key')} with the wrong shape: ${summarise(lines, MAX_LISTED)}`);
  }
  if (parts.length) throw new CheckpointError(file, `the checkpoint does not fit the model: ${parts.join('; ')}`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
