// The VS Code side of models: the Models view, Import Checkpoint… and the view's Use / Show Card / Delete commands.
// The rules live in the vscode-free modules beside this one (model-registry.ts, import-checkpoint-flow.ts,
// model-tree.ts); this file adapts dialogs, settings and progress notifications to them.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { cardPathFor } from '../../core/models';
import {
  CHECKPOINT_EXTENSIONS, importCheckpointFlow, inspectCheckpoint, writeImportedModel, type ImportAsk,
} from './import-checkpoint-flow';
import { MODEL_SETTING, ModelRegistry, type ModelEntry } from './model-registry';
import { modelSummary, type ModelNode } from './model-tree';
import { MODELS_VIEW_ID, ModelsTreeProvider } from './models-view';

const ORIGIN_LABELS = { bundled: 'bundled', imported: 'imported', 'fine-tuned': 'fine-tuned' } as const;

/**
 * Creates the registry over `<extension>/models` (bundled) and `<globalStorage>/models` (imports, fine-tuned models),
 * and registers the Models view and the five model commands. The Segment command resolves `swinfuse.model` with
 * `registry.resolve`.
 */
export function registerModels(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): { registry: ModelRegistry; disposable: vscode.Disposable } {
  const registry = new ModelRegistry({
    bundled: vscode.Uri.joinPath(context.extensionUri, 'models').fsPath,
    user: vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath,
  }, log);
  const provider = new ModelsTreeProvider(registry, () => inUsePath(registry));
  const disposable = vscode.Disposable.from(
    vscode.window.createTreeView(MODELS_VIEW_ID, { treeDataProvider: provider }),
    provider,
    registry,
    vscode.commands.registerCommand('swinfuse.importCheckpoint', () => importCommand(registry, log)),
    vscode.commands.registerCommand('swinfuse.models.refresh', () => registry.refresh()),
    vscode.commands.registerCommand('swinfuse.models.use', (arg?: unknown) => useCommand(registry, arg)),
    vscode.commands.registerCommand('swinfuse.models.showCard', (arg?: unknown) => showCardCommand(registry, arg)),
    vscode.commands.registerCommand('swinfuse.models.delete', (arg?: unknown) => deleteCommand(registry, log, arg)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(MODEL_SETTING)) provider.refresh();
    }),
  );
  return { registry, disposable };
}

/** A quick pick of models; undefined when dismissed. */
export async function pickModel(entries: ModelEntry[], title: string): Promise<ModelEntry | undefined> {
  const items = entries.map((entry) => ({
    label: entry.name,
    description: entry.card ? `${modelSummary(entry.card)}${entry.isDefault ? ' · default' : ''}` : (entry.problem ?? ''),
    detail: `${ORIGIN_LABELS[entry.origin]} · ${entry.path}`,
    entry,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return picked?.entry;
}

async function importCommand(registry: ModelRegistry, log: vscode.LogOutputChannel): Promise<void> {
  await importCheckpointFlow({
    ask: dialogs(),
    inspect: (file) => withNotification(`Reading ${basename(file)}…`, () => inspectCheckpoint(file)),
    write: (request) => withNotification(`Importing ${basename(request.checkpoint)} as "${basename(request.output, '.onnx')}"…`,
      () => writeImportedModel(request)),
    registry,
    log,
    announce: async (message, button) => vscode.window.showInformationMessage(`SwinFUSE: ${message}`, button),
    showError: (message) => void vscode.window.showErrorMessage(`SwinFUSE: ${message}`),
    useModel: async (name) => {
      const entry = registry.list().find((e) => e.name === name && e.origin !== 'bundled');
      if (entry) await setModel(registry, entry);
    },
  });
}

function dialogs(): ImportAsk {
  return {
    async checkpoint() {
      const uri = (await vscode.window.showOpenDialog({
        title: 'Import a MONAI SwinUNETR or SwinFUSE checkpoint',
        openLabel: 'Import',
        canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
        filters: { 'PyTorch checkpoints': [...CHECKPOINT_EXTENSIONS] },
      }))?.[0];
      if (!uri) return undefined;
      // onnxruntime and the importer read local files; the extension host runs where the files are (remote too).
      if (uri.scheme !== 'file') throw new Error(`${uri.toString()}: only checkpoints on a local disk can be imported`);
      return uri.fsPath;
    },
    async pick(title, items) {
      const picked = await vscode.window.showQuickPick(
        items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item })),
        { title, ignoreFocusOut: true },
      );
      return picked?.item.value;
    },
    input: (request) => Promise.resolve(vscode.window.showInputBox({
      title: request.title, prompt: request.prompt, value: request.value, ignoreFocusOut: true,
      validateInput: (text) => request.validate(text),
    })),
    async confirm(message, button) {
      return (await vscode.window.showWarningMessage(message, { modal: true }, button)) === button;
    },
  };
}

async function useCommand(registry: ModelRegistry, arg: unknown): Promise<void> {
  let entry = entryOf(arg);
  if (!entry) {
    const usable = registry.list().filter((e) => !e.problem);
    if (!usable.length) {
      void vscode.window.showInformationMessage('SwinFUSE: there are no usable models yet; import one with "SwinFUSE: Import Checkpoint…".');
      return;
    }
    entry = await pickModel(usable, 'Use for Segment');
    if (!entry) return;
  }
  if (entry.problem) {
    void vscode.window.showErrorMessage(`SwinFUSE: the model "${entry.name}" cannot be used: ${entry.problem}`);
    return;
  }
  await setModel(registry, entry);
}

async function showCardCommand(registry: ModelRegistry, arg: unknown): Promise<void> {
  const entry = entryOf(arg) ?? await pickModel(registry.list(), 'Show Model Card');
  if (!entry) return;
  const cardPath = cardPathFor(entry.path);
  if (!existsSync(cardPath)) {
    void vscode.window.showErrorMessage(`SwinFUSE: ${cardPath}: the model card is missing`);
    return;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(cardPath));
  await vscode.window.showTextDocument(document, { preview: true });
}

async function deleteCommand(registry: ModelRegistry, log: vscode.LogOutputChannel, arg: unknown): Promise<void> {
  const entry = entryOf(arg) ?? await pickModel(registry.list().filter((e) => e.origin !== 'bundled'), 'Delete Model');
  if (!entry) return;
  if (entry.origin === 'bundled') {
    void vscode.window.showErrorMessage(`SwinFUSE: "${entry.name}" comes with the extension and cannot be deleted.`);
    return;
  }
  const answer = await vscode.window.showWarningMessage(`Delete the model "${entry.name}"?`,
    { modal: true, detail: `${entry.path} and its model card will be deleted. This cannot be undone.` }, 'Delete');
  if (answer !== 'Delete') return;
  // Decided before the files go: afterwards the setting no longer resolves to anything.
  const setting = modelSetting();
  const named = setting.trim() !== '' && inUsePath(registry) === entry.path;
  try {
    await registry.remove(entry);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`models: delete failed: ${message}`);
    void vscode.window.showErrorMessage(`SwinFUSE: cannot delete "${entry.name}": ${message}`);
    return;
  }
  if (named) await clearModelSetting(setting);
}

/** Sets swinfuse.model to the entry's name, or to its path when the name means another model (a name clash). */
async function setModel(registry: ModelRegistry, entry: ModelEntry): Promise<void> {
  const byName = registry.resolve(entry.name, workspaceFolder());
  const value = byName.kind === 'model' && byName.entry.path === entry.path ? entry.name : entry.path;
  await vscode.workspace.getConfiguration('swinfuse').update('model', value, settingTarget());
}

/**
 * Clears swinfuse.model where it is set: first where this extension writes it, then, if the value still shows
 * (it was set at the other level), there too.
 */
async function clearModelSetting(value: string): Promise<void> {
  const first = settingTarget();
  await vscode.workspace.getConfiguration('swinfuse').update('model', undefined, first);
  if (modelSetting() !== value) return;
  const other = first === vscode.ConfigurationTarget.Global ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('swinfuse').update('model', undefined, other);
}

function inUsePath(registry: ModelRegistry): string | null {
  const choice = registry.resolve(modelSetting(), workspaceFolder());
  return choice.kind === 'model' ? choice.entry.path : null;
}

function modelSetting(): string {
  return vscode.workspace.getConfiguration('swinfuse').get<string>('model') ?? '';
}

/** Relative model paths in the setting are relative to the first workspace folder. */
function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** As the viewer stores labels: the workspace's settings when a folder is open, else the user's. */
function settingTarget(): vscode.ConfigurationTarget {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

function withNotification<T>(title: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, task));
}

/** A view command's argument: the tree node VS Code passes, or a ModelEntry from code. */
function entryOf(arg: unknown): ModelEntry | undefined {
  const node = arg as Partial<ModelNode> | undefined;
  if (node?.kind === 'model' && node.entry) return node.entry;
  const entry = arg as Partial<ModelEntry> | undefined;
  if (typeof entry?.path === 'string' && typeof entry.name === 'string' && typeof entry.origin === 'string') return entry as ModelEntry;
  return undefined;
}
