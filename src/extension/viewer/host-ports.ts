// What the viewer host needs from VS Code, as small interfaces. The logic (loading, siblings, grid checks, the
// message handshake) takes these as parameters, so it runs and is tested without the `vscode` module; the provider
// passes adapters over vscode.workspace.fs, the webview and the "SwinFUSE" output channel.

/**
 * The part of vscode.Uri the host uses. URI paths always use '/', whatever the platform or file system, so sibling
 * files are found by editing the path and `with` keeps the scheme and authority (remote and virtual workspaces).
 */
export interface UriLike<U> {
  readonly path: string;
  with(change: { path: string }): U;
  toString(): string;
}

/** vscode.FileType's values, as bit flags: a symbolic link to a file is File | SymbolicLink. */
export const FILE_TYPE_FILE = 1;

export interface HostFs<U> {
  readFile(uri: U): Promise<Uint8Array>;
  /** Entries of a folder: name and vscode.FileType flags. */
  readDirectory(uri: U): Promise<[string, number][]>;
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
  /** Something the user should see but that does not stop the viewer, e.g. a mask skipped for its geometry. */
  warnUser(message: string): void;
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
