// The VS Code side of the viewer: registers the custom editor for .nii/.nii.gz and connects each panel's webview to
// its document through a ViewerSession. All logic lives in the vscode-free modules beside this one; this file only
// adapts VS Code's objects to their small interfaces.
import * as vscode from 'vscode';
import { Emitter } from './emitter';
import type { DocumentHost } from './host-ports';
import { readMaskPatterns } from './mask-discovery';
import { NiftiDocument } from './nifti-document';
import { ViewerSession } from './viewer-session';
import { labelsToSetting, readViewerSettings } from './viewer-settings';
import { errorHtml, makeNonce, viewerHtml } from './webview-html';

export const NIFTI_VIEW_TYPE = 'swinfuse.niftiViewer';

type Document = NiftiDocument<vscode.Uri>;

/**
 * The image is never edited; its mask is. Mask edits are the document's edits, so VS Code's undo/redo, dirty
 * marker, Save, Save As, Revert and hot exit apply to the mask (see document-mask.ts).
 */
export class NiftiEditorProvider implements vscode.CustomEditorProvider<Document> {
  private readonly panels = new Set<{ readonly document: Document; readonly session: ViewerSession; readonly panel: vscode.WebviewPanel }>();
  // Our own emitter, not vscode.EventEmitter: its `event` has the same signature and needs nothing from VS Code.
  private readonly changes = new Emitter<vscode.CustomDocumentEditEvent<Document>>();
  readonly onDidChangeCustomDocument = this.changes.event as vscode.Event<vscode.CustomDocumentEditEvent<Document>>;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): { provider: NiftiEditorProvider; disposable: vscode.Disposable } {
    const provider = new NiftiEditorProvider(context.extensionUri, log);
    return { provider, disposable: vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(NIFTI_VIEW_TYPE, provider, {
        // Volumes are large: a hidden panel gives its memory back and gets a fresh init (its `ready`) when shown.
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.commands.registerCommand('swinfuse.saveMaskAs', () => provider.saveMaskAs()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('swinfuse.viewer') || event.affectsConfiguration('swinfuse.editor')) {
          provider.postSettingsToAll();
        }
      }),
    ) };
  }

  async openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): Promise<Document> {
    const backup = openContext?.backupId ? vscode.Uri.parse(openContext.backupId) : undefined;
    const document = await NiftiDocument.open(uri, this.documentHost(uri), { backup });
    if (document.state.kind === 'failed') void vscode.window.showErrorMessage(`SwinFUSE: ${document.state.message}`);
    document.onDidChange(({ label, undo, redo }) => this.changes.fire({ document, label, undo, redo }));
    return document;
  }

  saveCustomDocument(document: Document): Promise<void> {
    return document.save();
  }

  saveCustomDocumentAs(document: Document, destination: vscode.Uri): Promise<void> {
    return document.saveAs(destination);
  }

  revertCustomDocument(document: Document): Promise<void> {
    return document.revert();
  }

  backupCustomDocument(document: Document, context: vscode.CustomDocumentBackupContext): Promise<vscode.CustomDocumentBackup> {
    return document.backup(context.destination);
  }

  resolveCustomEditor(document: Document, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    const nonce = makeNonce();
    if (document.state.kind === 'failed') {
      webview.options = { enableScripts: false, localResourceRoots: [] };
      webview.html = errorHtml({ title: document.name, message: document.state.message, nonce });
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    const session = new ViewerSession(document, {
      post: (message) => webview.postMessage(message),
      settings: () => this.settingsFor(document.uri),
      setLabels: (labels) => this.storeLabels(labels),
      segment: () => void vscode.commands.executeCommand('swinfuse.segment', document.uri),
      log: this.log,
    });
    const entry = { document, session, panel };
    this.panels.add(entry);
    // Listen before the HTML is set, so the script's first `ready` cannot arrive unheard.
    const listener = webview.onDidReceiveMessage((message: unknown) => session.handle(message));
    panel.onDidDispose(() => {
      session.dispose();
      listener.dispose();
      this.panels.delete(entry);
    });
    webview.html = viewerHtml({
      cspSource: webview.cspSource,
      nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'viewer.css')).toString(),
      title: document.name,
    });
  }

  /** The document of the active viewer panel, else of the last one opened; undefined when no viewer is open. */
  activeDocument(): Document | undefined {
    const panels = [...this.panels];
    return (panels.find((p) => p.panel.active) ?? panels.at(-1))?.document;
  }

  /** The open document of `uri`, if a viewer shows it. */
  documentFor(uri: vscode.Uri): Document | undefined {
    return [...this.panels].find((p) => p.document.uri.toString() === uri.toString())?.document;
  }

  /** The document's file access and messages, as the segmentation reads channel files through it. */
  hostFor(document: Document): DocumentHost<vscode.Uri> {
    return this.documentHost(document.uri);
  }

  /**
   * Save Mask As: VS Code's own Save As offers the image's name and then reopens the editor on the saved file (the
   * mask, shown as an image). This asks only where the mask goes, keeps the image open, and saves there from now on.
   */
  async saveMaskAs(): Promise<void> {
    const active = [...this.panels].find((p) => p.panel.active);
    if (!active || active.document.state.kind !== 'loaded') {
      void vscode.window.showWarningMessage('SwinFUSE: Save Mask As works on the active SwinFUSE viewer; open an image first.');
      return;
    }
    const { document } = active;
    const current = document.maskTarget();
    const destination = await vscode.window.showSaveDialog({
      defaultUri: current,
      filters: { 'NIfTI mask': ['nii.gz', 'nii'] },
      title: `Save the mask of ${document.name} as`,
      saveLabel: 'Save Mask',
    });
    if (!destination) return;
    try {
      await document.saveAs(destination);
      // The mask now saves there; VS Code's save clears the dirty marker (writing the same bytes there again).
      await vscode.workspace.save(document.uri);
    } catch (err) {
      void vscode.window.showErrorMessage(`SwinFUSE: ${(err as Error)?.message ?? err}`);
    }
  }

  private postSettingsToAll(): void {
    for (const { session } of this.panels) void session.postSettings();
  }

  private settingsFor(uri: vscode.Uri) {
    const section = vscode.workspace.getConfiguration('swinfuse', uri);
    return readViewerSettings((key) => section.get(key), this.log);
  }

  /** The label picker's edits go to the workspace's settings when a folder is open, else to the user's. */
  private async storeLabels(labels: unknown): Promise<void> {
    const setting = labelsToSetting(labels);
    if ('problem' in setting) throw new Error(`swinfuse.editor.labels: ${setting.problem}`);
    const target = (vscode.workspace.workspaceFolders?.length ?? 0) > 0
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('swinfuse.editor').update('labels', setting.value, target);
  }

  private documentHost(uri: vscode.Uri): DocumentHost<vscode.Uri> {
    return {
      // workspace.fs, not node:fs: remote, WSL and virtual workspaces serve their files through it.
      fs: {
        readFile: async (file) => vscode.workspace.fs.readFile(file),
        readDirectory: async (folder) => vscode.workspace.fs.readDirectory(folder),
        writeFile: async (file, bytes) => vscode.workspace.fs.writeFile(file, bytes),
        rename: async (source, target, options) => vscode.workspace.fs.rename(source, target, options),
        delete: async (file) => vscode.workspace.fs.delete(file),
        stat: async (file) => vscode.workspace.fs.stat(file),
        createDirectory: async (folder) => vscode.workspace.fs.createDirectory(folder),
      },
      log: this.log,
      maxVoxels: () => vscode.workspace.getConfiguration('swinfuse', uri).get<number>('maxVoxels'),
      maskPatterns: () => readMaskPatterns(vscode.workspace.getConfiguration('swinfuse', uri).get('mask.patterns'), this.log),
      warnUser: (message) => void vscode.window.showWarningMessage(`SwinFUSE: ${message}`),
      errorUser: (message) => void vscode.window.showErrorMessage(`SwinFUSE: ${message}`),
    };
  }
}
