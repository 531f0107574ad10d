/**
 * Every problem with a checkpoint surfaces as this error, so callers (CLI, extension) can show one clear line that
 * names the file and what is wrong, without a stack trace. Nothing else may escape the loader: fuzz tests hold it
 * to that.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** "a, b, c and 7 more": keeps error messages to one readable line however much is wrong. */
export function summarise(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
