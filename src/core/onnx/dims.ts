/**
 * Static shapes with one kind of unknown: a symbolic batch. A dimension is a number, or a symbol times a whole
 * factor ("N", "N*8"), which is what window partitioning makes of the batch axis. That is enough to infer every
 * shape in our graphs at build time and to write them into the model for ORT.
 */
export type Dim = number | string;

interface Symbolic {
  readonly symbol: string;
  readonly factor: number;
}

function parse(d: string): Symbolic {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\*(\d+))?$/.exec(d);
  if (!m) throw new Error(`dimension "${d}" is not of the form SYMBOL or SYMBOL*K`);
  return { symbol: m[1]!, factor: m[2] ? Number(m[2]) : 1 };
}

function format(s: Symbolic): Dim {
  return s.factor === 1 ? s.symbol : `${s.symbol}*${s.factor}`;
}

export function isStatic(d: Dim): d is number {
  return typeof d === 'number';
}

export function mulDim(d: Dim, k: number): Dim {
  if (typeof d === 'number') return d * k;
  const s = parse(d);
  return format({ symbol: s.symbol, factor: s.factor * k });
}

/** d / k, which must divide exactly: shapes never hold fractions of a batch. */
export function divDim(d: Dim, k: number): Dim {
  if (typeof d === 'number') {
    if (d % k !== 0) throw new Error(`${d} is not divisible by ${k}`);
    return d / k;
  }
  const s = parse(d);
  if (s.factor % k !== 0) throw new Error(`${d} is not divisible by ${k}`);
  return format({ symbol: s.symbol, factor: s.factor / k });
}

/** The product of a shape: a number, or a symbolic dim when one axis is symbolic. */
export function product(shape: readonly Dim[]): Dim {
  let numeric = 1;
  let symbolic: Symbolic | null = null;
  for (const d of shape) {
    if (typeof d === 'number') {
      numeric *= d;
    } else {
      if (symbolic) throw new Error(`shape [${shape.join(', ')}] has two symbolic dimensions`);
      symbolic = parse(d);
    }
  }
  return symbolic ? format({ symbol: symbolic.symbol, factor: symbolic.factor * numeric }) : numeric;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}
