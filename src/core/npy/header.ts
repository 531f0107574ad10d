import { NpyError } from './errors';

/**
 * Parses the header of a .npy file: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4, 64, 64, 64), }`. A tiny recursive-descent parser for
 * just the literals numpy writes (strings, integers, booleans, None, tuples, lists, dicts); never an eval.
 */

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type Literal = string | number | boolean | null | Literal[] | Map<string, Literal>;

export function parseNpyHeader(text: string, file: string): NpyHeader {
  const fail = (problem: string): NpyError => new NpyError(file, `the .npy header ${problem}`);
  let pos = 0;

  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const expect = (ch: string): void => {
    skip();
    if (text[pos] !== ch) {
      throw fail(`has ${JSON.stringify(text[pos] ?? 'its end')} at character ${pos} where "${ch}" belongs`);
    }
    pos++;
  };
  // Sequences are (a, b, ...) or [a, b, ...] with an optional trailing comma.
  const sequence = (close: string, item: () => void): void => {
    skip();
    while (text[pos] !== close) {
      item();
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) throw fail(`is missing a "," or "${close}" at character ${pos}`);
      skip();
    }
    pos++;
  };
  const value = (depth: number): Literal => {
    if (depth > 8) throw fail('nests too deeply');
    skip();
    const ch = text[pos];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, pos + 1);
      if (end < 0) throw fail(`has an unterminated string at character ${pos}`);
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (ch === '(' || ch === '[') {
      pos++;
      const items: Literal[] = [];
      sequence(ch === '(' ? ')' : ']', () => items.push(value(depth + 1)));
      return items;
    }
    if (ch === '{') {
      pos++;
      const map = new Map<string, Literal>();
      sequence('}', () => {
        const k = value(depth + 1);
        if (typeof k !== 'string') throw fail('has a key that is not a string');
        expect(':');
        map.set(k, value(depth + 1));
      });
      return map;
    }
    const word = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(pos, pos + 32));
    if (!word) throw fail(`has ${JSON.stringify(text.slice(pos, pos + 10))} at character ${pos}, not a value`);
    pos += word[0].length;
    if (word[2]) return word[2] === 'True' ? true : word[2] === 'False' ? false : null;
    return Number(word[1]);
  };

  const dict = value(0);
  skip();
  if (pos !== text.length) throw fail(`has text after the dict at character ${pos}`);
  if (!(dict instanceof Map)) throw fail('is not a dict');
  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') {
    throw fail(Array.isArray(descr) ? 'describes a structured dtype, which is not supported' : 'has no "descr" string');
  }
  if (typeof fortranOrder !== 'boolean') throw fail('has no "fortran_order" True/False');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`has shape ${JSON.stringify(shape)}, not a tuple of non-negative integers`);
  }
  return { descr, fortranOrder, shape: shape as number[] };
}
