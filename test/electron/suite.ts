// The extension-host side of `npm run test:electron`: VS Code loads this (bundled to CommonJS by run.ts) inside the
// Extension Development Host and calls run(); a throw fails the run. Kept free of mocha: plain checks in order.
import * as vscode from 'vscode';

const VIEW_TYPE = 'swinfuse.niftiViewer';
const EXTENSION_ID = 'swinfuse.swinfuse-vscode';
const SCAN = 'ch2bet.nii.gz';

function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function activeViewerFor(uri: vscode.Uri): boolean {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === VIEW_TYPE && input.uri.toString() === uri.toString();
}

function describeActiveTab(): string {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!tab) return 'no active tab';
  const input = tab.input;
  const kind = input instanceof vscode.TabInputCustom ? `custom editor ${input.viewType}`
    : input instanceof vscode.TabInputText ? 'text editor' : 'other editor';
  return `"${tab.label}" (${kind})`;
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await fn();
  console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  check(folder, 'no workspace folder open: run.ts passes one holding a copy of the sample scan');
  const uri = vscode.Uri.joinPath(folder.uri, SCAN);
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  check(extension, `${EXTENSION_ID} is not loaded in the Extension Development Host`);

  await step(`vscode.open ${SCAN} opens the SwinFUSE viewer (the default editor for .nii.gz)`, async () => {
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitFor(`${VIEW_TYPE} to be the active tab (now ${describeActiveTab()})`, () => activeViewerFor(uri));
    check(vscode.window.tabGroups.activeTabGroup.activeTab?.label === SCAN, `tab title is ${describeActiveTab()}`);
    check(extension.isActive, `${EXTENSION_ID} did not activate for its custom editor`);
  });

  await step(`vscode.openWith ${VIEW_TYPE} opens it explicitly`, async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('all editors to close', () => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await waitFor(`${VIEW_TYPE} to be the active tab (now ${describeActiveTab()})`, () => activeViewerFor(uri));
  });

  await step('swinfuse.showInfo runs on the open scan', async () => {
    await vscode.commands.executeCommand('swinfuse.showInfo', uri);
  });

  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
