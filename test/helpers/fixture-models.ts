import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxSchema } from '../../src/core/onnx/schema';
import { runCli } from './cli';
import { sharedRoot } from './paths';

export const modelFixtures = join(sharedRoot, 'fixtures', 'models');

interface FixtureConfig { arch: string; in_channels: number; out_channels: number; feature_size: number; roi: number; dim_heads?: number }

/** `swinfuse import` arguments that turn a MONAI fixture checkpoint (NAME.pt + NAME.json) into `output`. */
export function importArgs(name: string, output: string): string[] {
  const c = JSON.parse(readFileSync(join(modelFixtures, `${name}.json`), 'utf8')) as FixtureConfig;
  return ['import', join(modelFixtures, `${name}.pt`), '--arch', c.arch, '--in-channels', String(c.in_channels),
    '--out-channels', String(c.out_channels), '--feature-size', String(c.feature_size), '--roi', String(c.roi),
    ...(c.dim_heads ? ['--dim-heads', String(c.dim_heads)] : []), '-o', output];
}

/** Imports a fixture checkpoint with the CLI, as a user would, and returns the ONNX path (its card beside it). */
export function importFixtureModel(name: string, dir: string): string {
  const output = join(dir, `${name}.onnx`);
  const r = runCli(importArgs(name, output));
  if (r.status !== 0) throw new Error(`swinfuse import ${name} failed: ${r.stderr}`);
  return output;
}

/**
 * A copy of the model at `from` as models were written before cards were embedded (no `swinfuse.card` metadata): its
 * card then lives only beside it, which is what tests of a missing or broken card need.
 */
export function copyWithoutEmbeddedCard(from: string, to: string): void {
  const ModelProto = onnxSchema().lookupType('onnx.ModelProto');
  const model = ModelProto.decode(readFileSync(from)) as unknown as { metadata_props: unknown[] };
  model.metadata_props = [];
  writeFileSync(to, ModelProto.encode(model as never).finish());
}
