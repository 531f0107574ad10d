// File-name conventions the viewer follows to find what belongs with an opened scan: BraTS sibling modalities
// (shown as channels) and a label mask beside the image (shown as an overlay). Pure string logic. The BraTS naming
// rules live in core (src/core/inference/brats-siblings.ts), where `swinfuse segment` shares them.
import { parseBratsName } from '../../core/inference/brats-siblings';

const NIFTI_EXTENSION = /\.nii(\.gz)?$/i;

/**
 * A label mask beside the opened image, if one of the usual names exists: NAME_seg, NAME.mask, NAME_mask, or the
 * BraTS case's `<case>_seg` / `<case>-seg`; .nii.gz or .nii, case-insensitive. Returns the name as listed.
 */
export function findLabelFile(opened: string, folderFiles: readonly string[]): string | undefined {
  const stem = opened.replace(NIFTI_EXTENSION, '');
  const stems = [`${stem}_seg`, `${stem}.mask`, `${stem}_mask`];
  const brats = parseBratsName(opened);
  if (brats) stems.push(`${brats.prefix}${brats.separator}seg`);
  const listed = new Map(folderFiles.map((name) => [name.toLowerCase(), name]));
  for (const candidate of stems) {
    for (const extension of ['.nii.gz', '.nii']) {
      const found = listed.get(`${candidate}${extension}`.toLowerCase());
      if (found && found !== opened) return found;
    }
  }
  return undefined;
}
