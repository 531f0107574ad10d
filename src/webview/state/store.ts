// A tiny observable store: immutable snapshots, shallow-merged updates, synchronous listeners. One per document;
// no module-level state anywhere in the webview.
export type Listener<T> = (next: T, prev: T) => void;

export class Store<T extends object> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private state: T) {}

  get(): T {
    return this.state;
  }

  /** Merges the change into a new snapshot and notifies when any field changed identity. */
  update(change: Partial<T> | ((state: T) => Partial<T>)): void {
    const prev = this.state;
    const patch = typeof change === 'function' ? change(prev) : change;
    const keys = Object.keys(patch) as (keyof T)[];
    if (!keys.some((k) => patch[k] !== prev[k])) return;
    this.state = Object.freeze({ ...prev, ...patch });
    for (const listener of [...this.listeners]) listener(this.state, prev);
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
