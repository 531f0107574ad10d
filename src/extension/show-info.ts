// Command swinfuse.showInfo: shape, datatype and orientation of a NIfTI file, read through workspace.fs.
import * as vscode from 'vscode';
import { NiftiError, readNifti } from '../core/nifti/index';

const NIFTI_PATH = /\.nii(\.gz)?$/i;

export async function showInfo(arg?: unknown): Promise<void> {
  let name = 'file';
  try {
    const uri = await pickNifti(arg);
    if (!uri) return;
    name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const bytes = await vscode.workspace.fs.readFile(uri);
    const maxVoxels = vscode.workspace.getConfiguration('swinfuse').get<number>('maxVoxels');
    const vol = await readNifti(bytes, name, { maxVoxels });
    void vscode.window.showInformationMessage(
      `${name}: ${vol.shape.join(' × ')} voxels, ${vol.datatype}, orientation ${vol.axcodes}`,
    );
  } catch (err) {
    // A command handler that throws only shows a generic failure; say which file and why instead.
    // NiftiError messages already start with the file name.
    const reason = err instanceof NiftiError ? err.message
      : `cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`;
    void vscode.window.showErrorMessage(`SwinFUSE: ${reason}`);
  }
}

/** Explorer/context-menu argument first, then the focused tab, then ask. */
async function pickNifti(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  // Binary files usually have no activeTextEditor, so look at the active tab's input instead (our viewer's tabs
  // are TabInputCustom).
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const active = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom
    ? input.uri
    : vscode.window.activeTextEditor?.document.uri;
  if (active && NIFTI_PATH.test(active.path)) return active;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Show NIfTI header',
    filters: { NIfTI: ['nii', 'gz'] },
  });
  return picked?.[0];
}
