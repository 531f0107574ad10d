// Request and reply over postMessage, with timeouts: one side sends { type: 'request', id, kind, params } and the
// other answers { type: 'reply', id, ok, result | error }. Used by the webview to ask the host for channels.

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export type Reply = { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** The asking side: numbered requests, each settled by its reply, an error reply, or a timeout. */
export class Requester<Requests extends Record<string, { params: unknown; result: unknown }>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly post: (message: { type: 'request'; id: number; kind: keyof Requests & string; params: unknown }) => void,
    private readonly timeoutMs: number,
  ) {}

  request<K extends keyof Requests & string>(kind: K, params: Requests[K]['params'], timeoutMs = this.timeoutMs): Promise<Requests[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeoutError(`request ${kind} #${id} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ type: 'request', id, kind, params });
    });
  }

  /** Feeds a reply in; false when it answers nothing pending (late, after a timeout, or a duplicate). */
  receive(reply: Reply): boolean {
    const p = this.pending.get(reply.id);
    if (!p) return false;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(reply.error));
    return true;
  }

  /** Fails everything still waiting, e.g. when the panel is disposed. */
  dispose(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`request #${id} abandoned: ${reason}`));
    }
    this.pending.clear();
  }
}

/** The answering side: runs the handler for a request's kind and posts the reply, errors included. */
export async function answer<Requests extends Record<string, { params: unknown; result: unknown }>>(
  message: { id: number; kind: string; params: unknown },
  handlers: { [K in keyof Requests]: (params: Requests[K]['params']) => Promise<{ result: Requests[K]['result']; transfer?: ArrayBuffer[] }> },
  post: (reply: Reply, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  const handler = (handlers as Record<string, ((params: unknown) => Promise<{ result: unknown; transfer?: ArrayBuffer[] }>) | undefined>)[message.kind];
  if (!handler) {
    post({ type: 'reply', id: message.id, ok: false, error: `unknown request "${message.kind}"` });
    return;
  }
  try {
    const { result, transfer } = await handler(message.params);
    post({ type: 'reply', id: message.id, ok: true, result }, transfer);
  } catch (err) {
    post({ type: 'reply', id: message.id, ok: false, error: (err as Error)?.message ?? String(err) });
  }
}
