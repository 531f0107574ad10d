// A vscode.Event without the vscode module: the document's change events are raised in vscode-free code, and the
// provider hands this `event` to VS Code as onDidChangeCustomDocument (same call signature).
export interface DisposableLike {
  dispose(): unknown;
}

export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => unknown>();

  readonly event = (listener: (event: T) => unknown, thisArgs?: unknown, disposables?: DisposableLike[]): DisposableLike => {
    const bound = thisArgs === undefined ? listener : listener.bind(thisArgs);
    this.listeners.add(bound);
    const subscription = { dispose: () => this.listeners.delete(bound) };
    disposables?.push(subscription);
    return subscription;
  };

  /** Calls every listener; one that throws does not keep the others from hearing the event. */
  fire(event: T, onError?: (err: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
