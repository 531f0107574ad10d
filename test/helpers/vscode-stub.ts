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
  reset(): void {
    for (const list of [this.errors, this.warnings, this.infos, this.reads, this.logLines, this.writes]) list.length = 0;
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
  showErrorMessage: async (message: string) => { stub.errors.push(message); },
  showWarningMessage: async (message: string) => { stub.warnings.push(message); },
  showInformationMessage: async (message: string) => { stub.infos.push(message); },
  showOpenDialog: async () => undefined,
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
