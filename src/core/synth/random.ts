import { mulberry32 } from '../models/random-weights';

/** Seeded draws for the generator. Every part of a case has its own stream, so adding a draw to one part (say, the
 * tumours) does not shift what another part (the noise) sees, and a case stays the same across such edits. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform in [-1, 1). */
  signed(): number;
  /** Standard normal (Box–Muller). */
  gaussian(): number;
}

/** The streams a case draws from; the numbers only need to differ. */
export const STREAMS = {
  frame: 1, anatomy: 2, tumours: 3, contrasts: 4, noiseT1: 5, noiseT1ce: 6, noiseT2: 7, noiseFlair: 8, noiseCt: 9,
} as const;

/** A 32-bit seed for one stream of one case: an integer hash (murmur3's finaliser) of both, so that neighbouring
 * seeds and streams give unrelated sequences. */
export function streamSeed(seed: number, stream: number): number {
  let h = (seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeRng(seed: number, stream: number): Rng {
  const next = mulberry32(streamSeed(seed, stream));
  let spare: number | null = null;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    signed: () => next() * 2 - 1,
    gaussian: () => {
      if (spare !== null) {
        const g = spare;
        spare = null;
        return g;
      }
      const u = 1 - next(); // (0, 1]: log(0) would be -Infinity
      const r = Math.sqrt(-2 * Math.log(u));
      const t = 2 * Math.PI * next();
      spare = r * Math.sin(t);
      return r * Math.cos(t);
    },
  };
}
