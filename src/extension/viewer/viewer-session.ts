// One panel's side of the protocol. The webview says `ready` whenever its script starts (first load, and again
// after VS Code re-creates a hidden webview, since contexts are not retained), and every `ready` gets a complete
// `init`: the webview keeps no state the host has to remember. Requests are answered through rpc.ts's `answer`,
// and anything the webview reports or the host cannot deliver goes to the log, never to an exception. Strokes go to
// the document, which owns the mask; the session is the document's way to post to this panel (MaskPanel).
import type {
  ChannelVoxels, HostToWebview, ViewerRequests, ViewerSettings,
} from '../../core/viewer-protocol/messages';
import { VIEWER_PROTOCOL_VERSION } from '../../core/viewer-protocol/messages';
import { answer, type Reply } from '../../core/viewer-protocol/rpc';
import { checkAcceptChoice, type AcceptChoice } from '../../core/labels/proposal-accept';
import type { MaskPanel } from './document-mask';
import type { Logger } from './host-ports';
import type { InitMessage } from './nifti-document';

// rpc.ts's `answer` wants a record type; an interface has no index signature, its mapped copy does.
type Requests = { [K in keyof ViewerRequests]: ViewerRequests[K] };

/** What a session needs of its document (NiftiDocument, or a stand-in in tests). */
export interface ViewerContent {
  readonly name: string;
  init(settings: ViewerSettings): InitMessage;
  channel(index: unknown): Promise<ChannelVoxels>;
  /** Joins the document's broadcasts; returns the leaving. */
  attach(panel: MaskPanel): () => void;
  edit(from: MaskPanel, label: unknown, edit: unknown): Promise<void>;
  acceptProposal(id: unknown, choice: AcceptChoice): Promise<void>;
  discardProposal(id: unknown): Promise<void>;
  cancelSegmentation(): void;
}

export interface SessionPorts {
  /** webview.postMessage: resolves false when the webview is not there to receive (hidden or closed). */
  post(message: HostToWebview): PromiseLike<boolean>;
  /** The settings as they are now, for each init. */
  settings(): ViewerSettings;
  /** Stores the label picker's list (swinfuse.editor.labels); validates it, rejects with the reason when invalid. */
  setLabels(labels: unknown): Promise<void>;
  /** The panel's Segment button: runs SwinFUSE: Segment on this panel's document. */
  segment(): void;
  readonly log: Logger;
}

export class ViewerSession implements MaskPanel {
  private disposed = false;
  private inits = 0;
  private readonly detach: () => void;

  constructor(private readonly content: ViewerContent, private readonly ports: SessionPorts) {
    this.detach = content.attach(this);
  }

  /** Handles one message from the webview. Never rejects: problems are logged or answered as error replies. */
  async handle(message: unknown): Promise<void> {
    const { log } = this.ports;
    const name = this.content.name;
    if (this.disposed) return;
    const m = message as { type?: unknown } | null;
    switch (typeof m === 'object' && m !== null ? m.type : undefined) {
      case 'ready': {
        const version = (m as { version?: unknown }).version;
        if (version !== VIEWER_PROTOCOL_VERSION) {
          log.warn(`${name}: the webview speaks protocol version ${String(version)}, the host ${VIEWER_PROTOCOL_VERSION}`);
        }
        let init: InitMessage;
        try {
          init = this.content.init(this.ports.settings());
        } catch (err) {
          log.error(`${name}: cannot build the viewer's init message: ${(err as Error)?.message ?? err}`);
          return;
        }
        this.inits++;
        log.info(`${name}: webview ready, sending init #${this.inits}`);
        await this.send(init);
        return;
      }
      case 'request': {
        const request = m as { id?: unknown; kind?: unknown; params?: unknown };
        if (typeof request.id !== 'number' || typeof request.kind !== 'string') {
          log.warn(`${name}: ignored a request without a numeric id and a kind: ${preview(message)}`);
          return;
        }
        const { id, kind } = request;
        await answer<Requests>({ id, kind, params: request.params }, {
          channel: async (params) => ({ result: await this.content.channel((params as { index?: unknown } | undefined)?.index) }),
        }, (reply: Reply) => {
          if (!reply.ok) log.warn(`${name}: request ${kind} #${id} failed: ${reply.error}`);
          void this.send(reply);
        });
        return;
      }
      case 'edit': {
        const { label, edit } = m as { label?: unknown; edit?: unknown };
        try {
          await this.content.edit(this, label, edit);
        } catch (err) {
          log.error(`${name}: cannot apply an edit: ${(err as Error)?.message ?? err}`);
        }
        return;
      }
      case 'setLabels':
        try {
          await this.ports.setLabels((m as { labels?: unknown }).labels);
        } catch (err) {
          log.warn(`${name}: the label list was not stored: ${(err as Error)?.message ?? err}`);
        }
        return;
      case 'segment':
        this.ports.segment();
        return;
      case 'cancelSegmentation':
        this.content.cancelSegmentation();
        return;
      case 'acceptProposal': {
        const { proposalId, choice } = m as { proposalId?: unknown; choice?: unknown };
        try {
          await this.content.acceptProposal(proposalId, checkAcceptChoice(choice));
        } catch (err) {
          log.error(`${name}: cannot accept the proposal: ${(err as Error)?.message ?? err}`);
        }
        return;
      }
      case 'discardProposal':
        try {
          await this.content.discardProposal((m as { proposalId?: unknown }).proposalId);
        } catch (err) {
          log.error(`${name}: cannot discard the proposal: ${(err as Error)?.message ?? err}`);
        }
        return;
      case 'rendered':
        log.info(`${name}: first frame drawn ${String((m as { msFromInit?: unknown }).msFromInit)} ms after init`);
        return;
      case 'error':
        // The webview's own failures (a request that timed out, a WebGL error) land here.
        log.error(`${name}: webview: ${String((m as { message?: unknown }).message)}`);
        return;
      default:
        log.warn(`${name}: ignored a message from the webview that is not part of the protocol: ${preview(message)}`);
    }
  }

  /** Sends the current settings (after a configuration change). */
  postSettings(): Promise<void> {
    return this.send({ type: 'settings', settings: this.ports.settings() });
  }

  /** The panel is gone: replies still being prepared are dropped instead of posted to a disposed webview. */
  dispose(): void {
    this.disposed = true;
    this.detach();
  }

  /** For the document's broadcasts. */
  post(message: HostToWebview): Promise<void> {
    return this.send(message);
  }

  private async send(message: HostToWebview): Promise<void> {
    if (this.disposed) return;
    try {
      const delivered = await this.ports.post(message);
      // A hidden webview without retained context drops messages; it sends `ready` again when shown.
      if (!delivered) this.ports.log.info(`${this.content.name}: the webview was not there to receive "${message.type}"`);
    } catch (err) {
      this.ports.log.error(`${this.content.name}: cannot post "${message.type}" to the webview: ${(err as Error)?.message ?? err}`);
    }
  }
}

function preview(message: unknown): string {
  try {
    const text = JSON.stringify(message) ?? String(message);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(message);
  }
}
