// The Segmentation panel: the Segment button, a running segmentation's progress with Cancel, and the review of the
// model's proposal (its labels with voxels and mL, accept all / unlabelled only / one label, discard, and whether
// the user's own labels may be replaced). It shows the state and reports choices through ProposalPanelActions; it
// changes nothing itself (accepting comes back from the host as a mask edit and a new proposal message).
import type { AcceptChoice, AcceptMode, ProposalInfo, SegmentationStatus } from '../../core/viewer-protocol/messages';
import { colorOfLabel } from '../render/label-palette';
import type { ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';
import type { VscodeCheckbox } from './elements';

export interface ProposalPanelActions {
  segment(): void;
  cancelSegmentation(): void;
  accept(proposalId: number, choice: AcceptChoice): void;
  discard(proposalId: number): void;
}

/** "about 40 s left", "about 3 min left". */
export function formatTimeLeft(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

/** One line of a running segmentation's progress, e.g. "SwinFUSE: 3 / 27 windows · about 40 s left · cpu". */
export function segmentationProgressText(status: Extract<SegmentationStatus, { phase: 'running' }>): string {
  const parts = [status.total > 0 ? `${status.model}: ${status.done} / ${status.total} windows` : `${status.model}: starting…`];
  if (status.etaMs !== null && status.total > 0 && status.done < status.total) parts.push(formatTimeLeft(status.etaMs));
  if (status.device) parts.push(status.device);
  return parts.join(' · ');
}

function button(id: string, text: string, secondary: boolean): HTMLElement {
  return el('vscode-button', { id, text, attrs: secondary ? { secondary: '' } : {} });
}

/** Sets an attribute, or removes it for null; untouched when it already says so. */
function setAttr(node: Element, name: string, value: string | null): void {
  if (value === null) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

export class ProposalPanel {
  readonly root: HTMLElement;
  private readonly segmentButton = button('swv-segment', 'Segment', false);
  private readonly cancelButton = button('swv-segment-cancel', 'Cancel', true);
  private readonly progress = el('div', { id: 'swv-segment-progress', className: 'swv-segment-progress', attrs: { role: 'status' } });
  private readonly source = el('div', { id: 'swv-proposal-source', className: 'swv-proposal-source' });
  private readonly body = el('tbody');
  private readonly overwrite = el('vscode-checkbox', { id: 'swv-overwrite-edits', attrs: { label: 'Replace my labels and edits' } }) as VscodeCheckbox;
  private readonly review: HTMLElement;
  /** The proposal on screen: what the buttons act on. */
  private shownId: number | null = null;
  private tableKey = '';

  constructor(private readonly actions: ProposalPanelActions) {
    this.segmentButton.title = 'Segment this scan with the model; the result is shown as a proposal to review';
    this.segmentButton.addEventListener('click', () => {
      if (!this.segmentButton.hasAttribute('disabled')) actions.segment();
    });
    this.cancelButton.addEventListener('click', () => actions.cancelSegmentation());
    const acceptAll = button('swv-accept-all', 'Accept all', false);
    acceptAll.title = 'Every voxel takes the proposal\'s label, background included';
    acceptAll.addEventListener('click', () => this.accept({ kind: 'all' }));
    const acceptUnlabelled = button('swv-accept-unlabelled', 'Fill unlabelled only', true);
    acceptUnlabelled.title = 'Only voxels that are background in the mask take the proposal\'s label';
    acceptUnlabelled.addEventListener('click', () => this.accept({ kind: 'unlabelled' }));
    const discard = button('swv-discard-proposal', 'Discard', true);
    discard.addEventListener('click', () => {
      if (this.shownId !== null) actions.discard(this.shownId);
    });
    const head = el('thead', {}, [el('tr', {}, [
      el('th', { text: 'Label' }), el('th', { text: 'Voxels' }), el('th', { text: 'mL' }), el('th', { attrs: { 'aria-label': 'Accept' } }),
    ])]);
    this.review = el('section', { id: 'swv-proposal', className: 'swv-proposal', attrs: { 'aria-label': 'Proposal' } }, [
      this.source,
      el('table', { id: 'swv-proposal-labels', className: 'swv-stats swv-proposal-labels' }, [head, this.body]),
      this.overwrite,
      el('div', {
        className: 'swv-proposal-note',
        text: 'By default your own labels are kept: voxels labelled when the mask was opened, and voxels painted or '
          + 'erased since. Tick the box to let the proposal replace them too.',
      }),
      el('div', { className: 'swv-editor-row' }, [acceptAll, acceptUnlabelled, discard]),
    ]);
    this.root = el('section', { id: 'swv-segmentation', className: 'swv-segmentation', attrs: { 'aria-label': 'Segmentation' } }, [
      el('div', { className: 'swv-side-title', text: 'Segmentation' }),
      el('div', { className: 'swv-editor-row' }, [this.segmentButton, this.cancelButton]),
      this.progress,
      this.review,
    ]);
  }

  private accept(mode: AcceptMode): void {
    if (this.shownId !== null) this.actions.accept(this.shownId, { mode, overwriteEdits: this.overwrite.checked });
  }

  update(state: ViewerState): void {
    this.showStatus(state.segmentation);
    this.showProposal(state.proposal, state);
  }

  private showStatus(status: SegmentationStatus): void {
    const running = status.phase === 'running';
    this.segmentButton.toggleAttribute('disabled', running);
    this.cancelButton.hidden = !running;
    this.progress.hidden = !running;
    setText(this.progress, running ? segmentationProgressText(status) : '');
    setAttr(this.progress, 'data-done', running ? String(status.done) : null);
    setAttr(this.progress, 'data-total', running ? String(status.total) : null);
  }

  private showProposal(proposal: ProposalInfo | null, state: ViewerState): void {
    this.review.hidden = proposal === null;
    const id = proposal?.id ?? null;
    // A new proposal starts with the safe choice: the user's own labels are kept.
    if (id !== this.shownId) this.overwrite.checked = false;
    this.shownId = id;
    setAttr(this.review, 'data-proposal-id', id === null ? null : String(id));
    if (!proposal) return;
    setText(this.source, `${proposal.model} on ${proposal.device}`
      + (proposal.threshold === null ? '' : ` · labelled where the probability ≥ ${proposal.threshold}`));
    const colors = state.editor.labels;
    const [sx, sy, sz] = state.doc.spacing;
    const mlPerVoxel = (sx * sy * sz) / 1000;
    const key = `${proposal.id}|${proposal.labels.map((l) => `${l.label}=${l.name}=${l.voxels}`).join(',')}|${mlPerVoxel}|`
      + colors.map((c) => `${c.label}=${c.rgb.join('.')}`).join(',');
    if (key === this.tableKey) return;
    this.tableKey = key;
    this.body.replaceChildren(...proposal.labels.map((l) => {
      const swatch = el('span', { className: 'swv-swatch' });
      const [r, g, b] = colorOfLabel(colors, l.label);
      swatch.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
      const ml = l.voxels * mlPerVoxel;
      const accept = el('vscode-button', {
        className: 'swv-accept-label', text: 'Accept', title: `Accept only "${l.name}"`,
        attrs: { secondary: '', 'data-label': String(l.label), 'aria-label': `Accept label ${l.label} ${l.name}` },
      });
      accept.addEventListener('click', () => this.accept({ kind: 'label', label: l.label }));
      return el('tr', { attrs: { 'data-label': String(l.label), 'data-voxels': String(l.voxels), 'data-ml': String(ml) } }, [
        el('td', { className: 'swv-proposal-name' }, [swatch, `${l.label} ${l.name}`]),
        el('td', { className: 'swv-num-cell', text: String(l.voxels) }),
        el('td', { className: 'swv-num-cell', text: ml.toFixed(2) }),
        el('td', {}, [accept]),
      ]);
    }));
  }
}
