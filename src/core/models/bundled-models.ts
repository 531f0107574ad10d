// Where the models shipped with the extension lie in its models/ folder. Shared by the extension's model registry
// (what an empty `swinfuse.model` means) and the CLI (what `swinfuse segment` runs without --model), so that both
// pick the same file.
import { join } from 'node:path';

/** The bundled model an empty `swinfuse.model`, or a `swinfuse segment` without --model, means. */
export const DEFAULT_MODEL_NAME = 'swinfuse-demo';

/**
 * A bundled model sits in a folder of its own, `models/NAME/NAME.onnx` with its card NAME.json beside it, so that
 * data shipped with it (a sample case in `models/NAME/sample/`) stays with the model it belongs to.
 */
export function bundledModelFile(modelsFolder: string, name = DEFAULT_MODEL_NAME): string {
  return join(modelsFolder, name, `${name}.onnx`);
}
