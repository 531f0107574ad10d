/** A model file that is missing or that onnxruntime cannot load; the message names the file. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** `--device cuda` (or the setting) asked for a device that cannot run here. */
export class DeviceUnavailableError extends Error {
  override readonly name = 'DeviceUnavailableError';
}

/** The input does not fit the model: wrong channel count, grids that differ, a shape the model cannot take. */
export class InferenceInputError extends Error {
  override readonly name = 'InferenceInputError';
}
