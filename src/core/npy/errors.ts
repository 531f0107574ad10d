/** Every problem with a .npy file surfaces as this error, naming the file and what is wrong. */
export class NpyError extends Error {
  override readonly name = 'NpyError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}
