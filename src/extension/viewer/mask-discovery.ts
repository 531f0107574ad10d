// Which file beside an image holds its mask, and what a new mask is called. Pure string logic: the configured
// patterns (swinfuse.mask.patterns) come first, then the names the viewer has always recognised (scan-names.ts).
import type { Logger } from './host-ports';
import { parseBratsName } from '../../core/inference/brats-siblings';
import { findLabelFile } from './scan-names';

export const DEFAULT_MASK_PATTERNS: readonly string[] = ['{name}_seg.nii.gz', '{name}.seg.nii.gz'];

const NIFTI_EXTENSION = /\.nii(\.gz)?$/i;

/** The image's name without .nii/.nii.gz: what `{name}` stands for. */
export function imageStem(image: string): string {
  return image.replace(NIFTI_EXTENSION, '');
}

/**
 * The configured patterns that can name a mask: strings with `{name}`, ending in .nii or .nii.gz, no folders (a
 * mask lives beside its image). Invalid entries are dropped with a log line; none left means the defaults.
 */
export function readMaskPatterns(value: unknown, log?: Logger): readonly string[] {
  if (value === undefined || value === null) return DEFAULT_MASK_PATTERNS;
  if (!Array.isArray(value)) {
    log?.warn(`swinfuse.mask.patterns: ${JSON.stringify(value)} is not an array of patterns; using the defaults`);
    return DEFAULT_MASK_PATTERNS;
  }
  const patterns: string[] = [];
  for (const entry of value) {
    const problem = typeof entry !== 'string' ? 'is not a string'
      : !entry.includes('{name}') ? 'has no {name}'
        : /[/\\]/.test(entry) ? 'names a folder; masks are looked for beside the image'
          : !NIFTI_EXTENSION.test(entry) ? 'does not end in .nii or .nii.gz'
            : undefined;
    if (problem) log?.warn(`swinfuse.mask.patterns: ${JSON.stringify(entry)} ${problem}; ignored`);
    else patterns.push(entry);
  }
  if (patterns.length === 0) {
    log?.warn('swinfuse.mask.patterns: no valid pattern; using the defaults');
    return DEFAULT_MASK_PATTERNS;
  }
  return patterns;
}

function applyPattern(pattern: string, image: string): string {
  return pattern.split('{name}').join(imageStem(image));
}

/**
 * The mask file beside `image` among `folderFiles` (names as listed): the patterns in order, then NAME_seg,
 * NAME.mask, NAME_mask and the BraTS case's seg, .nii.gz or .nii, case-insensitively. Never the image itself.
 */
export function findMaskFile(image: string, folderFiles: readonly string[], patterns: readonly string[]): string | undefined {
  const listed = new Map(folderFiles.map((name) => [name.toLowerCase(), name]));
  for (const pattern of patterns) {
    const found = listed.get(applyPattern(pattern, image).toLowerCase());
    if (found && found.toLowerCase() !== image.toLowerCase()) return found;
  }
  return findLabelFile(image, folderFiles);
}

/**
 * Where a new mask is saved: the first pattern's name, except that all modalities of a BraTS case share the
 * case's `<case><sep>seg.nii.gz`, the name BraTS itself uses for the ground truth.
 */
export function defaultMaskName(image: string, patterns: readonly string[]): string {
  const brats = parseBratsName(image);
  if (brats) return `${brats.prefix}${brats.separator}seg.nii.gz`;
  return applyPattern(patterns[0] ?? DEFAULT_MASK_PATTERNS[0]!, image);
}

/** `preferred`, or `NAME-2.nii.gz`, `NAME-3.nii.gz`... : the first that is not in `taken` (case-insensitive). */
export function freeMaskName(preferred: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((name) => name.toLowerCase()));
  if (!used.has(preferred.toLowerCase())) return preferred;
  const extension = NIFTI_EXTENSION.exec(preferred)?.[0] ?? '';
  const stem = preferred.slice(0, preferred.length - extension.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${extension}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

export function isNiftiName(name: string): boolean {
  return NIFTI_EXTENSION.test(name);
}
