// Label statistics: voxels and volume (mL) per label of the mask, from the state's LabelStats (computed once at
// init, then updated from each edit's runs: strokes, undo and redo alike).
import { labelVolume } from '../../core/labels/label-stats';
import { nameOfLabel } from '../render/label-palette';
import type { ViewerState } from '../state/viewer-state';
import { el, setText } from './dom';

export class StatsPanel {
  readonly root: HTMLElement;
  private readonly body = el('tbody');
  private readonly rows = new Map<number, { row: HTMLElement; voxels: HTMLElement; ml: HTMLElement; name: HTMLElement }>();
  private shown = '';

  constructor() {
    const head = el('thead', {}, [el('tr', {}, [el('th', { text: 'Label' }), el('th', { text: 'Voxels' }), el('th', { text: 'mL' })])]);
    this.root = el('section', { className: 'swv-stats-panel' }, [
      el('div', { className: 'swv-side-title', text: 'Statistics' }),
      el('table', { id: 'swv-stats', className: 'swv-stats' }, [head, this.body]),
    ]);
  }

  update(state: ViewerState): void {
    const { counts } = state.maskStats;
    const labels = [...new Set([...state.editor.labels.map((l) => l.label), ...[...counts.keys()].filter((l) => l > 0 && counts[l]! > 0)])]
      .sort((a, b) => a - b);
    const key = labels.join(',');
    if (key !== this.shown) {
      this.shown = key;
      this.rows.clear();
      this.body.replaceChildren(...labels.map((label) => {
        const name = el('td');
        const voxels = el('td', { className: 'swv-num-cell', attrs: { 'data-role': 'voxels' } });
        const ml = el('td', { className: 'swv-num-cell', attrs: { 'data-role': 'ml' } });
        const row = el('tr', { attrs: { 'data-label': String(label) } }, [name, voxels, ml]);
        this.rows.set(label, { row, voxels, ml, name });
        return row;
      }));
    }
    for (const [label, r] of this.rows) {
      const v = labelVolume(state.maskStats, label);
      setText(r.name, `${label} ${nameOfLabel(state.editor.labels, label)}`);
      setText(r.voxels, String(v.voxels));
      setText(r.ml, v.ml.toFixed(2));
      if (r.row.dataset.voxels !== String(v.voxels)) r.row.dataset.voxels = String(v.voxels);
      if (r.row.dataset.ml !== String(v.ml)) r.row.dataset.ml = String(v.ml);
    }
  }
}
