import { expectedStateDict } from './state-dict-layout';
import { relativePositionIndex } from './swin-geometry';
import type { ModelConfig } from './config';
import type { WeightTensor } from './weights';

/**
 * A full state dict of freshly initialised weights, the way PyTorch's defaults do it (uniform ±1/√fan_in for
 * weights and biases, ones and zeros for norms, std-0.02 bias tables), deterministic by seed. For benchmarks and
 * for training from scratch.
 */
export function randomStateDict(config: ModelConfig, seed = 0): Map<string, WeightTensor> {
  const random = mulberry32(seed);
  const out = new Map<string, WeightTensor>();
  for (const [key, shape] of expectedStateDict(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (key.endsWith('relative_position_index')) {
      data.set(relativePositionIndex());
    } else if (key.endsWith('relative_position_bias_table')) {
      for (let i = 0; i < n; i++) data[i] = (random() + random() + random() - 1.5) * 0.04;
    } else if (/norm\d?\.weight$/.test(key)) {
      data.fill(1);
    } else if (!/norm\d?\.bias$/.test(key)) {
      const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : shape[0]!;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < n; i++) data[i] = (random() * 2 - 1) * bound;
    }
    out.set(key, { shape, data });
  }
  return out;
}

/** A small seeded generator of uniform [0, 1) numbers, so "random" weights and samples are the same everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
