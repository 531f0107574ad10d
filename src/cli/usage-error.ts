/** A mistake in how the CLI was called; main prints it with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
