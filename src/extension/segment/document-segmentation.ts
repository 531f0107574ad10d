// The model side of one opened image: the segmentation running on it (one at a time, cancellable) and the proposal
// under review. Accepting goes through the document's mask as one undoable edit; undoing an accept that cleared
// the proposal brings the proposal back, so undo returns to exactly what the user saw before.
import type { AcceptChoice } from '../../core/labels/proposal-accept';
import type { HostToWebview, SegmentationStatus } from '../../core/viewer-protocol/messages';
import type { Logger } from '../viewer/host-ports';
import { proposalVoxels, type Proposal } from './proposal';

/** What this needs of the document's mask (DocumentMask). */
export interface AcceptTarget {
  accept(proposal: Uint8Array, choice: AcceptChoice, label: string, hooks: { undo(): void; redo(): void }): Promise<{ readonly count: number }>;
  broadcast(message: () => HostToWebview): Promise<void>;
}

export interface AcceptOutcome {
  /** Voxels that changed (0: nothing to accept, and no undo step was made). */
  readonly changed: number;
  readonly label: string;
}

export class DocumentSegmentation {
  private proposal: Proposal | null = null;
  private status: SegmentationStatus = { phase: 'idle' };
  private running: AbortController | null = null;
  private lastId = 0;

  constructor(private readonly name: string, private readonly mask: AcceptTarget, private readonly log: Logger) {}

  get current(): Proposal | null {
    return this.proposal;
  }

  get statusNow(): SegmentationStatus {
    return this.status;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Starts a run: its id for the proposal, and the signal that cancels it. Throws when one is already running. */
  begin(model: string): { id: number; signal: AbortSignal } {
    if (this.running) throw new Error(`${this.name} is already being segmented; cancel that run first`);
    this.running = new AbortController();
    this.setStatus({ phase: 'running', model, done: 0, total: 0, etaMs: null, device: null });
    return { id: ++this.lastId, signal: this.running.signal };
  }

  progress(status: Extract<SegmentationStatus, { phase: 'running' }>): void {
    if (this.running) this.setStatus(status);
  }

  /** The run ended (finished, failed or cancelled). */
  end(): void {
    this.running = null;
    this.setStatus({ phase: 'idle' });
  }

  /** Cancels the running segmentation; false when none runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  /** A new proposal replaces the one under review. */
  async show(proposal: Proposal | null): Promise<void> {
    this.proposal = proposal;
    await this.mask.broadcast(() => ({ type: 'proposal', proposal: proposal && proposalVoxels(proposal) }));
  }

  /**
   * Accepts the proposal `id` (a panel's button names the proposal it showed; a stale id is refused with undefined,
   * so a click cannot accept a proposal the user has not seen). Accepting all or into unlabelled voxels retires the
   * proposal; accepting one label keeps it for the others.
   */
  async accept(id: number | undefined, choice: AcceptChoice): Promise<AcceptOutcome | undefined> {
    const proposal = this.proposal;
    if (!proposal || (id !== undefined && id !== proposal.id)) return undefined;
    const label = choice.mode.kind === 'all' ? 'Accept proposal'
      : choice.mode.kind === 'unlabelled' ? 'Accept proposal into unlabelled voxels'
        : `Accept proposal label ${choice.mode.label}`;
    const retire = choice.mode.kind !== 'label';
    const edit = await this.mask.accept(proposal.labels, choice, label, {
      undo: () => {
        if (retire && this.proposal === null) void this.show(proposal);
      },
      redo: () => {
        if (retire && this.proposal === proposal) void this.show(null);
      },
    });
    if (edit.count > 0 && retire) await this.show(null);
    this.log.info(`${this.name}: ${label} from ${proposal.model}${choice.overwriteEdits ? ', replacing hand edits' : ''}: ${edit.count} voxels changed`);
    return { changed: edit.count, label };
  }

  async discard(id: number | undefined): Promise<boolean> {
    if (!this.proposal || (id !== undefined && id !== this.proposal.id)) return false;
    this.log.info(`${this.name}: discarded the proposal from ${this.proposal.model}`);
    await this.show(null);
    return true;
  }

  dispose(): void {
    this.running?.abort();
    this.running = null;
    this.proposal = null;
  }

  private setStatus(status: SegmentationStatus): void {
    this.status = status;
    void this.mask.broadcast(() => ({ type: 'segmentation', status }));
  }
}
