// The model `swinfuse segment` runs when no --model is given: the one the extension ships, in the package's models/
// folder. Found from the package root rather than from this file, because the path from here to it differs between
// the bundle (dist/cli.js → ../models) and the sources run under tsx (src/cli/ → ../../models).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { bundledModelFile, DEFAULT_MODEL_NAME } from '../core/models/bundled-models';

/** The package whose root holds models/: this extension's name in package.json. */
const PACKAGE_NAME = 'swinfuse-vscode';

/**
 * Overrides the bundled models folder (the folder holding `swinfuse-demo/swinfuse-demo.onnx`). For tests, which
 * point it at an empty or stand-in folder so as not to depend on whether a checkout has the real model; also for a
 * CLI copied away from its package.
 */
export const BUNDLED_MODELS_ENV = 'SWINFUSE_BUNDLED_MODELS';

/** The bundled model's path relative to the package root, as error messages and the usage name it. */
export const BUNDLED_MODEL_RELATIVE = `models/${DEFAULT_MODEL_NAME}/${DEFAULT_MODEL_NAME}.onnx`;

/** The default bundled model's .onnx path (which may not exist: a development checkout has no models). */
export function bundledModelPath(): string {
  const override = process.env[BUNDLED_MODELS_ENV];
  if (override) return bundledModelFile(override);
  return bundledModelFile(join(packageRoot(scriptDir()), 'models'));
}

/** The folder of the running script: __dirname in the CommonJS bundle, else the entry script's real folder. */
function scriptDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  const entry = process.argv[1];
  return entry ? dirname(realpathSync(entry)) : process.cwd();
}

/**
 * The nearest folder at or above `start` whose package.json is this extension's. Falls back to the parent of
 * `start`, where dist/cli.js's package root is, so that the error still names a sensible path.
 */
function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === PACKAGE_NAME) return dir;
    if (dir === parse(dir).root) return dirname(start);
  }
}

/** The "name" of a package.json, or undefined when unreadable (dist/package.json has none). */
function readName(manifest: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
