import * as vscode from 'vscode';
import { showInfo } from './show-info';
import { NiftiEditorProvider } from './viewer/nifti-editor-provider';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('swinfuse.showInfo', (arg?: unknown) => showInfo(arg)),
  );
  // Webview errors, request failures and skipped masks are written here (View → Output → SwinFUSE).
  const log = vscode.window.createOutputChannel('SwinFUSE', { log: true });
  context.subscriptions.push(log, NiftiEditorProvider.register(context, log));
}

export function deactivate(): void {}
