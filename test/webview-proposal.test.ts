// Model-assisted segmentation in the real viewer (headless Chromium, software WebGL2): a proposal shows as an
// outline layer and a heat map, the Segmentation panel lists its labels and posts exactly the requests its buttons
// stand for, an accepted proposal arrives as a host maskEdit, and a removed proposal leaves the image as it was.
// Expected pixels are built per voxel from the proposal's own arrays (4-neighbour edges, the hot map's definition,
// alpha blending) over a screenshot without the proposal; counts come from counting the arrays here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { acceptProposal, encodeEdit } from '../src/core/labels';
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol';
import { ViewerHarness, type ViewerPage } from './webview-harness';
import { AXIAL_Z, ML_PER_VOXEL, openMarkers, statsRow } from './webview-editing-helpers';
import type { DocumentOptions } from './webview-host';
import {
  BRATS, VOXELS, X, Y, axialShot, countOf, hot, idx, layerSection, makeProposal, mix, onBorder, proposalMessages, rangeValue,
  type Rgb,
} from './webview-proposal-helpers';
import { boxPixels, near } from './webview-screen';

let harness: ViewerHarness;
before(async () => { harness = await ViewerHarness.start(); });
after(async () => { await harness?.close(); });

async function open(options: DocumentOptions = {}): Promise<ViewerPage> {
  return (await openMarkers(harness, options)).viewer;
}

describe('proposal overlays', () => {
  it('shows the labels as outlines in the label colours and the heat map above its threshold, per voxel', async () => {
    const viewer = await open();
    try {
      const plain = await axialShot(viewer);
      const { proposal, labels, probability } = makeProposal(7);
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal }));
      const outline = await layerSection(viewer, 'Proposal (TestNet)');
      const heat = await layerSection(viewer, 'Proposal probability');
      assert.equal(outline.kind, 'labels');
      assert.equal(heat.kind, 'probability');
      assert.equal(await viewer.page.locator(`#${outline.prefix}-outline`).getAttribute('checked'), '', 'outline by default');
      const labelOpacity = await rangeValue(viewer, `${outline.prefix}-opacity`);
      const heatOpacity = await rangeValue(viewer, `${heat.prefix}-opacity`);
      const threshold = await rangeValue(viewer, `${heat.prefix}-threshold`);
      assert.ok(threshold > 0.05 && threshold < 0.3, `the test's 0.05 strip is under the threshold, its 0.3 ring over it (${threshold})`);
      const shown = await axialShot(viewer);
      let outlined = 0, heated = 0, untouched = 0;
      for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
        const i = idx(x, y, AXIAL_Z);
        let expected: Rgb = plain.at(x, y);
        const q = probability[i]!;
        if (q > 0 && q >= threshold) { expected = mix(expected, hot(q), heatOpacity); heated++; }
        const l = labels[i]!;
        if (l > 0 && onBorder(labels, x, y, AXIAL_Z)) { expected = mix(expected, BRATS[l]!, labelOpacity); outlined++; }
        if (!(q >= threshold) && !(l > 0)) untouched++;
        const got = shown.at(x, y);
        assert.ok(near(got, expected, 3), `voxel ${x},${y} (label ${l}, p ${q}): ${got}, expected ${expected.map(Math.round)}`);
      }
      assert.ok(outlined > 20 && heated > outlined && untouched > 100, `${outlined} outlined, ${heated} heated, ${untouched} untouched`);
      // The interior of label 2 is not green: only its border is.
      assert.ok(!near(shown.at(6, 6), BRATS[2]!, 40), `label 2 interior: ${shown.at(6, 6)}`);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('proposal null removes both layers and their pixels: the slice is the image without a proposal again', async () => {
    const viewer = await open();
    try {
      const box = await viewer.sliceBox('axial');
      const before = boxPixels(await viewer.screenshot(), box);
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(3).proposal }));
      assert.notDeepEqual(boxPixels(await viewer.screenshot(), box), before, 'the proposal is drawn');
      assert.equal(await viewer.page.locator('.swv-overlay[data-overlay^="Proposal"]').count(), 2);
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: null }));
      assert.equal(await viewer.page.locator('.swv-overlay[data-overlay^="Proposal"]').count(), 0, 'Layers sections gone');
      assert.equal(await viewer.page.locator('#swv-proposal').isVisible(), false);
      assert.deepEqual(boxPixels(await viewer.screenshot(), box), before, 'pixels as before the proposal');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });
});

describe('Segmentation panel', () => {
  it('lists the proposed labels with voxels and mL counted here from the label data, colour swatches and the model', async () => {
    const viewer = await open();
    try {
      assert.equal(await viewer.page.locator('#swv-proposal').isVisible(), false, 'no proposal yet');
      const made = makeProposal(11);
      const { labels } = made;
      // The host's list leaves label 1 out: the table still shows every label the voxels hold, counted from them.
      const proposal = { ...made.proposal, labels: made.proposal.labels.filter((l) => l.label !== 1) };
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal }));
      const section = viewer.page.locator('#swv-proposal');
      assert.equal(await section.isVisible(), true);
      assert.equal(await section.getAttribute('data-proposal-id'), '11');
      assert.match(await section.innerText(), /TestNet/);
      assert.match(await section.innerText(), /cpu/);
      const rows = section.locator('tr[data-label]');
      const listed = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-label'))));
      assert.deepEqual(listed, [1, 2, 4]);
      for (const label of listed) {
        const row = section.locator(`tr[data-label="${label}"]`);
        const voxels = countOf(labels, label);
        assert.ok(voxels > 0);
        assert.equal(Number(await row.getAttribute('data-voxels')), voxels, `label ${label} voxels`);
        assert.ok(Math.abs(Number(await row.getAttribute('data-ml')) - voxels * ML_PER_VOXEL) < 1e-9, `label ${label} mL`);
        const text = await row.innerText();
        assert.match(text, new RegExp(`\\b${voxels}\\b`));
        assert.match(text, new RegExp((voxels * ML_PER_VOXEL).toFixed(2).replace('.', '\\.')));
        const swatch = await row.locator('.swv-swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.equal(swatch, `rgb(${BRATS[label]!.join(', ')})`);
        assert.equal(await row.locator(`.swv-accept-label[data-label="${label}"]`).count(), 1);
      }
      assert.match(await section.locator('tr[data-label="1"]').innerText(), /label 1/);
      assert.match(await section.locator('tr[data-label="4"]').innerText(), /enhancing tumor/);
    } finally {
      await viewer.close();
    }
  });

  it('each button posts its exact request with the proposal id; the checkbox sets overwriteEdits; nothing is painted', async () => {
    const viewer = await open();
    try {
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(21).proposal }));
      const page = viewer.page;
      const overwrite = page.locator('#swv-overwrite-edits');
      assert.equal(await overwrite.getAttribute('checked'), null, 'off by default');
      await viewer.act(() => page.locator('#swv-accept-all').click());
      await viewer.act(() => overwrite.click());
      await viewer.act(() => page.locator('.swv-accept-label[data-label="4"]').click());
      await viewer.act(() => page.locator('#swv-accept-unlabelled').click());
      await viewer.act(() => overwrite.click());
      await viewer.act(() => page.locator('.swv-accept-label[data-label="2"]').click());
      await viewer.act(() => page.locator('#swv-discard-proposal').click());
      // A new proposal: its id in the requests, and the box back to off.
      await viewer.act(() => overwrite.click());
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(22).proposal }));
      assert.equal(await overwrite.getAttribute('checked'), null, 'a new proposal starts with the box off');
      await viewer.act(() => page.locator('#swv-accept-all').click());
      assert.deepEqual(proposalMessages(await viewer.posted()), [
        { type: 'acceptProposal', proposalId: 21, choice: { mode: { kind: 'all' }, overwriteEdits: false } },
        { type: 'acceptProposal', proposalId: 21, choice: { mode: { kind: 'label', label: 4 }, overwriteEdits: true } },
        { type: 'acceptProposal', proposalId: 21, choice: { mode: { kind: 'unlabelled' }, overwriteEdits: true } },
        { type: 'acceptProposal', proposalId: 21, choice: { mode: { kind: 'label', label: 2 }, overwriteEdits: false } },
        { type: 'discardProposal', proposalId: 21 },
        { type: 'acceptProposal', proposalId: 22, choice: { mode: { kind: 'all' }, overwriteEdits: false } },
      ]);
      // The webview never writes the mask itself on accept: no edit, stats still empty.
      assert.equal((await viewer.edits()).length, 0);
      for (const label of [1, 2, 4]) assert.equal((await statsRow(viewer, label)).voxels, 0);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a maskEdit caused by accept updates the mask layer and the stats; the proposal message that follows removes it', async () => {
    const viewer = await open();
    try {
      const plain = await axialShot(viewer);
      const { proposal, labels } = makeProposal(31);
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal }));
      await viewer.act(() => viewer.page.locator('#swv-accept-all').click());
      // The host's answer, as the host computes it: the accepted voxels as one edit of its (empty) mask.
      const hostMask = new Uint8Array(VOXELS);
      const edit = acceptProposal(hostMask, labels, null, { mode: { kind: 'all' }, overwriteEdits: false });
      await viewer.act(() => viewer.deliver({ type: 'maskEdit', edit: encodeEdit(edit), cause: 'accept' }));
      for (const label of [1, 2, 4]) {
        const row = await statsRow(viewer, label);
        assert.equal(row.voxels, countOf(labels, label), `label ${label} in the stats`);
        assert.ok(Math.abs(row.ml - countOf(labels, label) * ML_PER_VOXEL) < 1e-9);
      }
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: null }));
      assert.equal(await viewer.page.locator('.swv-overlay[data-overlay^="Proposal"]').count(), 0);
      assert.equal(await viewer.page.locator('#swv-proposal').isVisible(), false);
      // The mask (filled, opacity 1) now shows every accepted voxel in its label's colour; the rest is the image.
      const after = await axialShot(viewer);
      for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
        const l = labels[idx(x, y, AXIAL_Z)]!;
        const expected = l > 0 ? BRATS[l]! : plain.at(x, y);
        assert.ok(near(after.at(x, y), expected, 2), `voxel ${x},${y} (label ${l}): ${after.at(x, y)} vs ${expected}`);
      }
      assert.equal((await viewer.edits()).length, 0, 'the host edit is not echoed back');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a running segmentation shows its progress and Cancel and disables Segment; idle hides them; Segment posts segment', async () => {
    const viewer = await open();
    try {
      const page = viewer.page;
      const progress = page.locator('#swv-segment-progress');
      assert.equal(await progress.isVisible(), false);
      assert.equal(await page.locator('#swv-segment-cancel').isVisible(), false);
      await viewer.act(() => page.locator('#swv-segment').click());
      const running = { phase: 'running', model: 'TestNet', done: 3, total: 27, etaMs: 40_000, device: 'cpu' } as const;
      await viewer.act(() => viewer.deliver({ type: 'segmentation', status: running }));
      assert.equal(await progress.isVisible(), true);
      assert.equal(await progress.getAttribute('data-done'), '3');
      assert.equal(await progress.getAttribute('data-total'), '27');
      const text = await progress.innerText();
      for (const part of ['TestNet', '3 / 27', '40 s', 'cpu']) assert.ok(text.includes(part), `"${part}" in "${text}"`);
      assert.equal(await page.locator('#swv-segment').getAttribute('disabled'), '', 'Segment is disabled while running');
      await viewer.act(() => viewer.deliver({ type: 'segmentation', status: { ...running, done: 26, etaMs: 2_000 } }));
      assert.equal(await progress.getAttribute('data-done'), '26');
      assert.match(await progress.innerText(), /26 \/ 27.*2 s/);
      await viewer.act(() => page.locator('#swv-segment-cancel').click());
      await viewer.act(() => viewer.deliver({ type: 'segmentation', status: { phase: 'idle' } }));
      assert.equal(await progress.isVisible(), false);
      assert.equal(await page.locator('#swv-segment-cancel').isVisible(), false);
      assert.equal(await page.locator('#swv-segment').getAttribute('disabled'), null);
      await viewer.act(() => page.locator('#swv-segment').click());
      assert.deepEqual(proposalMessages(await viewer.posted()), [{ type: 'segment' }, { type: 'cancelSegmentation' }, { type: 'segment' }]);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });
});

describe('proposal lifecycle', () => {
  it('an init carrying a proposal and a running segmentation shows both (a re-created webview)', async () => {
    const { proposal, labels } = makeProposal(41);
    const viewer = await open({
      proposal, segmentation: { phase: 'running', model: 'TestNet', done: 1, total: 8, etaMs: null, device: null },
    });
    try {
      assert.equal(await viewer.page.locator('#swv-proposal').getAttribute('data-proposal-id'), '41');
      assert.equal(Number(await viewer.page.locator('#swv-proposal tr[data-label="2"]').getAttribute('data-voxels')), countOf(labels, 2));
      assert.equal(await viewer.page.locator('.swv-overlay[data-overlay="Proposal (TestNet)"]').count(), 1);
      assert.equal(await viewer.page.locator('.swv-overlay[data-overlay="Proposal probability"]').count(), 1);
      assert.equal(await viewer.page.locator('#swv-segment-progress').getAttribute('data-done'), '1');
      const { at } = await axialShot(viewer);
      assert.ok(near(at(3, 6), BRATS[2]!, 2), `label 2's border is drawn: ${at(3, 6)}`);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('a new proposal replaces the old one: another model\'s layer goes, the same model\'s keeps its settings', async () => {
    const viewer = await open();
    try {
      const page = viewer.page;
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(51, 'NetA').proposal }));
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(52, 'NetB').proposal }));
      const names = () => page.locator('.swv-overlay[data-overlay^="Proposal"]').evaluateAll((s) => s.map((e) => e.getAttribute('data-overlay')));
      assert.deepEqual(await names(), ['Proposal probability', 'Proposal (NetB)']);
      assert.equal(await page.locator('#swv-proposal').getAttribute('data-proposal-id'), '52');
      // Filled instead of outlined, then a new run of the same model: still filled (interior green).
      const outline = await layerSection(viewer, 'Proposal (NetB)');
      await viewer.act(() => page.locator(`#${outline.prefix}-outline`).click());
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(53, 'NetB').proposal }));
      assert.deepEqual(await names(), ['Proposal probability', 'Proposal (NetB)']);
      assert.ok(near((await axialShot(viewer)).at(6, 6), BRATS[2]!, 2), 'interior filled: the setting was kept');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('the outline follows the label picker\'s colours', async () => {
    const viewer = await open();
    try {
      await viewer.act(() => viewer.deliver({ type: 'proposal', proposal: makeProposal(61).proposal }));
      assert.ok(near((await axialShot(viewer)).at(3, 6), BRATS[2]!, 2));
      const labels = DEFAULT_EDITOR_SETTINGS.labels.map((l) => (l.label === 2 ? { ...l, rgb: [255, 0, 255] as const } : l));
      await viewer.act(() => viewer.deliver({
        type: 'settings', settings: { convention: 'radiological', layout: '1x3', editor: { ...DEFAULT_EDITOR_SETTINGS, labels } },
      }));
      const at = (await axialShot(viewer)).at(3, 6);
      assert.ok(near(at, [255, 0, 255], 2), `label 2's border in the new colour: ${at}`);
      const swatch = await viewer.page.locator('#swv-proposal tr[data-label="2"] .swv-swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(swatch, 'rgb(255, 0, 255)');
    } finally {
      await viewer.close();
    }
  });
});
