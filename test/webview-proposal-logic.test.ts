// The proposal's pure logic, without a browser: the progress line, the description the state keeps (labels counted
// from the voxels), and the layer transitions (outline defaults, takeover of other layers, replacement, removal).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planReorientation } from '../src/core/nifti';
import { DEFAULT_EDITOR_SETTINGS, type ProposalVoxels } from '../src/core/viewer-protocol';
import { describeProposal, proposalOverlays } from '../src/webview/model/proposal-overlays';
import { upsertOverlayLayer } from '../src/webview/state/actions';
import { setProposal } from '../src/webview/state/proposal-actions';
import { initialState, type DocumentInfo, type ViewerState } from '../src/webview/state/viewer-state';
import { segmentationProgressText } from '../src/webview/ui/proposal-panel';

const SHAPE = [4, 3, 2] as const;
const N = SHAPE[0] * SHAPE[1] * SHAPE[2];
const I4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const doc: DocumentInfo = {
  uri: 'file:///x.nii', name: 'x.nii', shape: [...SHAPE], affine: I4, spacing: [1, 2, 3],
  stored: { shape: [...SHAPE], axcodes: 'RAS', plan: planReorientation(I4, [...SHAPE]) }, channels: [{ index: 0, name: 'x', source: 'x.nii' }],
};
const fresh = () => initialState(doc, { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS }, 0);

function proposal(id: number, model: string, labels: number[]): ProposalVoxels {
  return {
    id, model, device: 'cpu', threshold: 0.5, labels: [{ label: 2, name: 'edema', voxels: 999 }],
    labelData: Uint8Array.from({ length: N }, (_, i) => labels[i % labels.length]!).buffer, probability: new Float32Array(N).buffer,
  };
}

function show(s: ViewerState, p: ProposalVoxels | null): ViewerState {
  const info = p ? describeProposal(p, doc.spacing) : null;
  return { ...s, ...setProposal(s, info, p && info ? proposalOverlays(p, info, s.editor.labels) : null) };
}

const layers = (s: ViewerState) => s.overlays.map((l) => `${l.name}:${l.visible ? 'shown' : 'hidden'}${l.kind === 'labels' && l.outline ? ':outline' : ''}`);

describe('segmentation progress', () => {
  it('names the model, windows, time left and device, leaving out what is not known', () => {
    const running = { phase: 'running', model: 'M', done: 3, total: 27, etaMs: 40_000, device: 'cpu' } as const;
    assert.equal(segmentationProgressText(running), 'M: 3 / 27 windows · about 40 s left · cpu');
    assert.equal(segmentationProgressText({ ...running, etaMs: 150_000 }), 'M: 3 / 27 windows · about 3 min left · cpu');
    assert.equal(segmentationProgressText({ ...running, etaMs: null, device: null }), 'M: 3 / 27 windows');
    assert.equal(segmentationProgressText({ ...running, done: 0, total: 0 }), 'M: starting… · cpu');
  });
});

describe('proposal state', () => {
  it('counts each label from the voxels, lists labels the host left out, and keeps no buffers', () => {
    const p = proposal(1, 'M', [0, 2, 2, 5]);
    const info = describeProposal(p, doc.spacing);
    const count = (l: number) => new Uint8Array(p.labelData).filter((v) => v === l).length;
    assert.deepEqual(info.labels, [{ label: 2, name: 'edema', voxels: count(2) }, { label: 5, name: 'label 5', voxels: count(5) }]);
    assert.deepEqual(Object.keys(info).sort(), ['device', 'id', 'labels', 'model', 'threshold']);
  });

  it('shows outlines and the heat map, takes over from other layers, and removes or replaces them', () => {
    let s = fresh();
    s = { ...s, ...upsertOverlayLayer(s, { kind: 'labels', name: 'seg', data: new ArrayBuffer(N), colors: [] }) };
    s = show(s, proposal(1, 'A', [0, 2]));
    assert.deepEqual(layers(s), ['seg:hidden', 'Proposal (A):shown:outline', 'Proposal probability:shown']);
    assert.equal(s.proposal?.id, 1);
    // Same model, new run: the layers stay (with the user's settings) and are shown again.
    s = { ...s, overlays: s.overlays.map((l) => (l.name === 'Proposal (A)' ? { ...l, visible: false, outline: false } : l)) };
    s = show(s, proposal(2, 'A', [0, 2]));
    assert.deepEqual(layers(s), ['seg:hidden', 'Proposal (A):shown', 'Proposal probability:shown']);
    // Another model: its layer replaces the old one's.
    s = show(s, proposal(3, 'B', [0, 2]));
    assert.deepEqual(layers(s), ['seg:hidden', 'Proposal probability:shown', 'Proposal (B):shown:outline']);
    s = show(s, null);
    assert.deepEqual(layers(s), ['seg:hidden']);
    assert.equal(s.proposal, null);
  });
});
