// Keys → state changes: ↑/↓ move the slice of the view under the pointer (else the focused view) by one,
// PageUp/PageDown by ten.
import type { SliceView } from '../geometry/views';
import { moveSlice } from '../state/actions';
import type { Store } from '../state/store';
import type { ViewerState } from '../state/viewer-state';
import { fromControl } from '../ui/dom';

const STEPS: Readonly<Record<string, number>> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

export function attachKeyboardTools(target: Window, store: Store<ViewerState>): () => void {
  const onKey = (e: KeyboardEvent) => {
    const step = STEPS[e.key];
    if (step === undefined || fromControl(e) || e.altKey || e.ctrlKey || e.metaKey) return;
    const s = store.get();
    const view: SliceView = s.pointerView && s.pointerView !== '3d' ? s.pointerView : s.focused;
    e.preventDefault();
    store.update(moveSlice(s, view, step));
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
