/**
 * Every problem with a NIfTI file surfaces as this error, so callers (CLI, extension) can show one clear line
 * that names the file and what is wrong, without a stack trace.
 */
export class NiftiError extends Error {
  override readonly name = 'NiftiError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}
