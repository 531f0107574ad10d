/** The caller asked to stop; thrown between windows, so the output holds a partial blend and must be discarded. */
export class InferenceCancelledError extends Error {
  override readonly name = 'InferenceCancelledError';
  constructor(readonly windowsDone: number, readonly windowsTotal: number) {
    super(`inference cancelled after ${windowsDone} of ${windowsTotal} windows`);
  }
}
