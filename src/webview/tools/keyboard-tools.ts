// Keys → state changes: ↑/↓ move the slice of the view under the pointer (else the focused view) by one,
// PageUp/PageDown by ten; the mask tools' keys come from settings (shortcuts.ts), digits 1..9 pick a label.
// Ctrl/Cmd combinations are never taken: VS Code needs them for undo, redo and save.
import type { EditorAction } from '../../core/viewer-protocol/messages';
import type { SliceView } from '../geometry/views';
import { moveSlice } from '../state/actions';
import {
  cycleLabel, pickLabelAt, setTool, stepBrushRadius, toggleBrush3d, toggleThreshold,
} from '../state/editor-actions';
import type { Store } from '../state/store';
import type { ViewerState } from '../state/viewer-state';
import { fromControl } from '../ui/dom';
import { actionForKey, labelPlaceForKey } from './shortcuts';

const STEPS: Readonly<Record<string, number>> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

/** Editor commands that write voxels (the rest of the keys only change state). */
export interface KeyCommands {
  interpolate(): void;
}

/** True when the key is typed into a text field, which keeps its own keys (buttons and checkboxes do not). */
function typing(e: Event): boolean {
  const target = e.target as Element | null;
  return !!target?.closest?.('input, select, textarea, vscode-textfield, vscode-single-select');
}

export function editorAction(s: ViewerState, action: EditorAction, commands: KeyCommands): Partial<ViewerState> {
  switch (action) {
    case 'navigate': case 'brush': case 'eraser': case 'fill': return setTool(s, action);
    case 'brushSmaller': return stepBrushRadius(s, -1);
    case 'brushLarger': return stepBrushRadius(s, 1);
    case 'toggleShape3d': return toggleBrush3d(s);
    case 'toggleThreshold': return toggleThreshold(s);
    case 'nextLabel': return cycleLabel(s, 1);
    case 'previousLabel': return cycleLabel(s, -1);
    case 'interpolate': commands.interpolate(); return {};
  }
}

export function attachKeyboardTools(target: Window, store: Store<ViewerState>, commands: KeyCommands): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    const s = store.get();
    const step = STEPS[e.key];
    if (step !== undefined) {
      if (fromControl(e) || e.altKey) return;
      const view: SliceView = s.pointerView && s.pointerView !== '3d' ? s.pointerView : s.focused;
      e.preventDefault();
      store.update(moveSlice(s, view, step));
      return;
    }
    if (typing(e)) return;
    const place = labelPlaceForKey(e);
    if (place !== null) {
      e.preventDefault();
      store.update(pickLabelAt(s, place));
      return;
    }
    const action = actionForKey(e, s.editor.shortcuts);
    if (!action) return;
    e.preventDefault();
    store.update(editorAction(s, action, commands));
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
