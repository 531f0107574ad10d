import * as vscode from 'vscode';
import { registerFinetuneCommands } from './finetune/finetune-commands';
import { registerModels } from './models/models-commands';
import { registerSegmentCommands } from './segment/segment-commands';
import { showInfo } from './show-info';
import { NiftiEditorProvider } from './viewer/nifti-editor-provider';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('swinfuse.showInfo', (arg?: unknown) => showInfo(arg)),
  );
  // Webview errors, request failures, skipped masks and every segmentation and fine-tuning run are written here
  // (View → Output → SwinFUSE).
  const log = vscode.window.createOutputChannel('SwinFUSE', { log: true });
  const viewer = NiftiEditorProvider.register(context, log);
  const models = registerModels(context, log);
  context.subscriptions.push(log, viewer.disposable, models.disposable, registerSegmentCommands({
    provider: viewer.provider, registry: models.registry, log,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'inference-worker.js').fsPath,
  }), registerFinetuneCommands({
    provider: viewer.provider, registry: models.registry, log,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'finetune-worker.js').fsPath,
  }));
}

export function deactivate(): void {}
