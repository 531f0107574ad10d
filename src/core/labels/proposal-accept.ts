// Accepting a model's proposal into the mask. Every write goes through setValues, one call per target value, and
// the per-value edits are composed into ONE edit, so accepting is a single undo step like any brush stroke.
import { composeEdits, EMPTY_EDIT, type LabelEdit } from './label-edit';
import { setValues } from './set-values';
import { checkLabel, IndexList, LabelToolError } from './volume';

/**
 * How a proposal is accepted. Hand-edited voxels (see ManualVoxels) keep their values unless `overwriteEdits`:
 * - all: every other voxel takes the proposal's value, background included;
 * - label: voxels the proposal gives `label` take it;
 * - unlabelled: voxels that are background now take the proposal's label.
 */
export type AcceptMode =
  | { readonly kind: 'all' }
  | { readonly kind: 'label'; readonly label: number }
  | { readonly kind: 'unlabelled' };

export interface AcceptChoice {
  readonly mode: AcceptMode;
  readonly overwriteEdits: boolean;
}

/** Checks a choice that crossed a message boundary; throws a LabelToolError saying what is wrong. */
export function checkAcceptChoice(value: unknown): AcceptChoice {
  const choice = value as Partial<AcceptChoice> | null;
  const mode = choice?.mode as Partial<{ kind: string; label: number }> | undefined;
  if (typeof choice !== 'object' || choice === null || typeof mode !== 'object' || mode === null) {
    throw new LabelToolError('accept: the choice must be an object with a mode');
  }
  if (typeof choice.overwriteEdits !== 'boolean') throw new LabelToolError('accept: overwriteEdits must be true or false');
  if (mode.kind === 'all' || mode.kind === 'unlabelled') return { mode: { kind: mode.kind }, overwriteEdits: choice.overwriteEdits };
  if (mode.kind === 'label') {
    checkLabel(mode.label as number, 'accept: the label');
    if (mode.label === 0) throw new LabelToolError('accept: label 0 is the background, not a proposal label');
    return { mode: { kind: 'label', label: mode.label as number }, overwriteEdits: choice.overwriteEdits };
  }
  throw new LabelToolError(`accept: mode ${JSON.stringify(mode.kind)} is not all, label or unlabelled`);
}

/**
 * Writes the proposal into `mask` as `choice` says and returns the edit of the voxels that changed. `handEdited`
 * is 1 where a voxel must keep its value unless the choice overwrites edits (null: nothing is protected).
 */
export function acceptProposal(
  mask: Uint8Array, proposal: Uint8Array, handEdited: Uint8Array | null, choice: AcceptChoice,
): LabelEdit {
  if (proposal.length !== mask.length) {
    throw new LabelToolError(`accept: the proposal has ${proposal.length} voxels, the mask ${mask.length}`);
  }
  if (handEdited && handEdited.length !== mask.length) {
    throw new LabelToolError(`accept: the hand-edit map has ${handEdited.length} voxels, the mask ${mask.length}`);
  }
  const { mode } = choice;
  const locked = choice.overwriteEdits ? null : handEdited;
  // Indices per target value, gathered in one pass; only voxels whose value would change are listed.
  const byValue = new Map<number, IndexList>();
  for (let i = 0; i < mask.length; i++) {
    const target = proposal[i]!;
    const current = mask[i]!;
    if (target === current || (locked && locked[i])) continue;
    if (mode.kind === 'label' && target !== mode.label) continue;
    if (mode.kind === 'unlabelled' && (current !== 0 || target === 0)) continue;
    let list = byValue.get(target);
    if (!list) byValue.set(target, list = new IndexList());
    list.push(i);
  }
  let edit = EMPTY_EDIT;
  for (const [value, list] of [...byValue].sort((a, b) => a[0] - b[0])) {
    edit = composeEdits(edit, setValues(mask, list.toArray(), value));
  }
  return edit;
}
