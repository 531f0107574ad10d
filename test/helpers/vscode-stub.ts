// A small stand-in for the `vscode` module: just what src/extension uses, recording registrations, messages and
// posts so tests can drive the extension as VS Code would. Installed by test/helpers/vscode-stub-hook.ts.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(event: T): unknown[] {
    return [...this.listeners].map((l) => l(event));
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => unknown) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

export class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(value: string): Uri {
    const m = /^([a-z][\w+.-]*):\/\/(.*)$/i.exec(value);
    if (!m) throw new Error(`stub Uri.parse: cannot parse ${value}`);
    return new Uri(m[1]!, m[2]!);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, change.path ?? this.path);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export enum FileType { Unknown = 0, File = 1, Directory = 2, SymbolicLink = 64 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export class TabInputText { constructor(readonly uri: Uri) {} }
export class TabInputCustom { constructor(readonly uri: Uri, readonly viewType: string) {} }

/** One webview panel as a custom editor gets it. */
export class FakePanel {
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  private readonly disposed = new EventEmitter<void>();
  visible = true;
  readonly webview = {
    options: {} as { enableScripts?: boolean; localResourceRoots?: Uri[] },
    html: '',
    cspSource: 'https://stub.vscode-cdn.net',
    asWebviewUri: (uri: Uri) => new Uri('https', `stub.vscode-cdn.net${uri.path}`),
    postMessage: async (message: unknown) => {
      if (!this.visible) return false;
      this.posted.push(message);
      return true;
    },
    onDidReceiveMessage: this.received.event,
  };
  readonly onDidDispose = this.disposed.event;
  /** The webview's script posting to the host; resolves when the host's handlers are done. */
  async fromWebview(message: unknown): Promise<void> {
    await Promise.all(this.received.fire(message));
  }
  dispose(): void {
    this.disposed.fire();
  }
}

export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export class ThemeIcon { constructor(readonly id: string) {} }
export class MarkdownString {
  constructor(public value = '') {}
  appendMarkdown(text: string): this { this.value += text; return this; }
  appendText(text: string): this { this.value += text; return this; }
  appendCodeblock(code: string, language = ''): this { this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`; return this; }
}
export class TreeItem {
  description?: string;
  tooltip?: string | MarkdownString;
  contextValue?: string;
  iconPath?: unknown;
  command?: { command: string; title: string; arguments?: unknown[] };
  resourceUri?: Uri;
  id?: string;
  constructor(readonly label: string, public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}
export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {}
}

/** One window.withProgress call: its options, every report, and a Cancel button the test can press. */
export interface ProgressRecord {
  readonly options: { title?: string; cancellable?: boolean; location?: unknown };
  readonly reports: { message?: string; increment?: number }[];
  readonly cancel: CancellationTokenSource;
  done: boolean;
}

type Picker = (items: readonly unknown[], options: unknown) => unknown;

export interface InputBoxOptions {
  title?: string;
  prompt?: string;
  value?: string;
  validateInput?: (text: string) => unknown;
}

export const stub = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  editors: new Map<string, { provider: unknown; options: unknown }>(),
  errors: [] as string[],
  warnings: [] as string[],
  infos: [] as string[],
  reads: [] as string[],
  logLines: [] as string[],
  config: new Map<string, unknown>(),
  /** configuration.update calls: key (section.key), value, target. */
  updates: [] as { key: string; value: unknown; target: unknown }[],
  /** workspace.fs writes, renames and deletes, in order. */
  writes: [] as string[],
  configChanged: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  /** Answers for showQuickPick, in call order: a function of the items (return an item, items, or undefined). */
  quickPicks: [] as Picker[],
  /** Answers for showInputBox, in call order (undefined: dismissed). */
  inputs: [] as (string | undefined)[],
  /** Answers for showOpenDialog, in call order (undefined: dismissed). */
  openDialogs: [] as (Uri[] | undefined)[],
  /** Buttons the user presses on the next message boxes, in order (undefined: dismissed). */
  messageAnswers: [] as (string | undefined)[],
  /** Every message box shown (information, warning, error), with the buttons it offered. */
  messageButtons: [] as { message: string; buttons: string[] }[],
  /** What quick picks were shown: their titles or placeholders and item labels. */
  shownPicks: [] as { title: string; labels: string[] }[],
  progress: [] as ProgressRecord[],
  executed: [] as { command: string; args: unknown[] }[],
  treeProviders: new Map<string, unknown>(),
  /** Paths of the documents window.showTextDocument showed, in order. */
  shownDocuments: [] as string[],
  /** The options of every showInputBox, in order (title, prompt, value, validateInput). */
  inputOptions: [] as InputBoxOptions[],
  reset(): void {
    for (const list of [this.errors, this.warnings, this.infos, this.reads, this.logLines, this.writes]) list.length = 0;
    for (const list of [this.quickPicks, this.inputs, this.openDialogs, this.messageAnswers, this.shownPicks, this.progress, this.executed]) list.length = 0;
    this.messageButtons.length = 0;
    this.treeProviders.clear();
    this.shownDocuments.length = 0;
    this.inputOptions.length = 0;
    this.updates.length = 0;
    this.config.clear();
    workspace.workspaceFolders = undefined;
  },
};

export const commands = {
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    stub.commands.set(id, handler);
    return new Disposable(() => stub.commands.delete(id));
  },
  executeCommand: async (command: string, ...args: unknown[]) => {
    stub.executed.push({ command, args });
    return stub.commands.get(command)?.(...args);
  },
};

const answer = (list: (string | undefined)[]): string | undefined => list.shift();
const offered = (message: string, items: unknown[]): void => {
  stub.messageButtons.push({ message, buttons: items.filter((i): i is string => typeof i === 'string') });
};

export const window = {
  registerCustomEditorProvider: (viewType: string, provider: unknown, options: unknown) => {
    stub.editors.set(viewType, { provider, options });
    return new Disposable(() => stub.editors.delete(viewType));
  },
  createOutputChannel: (name: string, _options?: unknown) => {
    const line = (level: string) => (message: string) => stub.logLines.push(`${name} ${level}: ${message}`);
    return { info: line('info'), warn: line('warn'), error: line('error'), dispose: () => undefined };
  },
  showErrorMessage: async (message: string, ...items: unknown[]) => { stub.errors.push(message); offered(message, items); return answer(stub.messageAnswers); },
  showWarningMessage: async (message: string, ...items: unknown[]) => { stub.warnings.push(message); offered(message, items); return answer(stub.messageAnswers); },
  showInformationMessage: async (message: string, ...items: unknown[]) => { stub.infos.push(message); offered(message, items); return answer(stub.messageAnswers); },
  showOpenDialog: async (_options?: unknown) => stub.openDialogs.shift(),
  showInputBox: async (options?: unknown) => {
    stub.inputOptions.push((options ?? {}) as InputBoxOptions);
    return stub.inputs.shift();
  },
  showQuickPick: async (items: readonly unknown[] | Promise<readonly unknown[]>, options?: { title?: string; placeHolder?: string }) => {
    const list = await items;
    stub.shownPicks.push({
      title: options?.title ?? options?.placeHolder ?? '',
      labels: list.map((i) => (typeof i === 'string' ? i : String((i as { label?: unknown }).label))),
    });
    const pick = stub.quickPicks.shift();
    return pick ? pick(list, options) : undefined;
  },
  withProgress: async <T>(options: ProgressRecord['options'], task: (progress: { report(value: { message?: string; increment?: number }): void }, token: CancellationTokenSource['token']) => Promise<T>) => {
    const record: ProgressRecord = { options, reports: [], cancel: new CancellationTokenSource(), done: false };
    stub.progress.push(record);
    try {
      return await task({ report: (value) => record.reports.push(value) }, record.cancel.token);
    } finally {
      record.done = true;
    }
  },
  registerTreeDataProvider: (id: string, provider: unknown) => {
    stub.treeProviders.set(id, provider);
    return new Disposable(() => stub.treeProviders.delete(id));
  },
  createTreeView: (id: string, options: { treeDataProvider: unknown }) => {
    stub.treeProviders.set(id, options.treeDataProvider);
    return { dispose: () => stub.treeProviders.delete(id), reveal: async () => undefined, message: undefined as string | undefined };
  },
  /** Records the document's path; resolves to a minimal editor. */
  showTextDocument: async (document: { uri: Uri }, _options?: unknown) => {
    stub.shownDocuments.push(document.uri.path);
    return { document };
  },
  tabGroups: { activeTabGroup: { activeTab: undefined as { input: unknown } | undefined } },
  activeTextEditor: undefined,
};

export const workspace = {
  fs: {
    readFile: async (uri: Uri) => {
      stub.reads.push(uri.path);
      return new Uint8Array(await readFile(uri.path));
    },
    readDirectory: async (uri: Uri) => {
      const entries = await readdir(uri.path, { withFileTypes: true });
      return entries.map((e) => [e.name, e.isFile() ? FileType.File : FileType.Directory] as [string, FileType]);
    },
    writeFile: async (uri: Uri, bytes: Uint8Array) => {
      stub.writes.push(`write ${uri.path}`);
      await writeFile(uri.path, bytes);
    },
    rename: async (source: Uri, target: Uri, options?: { overwrite?: boolean }) => {
      stub.writes.push(`rename ${source.path} -> ${target.path}`);
      if (!options?.overwrite && await stat(target.path).then(() => true, () => false)) throw new Error(`${target.path} exists`);
      await rename(source.path, target.path);
    },
    delete: async (uri: Uri) => {
      stub.writes.push(`delete ${uri.path}`);
      await rm(uri.path);
    },
    stat: async (uri: Uri) => {
      const info = await stat(uri.path);
      return { type: info.isFile() ? FileType.File : FileType.Directory, ctime: info.ctimeMs, mtime: info.mtimeMs, size: info.size };
    },
    createDirectory: async (uri: Uri) => {
      await mkdir(uri.path, { recursive: true });
    },
  },
  /** Reads the file from disk (rejecting when it cannot, as VS Code does); the document is read-only here. */
  openTextDocument: async (uri: Uri) => {
    const text = await readFile(uri.path, 'utf8');
    return { uri, getText: () => text };
  },
  workspaceFolders: undefined as { uri: Uri }[] | undefined,
  getConfiguration: (section: string, _scope?: unknown) => ({
    get: <T>(key: string): T | undefined => stub.config.get(`${section}.${key}`) as T | undefined,
    update: async (key: string, value: unknown, target?: unknown) => {
      stub.updates.push({ key: `${section}.${key}`, value, target });
      stub.config.set(`${section}.${key}`, value);
    },
  }),
  onDidChangeConfiguration: stub.configChanged.event,
};
