// Pure host-side rules of the mask editor: where masks are looked for and what new ones are called
// (mask-discovery.ts), and the swinfuse.editor settings (labels, shortcuts) with their validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EDITOR_SETTINGS, DEFAULT_SHORTCUTS } from '../src/core/viewer-protocol/messages';
import {
  DEFAULT_MASK_PATTERNS, defaultMaskName, findMaskFile, freeMaskName, readMaskPatterns,
} from '../src/extension/viewer/mask-discovery';
import { labelsToSetting, readLabels, readShortcuts } from '../src/extension/viewer/viewer-settings';
import { recordingLog } from './helpers/viewer-host';

const warnings = (log: ReturnType<typeof recordingLog>) => log.lines.filter((l) => l.level === 'warn').map((l) => l.message);

describe('mask names', () => {
  it('finds NAME_seg.nii.gz, NAME.seg.nii.gz, configured patterns, the older names and the BraTS case seg', () => {
    const p = DEFAULT_MASK_PATTERNS;
    assert.equal(findMaskFile('head.nii.gz', ['head.nii.gz', 'head_seg.nii.gz', 'head.seg.nii.gz'], p), 'head_seg.nii.gz');
    assert.equal(findMaskFile('head.nii', ['head.nii', 'HEAD.SEG.NII.GZ'], p), 'HEAD.SEG.NII.GZ');
    assert.equal(findMaskFile('head.nii', ['head.nii', 'head_mask.nii'], p), 'head_mask.nii', 'the older names still count');
    assert.equal(findMaskFile('head.nii.gz', ['head_seg.nii.gz', 'labels/head.nii.gz', 'head-gt.nii'], ['{name}-gt.nii']), 'head-gt.nii');
    assert.equal(findMaskFile('head.nii.gz', ['head_seg.nii.gz', 'head-gt.nii'], ['{name}-gt.nii']), 'head-gt.nii', 'patterns first');
    assert.equal(findMaskFile('BraTS2021_00001_t1.nii.gz', ['BraTS2021_00001_seg.nii.gz'], p), 'BraTS2021_00001_seg.nii.gz');
    assert.equal(findMaskFile('BraTS-GLI-00002-000-t2f.nii.gz', ['BraTS-GLI-00002-000-seg.nii.gz'], p), 'BraTS-GLI-00002-000-seg.nii.gz');
    assert.equal(findMaskFile('head.nii.gz', ['head.nii.gz', 'other_seg.nii.gz'], p), undefined);
    assert.equal(findMaskFile('x_seg.nii.gz', ['x_seg.nii.gz'], ['x_seg.nii.gz'.replace('x_seg', '{name}')]), undefined, 'never the image');
  });

  it('names a new mask by the first pattern, or the BraTS case seg shared by its modalities', () => {
    assert.equal(defaultMaskName('head.nii.gz', DEFAULT_MASK_PATTERNS), 'head_seg.nii.gz');
    assert.equal(defaultMaskName('head.nii', ['{name}.labels.nii']), 'head.labels.nii');
    assert.equal(defaultMaskName('BraTS2021_00001_flair.nii.gz', ['{name}.labels.nii']), 'BraTS2021_00001_seg.nii.gz');
    assert.equal(defaultMaskName('BraTS-GLI-00002-000-t1n.nii.gz', DEFAULT_MASK_PATTERNS), 'BraTS-GLI-00002-000-seg.nii.gz');
  });

  it('picks a free name that does not exist yet', () => {
    assert.equal(freeMaskName('head_seg.nii.gz', ['head.nii.gz']), 'head_seg.nii.gz');
    assert.equal(freeMaskName('head_seg.nii.gz', ['HEAD_SEG.nii.gz', 'head_seg-2.nii.gz']), 'head_seg-3.nii.gz');
    assert.equal(freeMaskName('m.nii', ['m.nii']), 'm-2.nii');
  });

  it('validates swinfuse.mask.patterns, dropping bad entries with a log line', () => {
    const log = recordingLog();
    assert.deepEqual(readMaskPatterns(undefined, log), DEFAULT_MASK_PATTERNS);
    assert.deepEqual(readMaskPatterns(['{name}-gt.nii.gz', 'seg.nii.gz', 'masks/{name}.nii', '{name}.png', 3], log), ['{name}-gt.nii.gz']);
    assert.deepEqual(readMaskPatterns([], log), DEFAULT_MASK_PATTERNS);
    assert.deepEqual(readMaskPatterns('x', log), DEFAULT_MASK_PATTERNS);
    assert.deepEqual(warnings(log), [
      'swinfuse.mask.patterns: "seg.nii.gz" has no {name}; ignored',
      'swinfuse.mask.patterns: "masks/{name}.nii" names a folder; masks are looked for beside the image; ignored',
      'swinfuse.mask.patterns: "{name}.png" does not end in .nii or .nii.gz; ignored',
      'swinfuse.mask.patterns: 3 is not a string; ignored',
      'swinfuse.mask.patterns: no valid pattern; using the defaults',
      'swinfuse.mask.patterns: "x" is not an array of patterns; using the defaults',
    ]);
  });
});

describe('swinfuse.editor.labels', () => {
  it('defaults to BraTS 1 necrotic core red, 2 edema green, 4 enhancing tumor blue', () => {
    assert.deepEqual(readLabels(undefined), [
      { label: 1, name: 'necrotic core', rgb: [255, 0, 0] },
      { label: 2, name: 'edema', rgb: [0, 255, 0] },
      { label: 4, name: 'enhancing tumor', rgb: [0, 0, 255] },
    ]);
  });

  it('reads valid entries and drops invalid ones with a log line', () => {
    const log = recordingLog();
    const labels = readLabels([
      { label: 3, name: ' cyst ', color: '#FF8000' },
      { label: 0, name: 'background', color: '#000000' },
      { label: 256, name: 'big', color: '#000000' },
      { label: 2.5, name: 'half', color: '#000000' },
      { label: 5, name: '', color: '#000000' },
      { label: 6, name: 'six', color: 'red' },
      { label: 3, name: 'again', color: '#010203' },
      'seven',
      { label: 255, name: 'last', color: '#0a0b0c' },
    ], log);
    assert.deepEqual(labels, [{ label: 3, name: 'cyst', rgb: [255, 128, 0] }, { label: 255, name: 'last', rgb: [10, 11, 12] }]);
    assert.equal(warnings(log).length, 7);
    assert.match(warnings(log)[0]!, /^swinfuse\.editor\.labels\[1\]: .* has no label 1\.\.255 \(0 is the background\); ignored$/);
    assert.match(warnings(log)[5]!, /^swinfuse\.editor\.labels\[6\]: .* repeats label 3; ignored$/);
  });

  it('falls back to the BraTS labels when nothing valid is left, and never throws', () => {
    const log = recordingLog();
    for (const value of [[], [{ label: 0 }], 'labels', 42, { label: 1 }]) assert.deepEqual(readLabels(value, log), DEFAULT_EDITOR_SETTINGS.labels);
    assert.equal(warnings(log).length, 6, warnings(log).join("\n"));
  });

  it('turns the webview\'s label list into the setting, or says why it cannot', () => {
    assert.deepEqual(labelsToSetting([{ label: 1, name: 'core', rgb: [255, 0, 16] }]), { value: [{ label: 1, name: 'core', color: '#ff0010' }] });
    assert.deepEqual(labelsToSetting('x'), { problem: 'the labels are not a list' });
    assert.deepEqual(labelsToSetting([]), { problem: 'the list is empty' });
    assert.deepEqual(labelsToSetting([{ label: 1, name: 'a', rgb: [0, 0, 256] }]), { problem: 'label 0 has no colour of three integers 0..255' });
    assert.deepEqual(labelsToSetting([{ label: 1, name: 'a', rgb: [0, 0, 0] }, { label: 1, name: 'b', rgb: [0, 0, 0] }]),
      { problem: 'label 1 repeats label 1' });
    assert.deepEqual(labelsToSetting([{ label: 0, name: 'a', rgb: [0, 0, 0] }]), { problem: 'label 0 has no label 1..255 (0 is the background)' });
  });
});

describe('swinfuse.editor.shortcuts', () => {
  it('merges valid keys over the defaults', () => {
    assert.deepEqual(readShortcuts(undefined), DEFAULT_SHORTCUTS);
    assert.deepEqual(readShortcuts({ brush: 'p', fill: 'Shift+F', interpolate: 'Alt+i', navigate: 'Escape' }),
      { ...DEFAULT_SHORTCUTS, brush: 'p', fill: 'Shift+F', interpolate: 'Alt+i', navigate: 'Escape' });
  });

  it('drops unknown actions, non-keys, Ctrl/Cmd combinations and digits, keeping the default key', () => {
    const log = recordingLog();
    const got = readShortcuts({ paint: 'p', brush: 'Ctrl+b', eraser: '3', fill: '', toggleShape3d: 7, nextLabel: 'two words' }, log);
    assert.deepEqual(got, DEFAULT_SHORTCUTS);
    assert.deepEqual(warnings(log), [
      'swinfuse.editor.shortcuts: "paint" is not an action (navigate, brush, eraser, fill, brushSmaller, brushLarger, toggleShape3d, toggleThreshold, interpolate, nextLabel, previousLabel); ignored',
      'swinfuse.editor.shortcuts.brush: "Ctrl+b" uses Ctrl or Cmd, which VS Code keeps for its own commands; keeping "b"',
      'swinfuse.editor.shortcuts.eraser: "3" is a digit, which picks a label; keeping "e"',
      'swinfuse.editor.shortcuts.fill: "" is not a key; keeping "f"',
      'swinfuse.editor.shortcuts.toggleShape3d: 7 is not a key; keeping "d"',
      'swinfuse.editor.shortcuts.nextLabel: "two words" is not a key (e.g. "b", "]", "Shift+d", "ArrowUp"); keeping "."',
    ]);
  });

  it('never puts one key on two actions: a key taken by another action is dropped, a swap is kept', () => {
    const log = recordingLog();
    assert.deepEqual(readShortcuts({ brush: 'E' }, log), DEFAULT_SHORTCUTS);
    assert.deepEqual(warnings(log), ['swinfuse.editor.shortcuts.brush: "E" is already the key of eraser; keeping "b"']);
    assert.deepEqual(readShortcuts({ brush: 'e', eraser: 'b' }), { ...DEFAULT_SHORTCUTS, brush: 'e', eraser: 'b' });
    // The same key spelt with its modifiers in another order is still the same key.
    const reordered = recordingLog();
    assert.deepEqual(readShortcuts({ brush: 'Alt+Shift+p', eraser: 'shift+alt+P' }, reordered), { ...DEFAULT_SHORTCUTS, brush: 'Alt+Shift+p' });
    assert.equal(warnings(reordered).length, 1);
    assert.deepEqual(readShortcuts(['b']), DEFAULT_SHORTCUTS);
  });
});
