import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TensorReference {
  shape: number[];
  dtype: string;
  sum: number;
  /** [flat C-order index, value] */
  probes: [number, number][];
}

export type Listing = Record<string, TensorReference>;

/** What torch.load and numpy report, written by test/fixtures/checkpoint/make_fixtures.py. */
export interface CheckpointReference {
  torch: string;
  models: Record<string, Listing>;
  small: Record<string, Listing>;
  npy: Record<string, TensorReference>;
  npy_models: Record<string, TensorReference>;
}

export const checkpointFixtures = join(import.meta.dirname, '..', 'fixtures', 'checkpoint');
export const npyFixtures = join(import.meta.dirname, '..', 'fixtures', 'npy');

export const checkpointReference = JSON.parse(
  readFileSync(join(checkpointFixtures, 'reference.json'), 'utf8'),
) as CheckpointReference;
