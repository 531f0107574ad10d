// A file's contrast from its name, a case's siblings, and files matched to a card's channels whatever order they
// come in. The real folders in ../shared/fixtures/real-brats follow no one scheme; what each file holds is taken
// from that folder's README, not from our code.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { caseSiblings, contrastOf, contrastOfFileName, matchChannelFiles, siblingChannelFiles } from '../src/core/inference/contrast-names';
import { realBratsFixtures } from './helpers/paths';

const BRATS = ['flair', 't1ce', 't1', 't2'];

describe('a contrast from a file name', () => {
  it('reads BraTS 2018–2021, 2023, bare and token names, case-insensitively', () => {
    const cases: [string, string | undefined][] = [
      ['BraTS2021_00001_flair.nii.gz', 'flair'], ['BraTS2021_00001_t1ce.nii.gz', 't1ce'], ['BraTS2021_00001_T1.nii', 't1'],
      ['Brats18_CBICA_AAB_1_t2.nii.gz', 't2'], ['BraTS-GLI-00001-000-t2f.nii.gz', 'flair'], ['BraTS-GLI-00001-000-t1c.nii.gz', 't1ce'],
      ['BraTS-GLI-00001-000-t1n.nii.gz', 't1'], ['BraTS-GLI-00001-000-t2w.nii.gz', 't2'], ['flair.nii.gz', 'flair'],
      ['t1c.nii.gz', 't1ce'], ['T2.nii.gz', 't2'], ['T1c_subtrMeanDivStd.nii.gz', 't1ce'], ['Flair_subtrMeanDivStd.nii.gz', 'flair'],
      ['sub-01_ses-1_T1w.nii.gz', 't1'], ['sub-01_FLAIR.nii.gz', 'flair'], ['case7.T1Gd.nii', 't1ce'],
      ['case_seg.nii.gz', undefined], ['OTMultiClass.nii.gz', undefined], ['brats_2013_pat0001_1.nii.gz', undefined],
      ['t1ce_extra.txt', 't1ce'], ['scan.nii.gz', undefined], ['t12.nii.gz', undefined], ['xt1.nii.gz', undefined],
    ];
    for (const [name, want] of cases) assert.equal(contrastOf(name), want, name);
  });

  it('calls a name with two different contrast tokens ambiguous, and keys a case by the rest of the name', () => {
    assert.deepEqual(contrastOfFileName('t1_to_flair.nii.gz'), { ambiguous: ['t1', 'flair'] });
    assert.deepEqual(contrastOfFileName('Case_T1CE.nii.gz'), { contrast: 't1ce', caseKey: 'case_{}', around: ['Case_', '.nii.gz'] });
    assert.deepEqual(contrastOfFileName('dir/T1c_subtrMeanDivStd.nii.gz'),
      { contrast: 't1ce', caseKey: '{}_subtrmeandivstd', around: ['', '_subtrMeanDivStd.nii.gz'] });
  });
});

describe('siblings of one file', () => {
  it('finds the others of its case only, one per contrast, the .nii.gz before a .nii twin', () => {
    const folder = ['A_t1.nii.gz', 'A_flair.nii.gz', 'A_t1ce.nii.gz', 'A_t2.nii', 'A_t2.nii.gz', 'A_seg.nii.gz', 'B_t1.nii.gz', 'A-t1n.nii.gz', 'A_t2.txt'];
    assert.deepEqual(caseSiblings('A_t1.nii.gz', folder)?.map((s) => `${s.modality}:${s.name}`),
      ['t1:A_t1.nii.gz', 'flair:A_flair.nii.gz', 't1ce:A_t1ce.nii.gz', 't2:A_t2.nii.gz']);
    assert.equal(caseSiblings('A_seg.nii.gz', folder), undefined);
  });

  // Every naming in real-brats, from each of its contrast files: what the folder README says each file holds.
  const realCases: { folder: string; want: Record<string, string> }[] = [
    { folder: 'BraTS-GLI-00001-000', want: { flair: 'BraTS-GLI-00001-000-t2f.nii.gz', t1ce: 'BraTS-GLI-00001-000-t1c.nii.gz', t1: 'BraTS-GLI-00001-000-t1n.nii.gz', t2: 'BraTS-GLI-00001-000-t2w.nii.gz' } },
    { folder: 'BraTS-MET-00110-000', want: { flair: 'flair.nii.gz', t1ce: 't1c.nii.gz', t1: 't1.nii.gz', t2: 't2.nii.gz' } },
    { folder: 'BraTS20-001-sri24', want: { flair: 't2f.nii.gz', t1ce: 't1c.nii.gz', t1: 't1n.nii.gz', t2: 't2w.nii.gz' } },
    { folder: 'brats2015-flair-t1c/test/brats_2013_pat0001_1', want: { flair: 'Flair_subtrMeanDivStd.nii.gz', t1ce: 'T1c_subtrMeanDivStd.nii.gz' } },
  ];
  for (const { folder, want } of realCases) {
    it(`real-brats/${folder}: found from each of its files`, () => {
      const listed = readdirSync(join(realBratsFixtures, folder));
      for (const opened of Object.values(want)) {
        const found = siblingChannelFiles(opened, listed, BRATS);
        assert.deepEqual(found, BRATS.map((c) => want[c]), `from ${opened}`);
      }
    });
  }
});

describe('files matched to a card\'s channels', () => {
  it('puts shuffled named files in the card\'s order and says how', () => {
    const files = ['c_t1.nii.gz', 'c_t1ce.nii.gz', 'c_t2.nii.gz', 'c_flair.nii.gz'];
    const m = matchChannelFiles(files, BRATS);
    assert.deepEqual(m.order, [3, 1, 0, 2]);
    assert.equal(m.byName, true);
    assert.deepEqual(m.lines, ['flair ← c_flair.nii.gz (by name)', 't1ce ← c_t1ce.nii.gz (by name)', 't1 ← c_t1.nii.gz (by name)', 't2 ← c_t2.nii.gz (by name)']);
  });

  it('keeps the order given for names that say nothing, or channels that are not contrasts', () => {
    assert.deepEqual(matchChannelFiles(['a.nii', 'b.nii', 'c.nii', 'd.nii'], BRATS).order, [0, 1, 2, 3]);
    assert.equal(matchChannelFiles(['a.nii', 'b.nii'], ['ct', 'pet']).byName, false);
    assert.deepEqual(matchChannelFiles(['t2.nii', 'x.nii', 'flair.nii', 'y.nii'], BRATS).order, [2, 1, 3, 0]);
  });

  it('refuses two files of one contrast, a contrast the card does not take, and an ambiguous name', () => {
    assert.throws(() => matchChannelFiles(['a_t1.nii', 'b_T1.nii', 'c.nii', 'd.nii'], BRATS), /a_t1\.nii and b_T1\.nii both name t1/);
    assert.throws(() => matchChannelFiles(['a_t2.nii', 'a_flair.nii'], ['flair', 't1ce']), /a_t2\.nii: its name says t2, which the model does not take \(it takes flair, t1ce\)/);
    assert.throws(() => matchChannelFiles(['t1_to_flair.nii', 'a.nii', 'b.nii', 'c.nii'], BRATS), /t1_to_flair\.nii: its name names several contrasts \(t1, flair\)/);
  });
});
