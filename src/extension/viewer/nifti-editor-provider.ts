// The VS Code side of the viewer: registers the custom editor for .nii/.nii.gz and connects each panel's webview to
// its document through a ViewerSession. All logic lives in the vscode-free modules beside this one; this file only
// adapts VS Code's objects to their small interfaces.
import * as vscode from 'vscode';
import type { DocumentHost } from './host-ports';
import { NiftiDocument } from './nifti-document';
import { ViewerSession } from './viewer-session';
import { readViewerSettings } from './viewer-settings';
import { errorHtml, makeNonce, viewerHtml } from './webview-html';

export const NIFTI_VIEW_TYPE = 'swinfuse.niftiViewer';

type Document = NiftiDocument<vscode.Uri>;

/** Read-only for now; edits, save and backup turn this into a CustomEditorProvider in the next issue. */
export class NiftiEditorProvider implements vscode.CustomReadonlyEditorProvider<Document> {
  private readonly panels = new Set<{ readonly document: Document; readonly session: ViewerSession }>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
    const provider = new NiftiEditorProvider(context.extensionUri, log);
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(NIFTI_VIEW_TYPE, provider, {
        // Volumes are large: a hidden panel gives its memory back and gets a fresh init (its `ready`) when shown.
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('swinfuse.viewer')) provider.postSettingsToAll();
      }),
    );
  }

  async openCustomDocument(uri: vscode.Uri): Promise<Document> {
    const document = await NiftiDocument.open(uri, this.documentHost(uri));
    if (document.state.kind === 'failed') void vscode.window.showErrorMessage(`SwinFUSE: ${document.state.message}`);
    return document;
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
      log: this.log,
    });
    const entry = { document, session };
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

  private postSettingsToAll(): void {
    for (const { session } of this.panels) void session.postSettings();
  }

  private settingsFor(uri: vscode.Uri) {
    const section = vscode.workspace.getConfiguration('swinfuse.viewer', uri);
    return readViewerSettings((key) => section.get(key), this.log);
  }

  private documentHost(uri: vscode.Uri): DocumentHost<vscode.Uri> {
    return {
      // workspace.fs, not node:fs: remote, WSL and virtual workspaces serve their files through it.
      fs: {
        readFile: async (file) => vscode.workspace.fs.readFile(file),
        readDirectory: async (folder) => vscode.workspace.fs.readDirectory(folder),
      },
      log: this.log,
      maxVoxels: () => vscode.workspace.getConfiguration('swinfuse', uri).get<number>('maxVoxels'),
      warnUser: (message) => void vscode.window.showWarningMessage(`SwinFUSE: ${message}`),
    };
  }
}
