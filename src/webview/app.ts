// The webview application: the DOM shell, the renderer and the host link live as long as the webview; a session
// (state + data of one document) is replaced by each init. State changes schedule one frame that redraws the
// canvas and brings the DOM (letters, toolbar, status line, overlay panel) up to date.
import { encodeEdit } from '../core/labels/label-edit';
import {
  VIEWER_PROTOCOL_VERSION, type HostToWebview, type WebviewToHost,
} from '../core/viewer-protocol/messages';
import { Requester } from '../core/viewer-protocol/rpc';
import type { HostRequests } from './host-requests';
import { layoutPanes } from './geometry/pane-layout';
import { FrameLoop } from './render/frame-loop';
import { ViewerRenderer } from './render/viewer-renderer';
import { ViewerSession, type InitMessage } from './session';
import {
  pickLabel, setBrushRadius, setFill, setIslands, setThreshold, setTool,
} from './state/editor-actions';
import { persistedFor, restoredFields, viewToPersist } from './state/persisted-view';
import type { ViewerState } from './state/viewer-state';
import { attachKeyboardTools } from './tools/keyboard-tools';
import { attachPointerTools } from './tools/pointer-tools';
import { EditorPanel } from './ui/editor-panel';
import { LabelsPanel } from './ui/labels-panel';
import { OverlayPanel } from './ui/overlay-panel';
import { ProposalPanel } from './ui/proposal-panel';
import { StatsPanel } from './ui/stats-panel';
import { PaneChrome } from './ui/pane-chrome';
import { buildShell, type Shell } from './ui/shell';
import { StatusLine } from './ui/status-line';
import { readTheme } from './ui/theme';
import { Toolbar } from './ui/toolbar';

/** Fired on window after every frame, with the frame's number and its start and end (performance.now()). */
export const FRAME_EVENT = 'swinfuse-viewer-frame';

/** The webview API's per-panel memory (acquireVsCodeApi's getState/setState). */
export interface WebviewMemory {
  getState(): unknown;
  setState(state: unknown): void;
}

/** State fields that only the DOM shows: changing them needs no canvas redraw. */
const DOM_ONLY: ReadonlySet<keyof ViewerState> = new Set(['hover', 'pointerView', 'message', 'pendingChannel', 'proposal', 'segmentation']);

function maskInfoOf(mask: { file: string; exists: boolean; refused: string | null }) {
  return { file: mask.file, exists: mask.exists, refused: mask.refused };
}

export class ViewerApp {
  private readonly shell: Shell;
  private readonly renderer: ViewerRenderer | null = null;
  private readonly requester: Requester<HostRequests>;
  private readonly frames: FrameLoop;
  private readonly chrome: PaneChrome;
  private readonly toolbar: Toolbar;
  private readonly overlayPanel: OverlayPanel;
  private readonly editorPanel: EditorPanel;
  private readonly labelsPanel: LabelsPanel;
  private readonly statsPanel: StatsPanel;
  private readonly proposalPanel: ProposalPanel;
  private readonly status: StatusLine;
  private session: ViewerSession | null = null;
  private detachSession: (() => void) | null = null;
  private canvasDirty = true;
  private frameCount = 0;
  private background: [number, number, number];
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    root: HTMLElement,
    private readonly post: (message: WebviewToHost) => void,
    private readonly memory: WebviewMemory = { getState: () => undefined, setState: () => undefined },
  ) {
    this.shell = buildShell(root);
    this.requester = new Requester<HostRequests>((m) => post(m), 60_000);
    this.frames = new FrameLoop((start) => this.drawFrame(start));
    this.chrome = new PaneChrome(this.shell.panes);
    this.toolbar = new Toolbar(this.shell.toolbar, {
      setLayout: (layout) => this.session?.store.update({ layout }),
      setSingle: (view) => this.session?.setSingle(view),
      setConvention: (convention) => this.session?.store.update({ convention }),
      selectChannel: (index) => void this.session?.selectChannel(index),
      setColormap: (name) => this.session?.setColormap(name),
      applyPreset: (preset) => this.session?.applyPreset(preset),
      setWindowLevel: (w, l) => this.session?.setWindowLevel(w, l),
    }, this.shell.viewport);
    this.overlayPanel = new OverlayPanel(this.shell.side, {
      setOverlay: (name, patch) => this.session?.setOverlay(name, patch),
      toggleLabel: (name, label, shown) => this.session?.toggleLabel(name, label, shown),
      setMaskLayer: (patch) => this.session?.setMaskLayer(patch),
      toggleMaskLabel: (label, shown) => this.session?.toggleMaskLabel(label, shown),
    });
    const edit = (f: (s: ViewerState) => Partial<ViewerState>) => this.session?.store.update(f);
    this.editorPanel = new EditorPanel({
      setTool: (tool) => edit((s) => setTool(s, tool)),
      setBrushRadius: (mm) => edit((s) => setBrushRadius(s, mm)),
      setBrush3d: (on) => edit((s) => ({ editor: { ...s.editor, brush3d: on } })),
      setThreshold: (patch) => edit((s) => setThreshold(s, patch)),
      setFill: (patch) => edit((s) => setFill(s, patch)),
      setIslands: (patch) => edit((s) => setIslands(s, patch)),
      interpolate: () => this.guard(() => this.session?.editor.interpolate()),
      removeIslands: () => this.guard(() => this.session?.editor.removeIslands()),
      clearLabel: () => this.guard(() => this.session?.editor.clearLabel()),
    });
    this.labelsPanel = new LabelsPanel({
      pickLabel: (label) => edit((s) => pickLabel(s, label)),
      setLabels: (labels) => this.session?.setLabels(labels),
    });
    this.statsPanel = new StatsPanel();
    this.proposalPanel = new ProposalPanel({
      segment: () => this.session?.review.segment(),
      cancelSegmentation: () => this.session?.review.cancelSegmentation(),
      accept: (id, choice) => this.session?.review.accept(id, choice),
      discard: (id) => this.session?.review.discard(id),
    });
    // Segmentation first: its review is what the user acts on next when a proposal arrives.
    this.shell.sideColumn.prepend(this.proposalPanel.root, this.editorPanel.root, this.labelsPanel.root, this.statsPanel.root);
    this.status = new StatusLine(this.shell.status);
    this.background = readTheme(root);
    try {
      this.renderer = new ViewerRenderer(this.shell.canvas);
    } catch (err) {
      this.fail(`WebGL2 is not available: ${(err as Error).message}`);
    }
    new ResizeObserver(() => this.invalidate()).observe(this.shell.viewport);
    this.watchPixelRatio();
    // VS Code changes the body's theme class and CSS variables when the colour theme changes.
    new MutationObserver(() => {
      this.background = readTheme(root);
      this.invalidate();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Redraws when the device pixel ratio changes (the window moved to another screen, or zoom). */
  private watchPixelRatio(): void {
    const query = window.matchMedia?.(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    query?.addEventListener('change', () => {
      this.invalidate();
      this.watchPixelRatio();
    }, { once: true });
  }

  /** Tells the host the script is up; it answers with init. */
  start(): void {
    this.post({ type: 'ready', version: VIEWER_PROTOCOL_VERSION });
  }

  onMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'init': this.openDocument(message); break;
      case 'settings': this.session?.applySettings(message.settings); break;
      case 'overlay': this.guard(() => this.session?.addOverlay(message.overlay)); break;
      // Undo, redo, another panel's stroke, or an accepted proposal: all the host's edits apply the same way.
      case 'maskEdit': this.guard(() => this.session?.editor.applyHostEdit(message.edit)); break;
      case 'mask': this.guard(() => this.session?.editor.replaceMask(message.mask.data, maskInfoOf(message.mask))); break;
      case 'maskInfo': this.session?.setMaskInfo(message.mask); break;
      case 'proposal': this.guard(() => this.session?.review.show(message.proposal)); break;
      case 'segmentation': this.session?.review.setSegmentation(message.status); break;
      case 'reply': this.requester.receive(message); break;
    }
  }

  private openDocument(init: InitMessage): void {
    const startedAt = performance.now();
    this.closeDocument();
    if (init.version !== VIEWER_PROTOCOL_VERSION) {
      this.fail(`the host speaks viewer protocol ${init.version}, this viewer ${VIEWER_PROTOCOL_VERSION}`);
      return;
    }
    this.guard(() => {
      const session = new ViewerSession(init, this.requester, startedAt, {
        postEdit: (label, edit) => this.post({ type: 'edit', label, edit: encodeEdit(edit) }),
        postLabels: (labels) => this.post({ type: 'setLabels', labels }),
        postProposal: (message) => this.post(message),
      });
      this.session = session;
      this.renderer?.setDocument(session.state().doc.shape, session.state().doc.spacing);
      const saved = persistedFor(this.memory.getState(), session.state());
      if (saved) session.store.update((s) => restoredFields(saved, s));
      const unsubscribe = session.store.subscribe((next, prev) => {
        const keys = (Object.keys(next) as (keyof ViewerState)[]).filter((k) => next[k] !== prev[k]);
        if (keys.some((k) => !DOM_ONLY.has(k))) {
          this.canvasDirty = true;
          this.scheduleSave();
        }
        this.frames.request();
      });
      if (saved && saved.channel !== session.state().channel) void session.selectChannel(saved.channel);
      const detachPointer = attachPointerTools(this.shell.panes, {
        store: session.store,
        paneAt: (target) => this.chrome.viewAt(target),
        stats: () => session.channels.get(session.state().channel)?.stats,
        editor: session.editor,
      });
      const detachKeys = attachKeyboardTools(window, session.store, { interpolate: () => this.guard(() => session.editor.interpolate()) });
      this.detachSession = () => { unsubscribe(); detachPointer(); detachKeys(); };
      this.shell.message.hidden = true;
      document.title = init.document.name;
      this.invalidate();
    });
    // The proposal under review when the webview was (re-)created; one that does not fit the grid is reported
    // without taking the document down with it.
    const opened = this.session;
    if (opened && init.proposal) this.guard(() => opened.review.show(init.proposal));
  }

  /** Remembers the view (throttled) so a re-created webview opens where the user left it. */
  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (this.session) this.memory.setState(viewToPersist(this.session.state()));
    }, 300);
  }

  private closeDocument(): void {
    this.detachSession?.();
    this.detachSession = null;
    this.session?.dispose();
    this.session = null;
    this.requester.dispose('a new document was opened');
    this.chrome.clear();
  }

  private invalidate(): void {
    this.canvasDirty = true;
    this.frames.request();
  }

  private drawFrame(start: number): void {
    const session = this.session;
    if (!session) return;
    this.guard(() => {
      const state = session.state();
      const box = this.shell.viewport.getBoundingClientRect();
      const panes = layoutPanes(state.layout, state.single, Math.floor(box.width), Math.floor(box.height));
      if (this.canvasDirty && this.renderer) {
        this.renderer.render({
          state, sources: session.sources, panes, width: Math.floor(box.width), height: Math.floor(box.height),
          dpr: window.devicePixelRatio || 1, background: this.background,
        });
        this.canvasDirty = false;
      }
      this.chrome.update(state, panes);
      this.toolbar.update(state);
      this.overlayPanel.update(state, session.sources);
      this.editorPanel.update(state);
      this.labelsPanel.update(state);
      this.statsPanel.update(state);
      this.proposalPanel.update(state);
      this.status.update(state, session.sources);
      this.frameCount++;
      document.body.dataset.frames = String(this.frameCount);
      document.body.dataset.rendered = 'true';
      const end = performance.now();
      if (!session.renderedReported && this.renderer) {
        session.renderedReported = true;
        this.post({ type: 'rendered', msFromInit: end - session.startedAt });
      }
      window.dispatchEvent(new CustomEvent(FRAME_EVENT, { detail: { frame: this.frameCount, start, end } }));
    });
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.fail((err as Error)?.message ?? String(err));
    }
  }

  private fail(message: string): void {
    this.shell.message.hidden = false;
    this.shell.message.textContent = message;
    this.post({ type: 'error', message });
  }
}
