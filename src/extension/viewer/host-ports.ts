// What the viewer host needs from VS Code, as small interfaces. The logic (loading, siblings, grid checks, the
// message handshake) takes these as parameters, so it runs and is tested without the `vscode` module; the provider
// passes adapters over vscode.workspace.fs, the webview and the "SwinFUSE" output channel.
import { sameFilePath } from '../../core/io/same-file';

/**
 * The part of vscode.Uri the host uses. URI paths always use '/', whatever the platform or file system, so sibling
 * files are found by editing the path and `with` keeps the scheme and authority (remote and virtual workspaces).
 */
export interface UriLike<U> {
  readonly path: string;
  /** vscode.Uri's scheme and, for `file`, its local path: links on a local disk are then resolved too. */
  readonly scheme?: string;
  readonly fsPath?: string;
  with(change: { path: string }): U;
  toString(): string;
}

/** vscode.FileType's values, as bit flags: a symbolic link to a file is File | SymbolicLink. */
export const FILE_TYPE_FILE = 1;

export interface HostFs<U> {
  readFile(uri: U): Promise<Uint8Array>;
  /** Entries of a folder: name and vscode.FileType flags. */
  readDirectory(uri: U): Promise<[string, number][]>;
  writeFile(uri: U, bytes: Uint8Array): Promise<void>;
  /** With overwrite, replaces the target in one step (how saves stay atomic). */
  rename(source: U, target: U, options: { overwrite: boolean }): Promise<void>;
  delete(uri: U): Promise<void>;
  /** Rejects when nothing is there (vscode.FileSystemError FileNotFound). */
  stat(uri: U): Promise<{ readonly type: number }>;
  /** Creates the folder and its parents; no error when it exists. */
  createDirectory(uri: U): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DocumentHost<U> {
  readonly fs: HostFs<U>;
  readonly log: Logger;
  /** swinfuse.maxVoxels, read when a file is read (so a changed setting applies to the next file). */
  maxVoxels(): number | undefined;
  /** swinfuse.mask.patterns, validated: where masks beside an image are looked for, and the first names new ones. */
  maskPatterns(): readonly string[];
  /** Something the user should see but that does not stop the viewer, e.g. a backup that could not be restored. */
  warnUser(message: string): void;
  /** A refusal the user must notice, e.g. a mask beside the image that is on another grid. */
  errorUser(message: string): void;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The URI of `name` in the folder that holds `uri`. */
export function siblingUri<U extends UriLike<U>>(uri: U, name: string): U {
  return uri.with({ path: `${uri.path.slice(0, uri.path.lastIndexOf('/') + 1)}${name}` });
}

/** The folder that holds `uri`. */
export function parentUri<U extends UriLike<U>>(uri: U): U {
  const cut = uri.path.lastIndexOf('/');
  return uri.with({ path: cut > 0 ? uri.path.slice(0, cut) : '/' });
}

/**
 * Whether two URIs name the same file. Case-insensitive, so a case-insensitive disk cannot alias the image; and on a
 * local disk also through symlinks and hard links (src/core/io/same-file.ts).
 */
export function sameFile<U extends UriLike<U>>(a: U, b: U): boolean {
  if (a.toString().toLowerCase() === b.toString().toLowerCase()) return true;
  return a.scheme === 'file' && b.scheme === 'file' && a.fsPath !== undefined && b.fsPath !== undefined && sameFilePath(a.fsPath, b.fsPath);
}
