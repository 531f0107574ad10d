// The editable mask of one opened image, shared by all of its panels. Each stroke a panel sends is one edit: the
// host applies it, raises a change event carrying its {undo, redo} (VS Code's undo stack, dirty marker and hot
// exit follow from that), and tells the other panels. The edit itself is the undo record, so memory grows with the
// voxels changed, never with the volume. Saving writes only the mask file; the image and its channel files are
// never written.
import { HandEdits } from '../../core/labels/hand-edits';
import { encodeEdit, invertEdit, type LabelEdit } from '../../core/labels/label-edit';
import { acceptProposal, type AcceptChoice } from '../../core/labels/proposal-accept';
import { decodeMaskBackup, encodeMaskBackup } from '../../core/labels/mask-backup';
import { NiftiError, gridDifference } from '../../core/nifti/index';
import type { HostToWebview, MaskInfo, MaskVoxels } from '../../core/viewer-protocol/messages';
import { Emitter } from './emitter';
import {
  baseName, parentUri, sameFile, siblingUri, type DocumentHost, type UriLike,
} from './host-ports';
import { LabelMask } from './label-mask';
import { defaultMaskName, findMaskFile, freeMaskName, isNiftiName } from './mask-discovery';
import { encodeMaskFile, fileExists, readMaskFile, writeFileAtomic } from './mask-file';
import { readRasScan, type RasScan } from './ras-scan';

/** One panel, as the mask reaches it. Never rejects: delivery problems are the session's to log. */
export interface MaskPanel {
  post(message: HostToWebview): Promise<void>;
}

/** What VS Code's onDidChangeCustomDocument gets (plus the edit, so tests can weigh the undo record). */
export interface MaskChange {
  readonly label: string;
  readonly edit: LabelEdit;
  undo(): void;
  redo(): void;
}

export interface MaskBackup {
  readonly id: string;
  delete(): void;
}

interface MaskState<U> {
  readonly labels: Uint8Array;
  readonly target: U;
  /** Whether `target` holds this document's mask on disk: read at open, or written by a save. */
  readonly exists: boolean;
  readonly refused: string | null;
}

export interface MaskOpenOptions<U> {
  /** A hot-exit backup to restore (VS Code's backupId). */
  readonly backup?: U | undefined;
  /** Files a save must never replace: the image's channel files (the image itself is always protected). */
  readonly protectedFiles?: readonly U[];
}

export class DocumentMask<U extends UriLike<U>> {
  private readonly panels = new Set<MaskPanel>();
  private readonly changes = new Emitter<MaskChange>();
  readonly onDidChange = this.changes.event;
  private readonly labels: LabelMask;
  /** The user's own voxels, which accepting a proposal keeps unless told to overwrite them. */
  private readonly handEdits: HandEdits;
  private target: U;
  private exists: boolean;
  private readonly refused: string | null;
  private readonly protectedFiles: readonly U[];
  /**
   * The changes (edits, accepts) in effect, oldest first, by id, and the last one in effect when the mask last
   * matched its file (0: none; -1: never, e.g. restored from a backup). The same stack VS Code's dirty marker
   * follows, so `hasUnsavedEdits` agrees with it without keeping a copy of the labels.
   */
  private readonly applied: number[] = [];
  private nextChangeId = 1;
  private savedAt: number;

  private constructor(
    private readonly image: U,
    private readonly scan: RasScan,
    private readonly host: DocumentHost<U>,
    state: MaskState<U>,
    protectedFiles: readonly U[],
    restored: boolean,
  ) {
    this.labels = new LabelMask(state.labels);
    this.handEdits = new HandEdits(state.labels.length);
    this.handEdits.setBaseline(state.labels);
    this.target = state.target;
    this.exists = state.exists;
    this.refused = state.refused;
    this.protectedFiles = protectedFiles;
    this.savedAt = restored ? -1 : 0;
  }

  /**
   * The mask beside the image if one fits, otherwise a new empty one; then the backup, if VS Code has one. A mask
   * that does not fit is refused with an error message and protected from every save.
   */
  static async open<U extends UriLike<U>>(
    image: U, scan: RasScan, folderFiles: readonly string[] | undefined, host: DocumentHost<U>, options: MaskOpenOptions<U> = {},
  ): Promise<DocumentMask<U>> {
    const patterns = host.maskPatterns();
    const voxels = scan.geometry.shape[0] * scan.geometry.shape[1] * scan.geometry.shape[2];
    const empty = (): Uint8Array => new Uint8Array(voxels);
    const protectedFiles = [...(options.protectedFiles ?? [])];
    let state: MaskState<U> = {
      labels: empty(), target: siblingUri(image, defaultMaskName(scan.file, patterns)), exists: false, refused: null,
    };
    const found = folderFiles && findMaskFile(scan.file, folderFiles, patterns);
    if (found) {
      const read = await readMaskFile(siblingUri(image, found), found, scan, host);
      if (read.kind === 'ok') {
        state = { labels: read.labels, target: siblingUri(image, found), exists: true, refused: null };
        host.log.info(`${scan.file}: mask from ${found}`);
      } else {
        const name = freeMaskName(defaultMaskName(scan.file, patterns), folderFiles);
        const message = `The mask ${found} does not fit ${scan.file}: ${read.reason}. It is not shown and will not be `
          + `written; new labels save to ${name}.`;
        host.log.error(message);
        host.errorUser(message);
        protectedFiles.push(siblingUri(image, found));
        state = { labels: empty(), target: siblingUri(image, name), exists: false, refused: `${found}: ${read.reason}` };
      }
    }
    const fromDisk = state;
    if (options.backup) state = await restoreBackup(options.backup, image, scan, host, state);
    return new DocumentMask(image, scan, host, state, protectedFiles, state !== fromDisk);
  }

  info(): MaskInfo {
    return { file: baseName(this.target.path), exists: this.exists, refused: this.refused };
  }

  targetUri(): U {
    return this.target;
  }

  /** For init and resyncs: a fresh copy, since posted buffers are transferred. */
  voxels(): MaskVoxels {
    return { ...this.info(), data: this.labels.copyBuffer() };
  }

  /** The host's labels (RAS layout); read-only for callers. */
  get data(): Uint8Array {
    return this.labels.data;
  }

  /** 1 where a voxel is the user's work: labelled at open or revert, or touched by a hand edit still in effect. */
  handEditMap(): Uint8Array {
    return this.handEdits.map();
  }

  /** Whether the labels differ from the mask file as last read or saved (edits, accepts or a restored backup). */
  get hasUnsavedEdits(): boolean {
    return (this.applied.at(-1) ?? 0) !== this.savedAt;
  }

  /** Registers a panel for broadcasts; returns its removal. */
  attach(panel: MaskPanel): () => void {
    this.panels.add(panel);
    return () => this.panels.delete(panel);
  }

  /** One stroke from `from`. Resolves when the messages it causes are posted; never rejects. */
  async edit(from: MaskPanel, label: unknown, message: unknown): Promise<void> {
    const result = this.labels.applyIncoming(message);
    const name = this.scan.file;
    switch (result.kind) {
      case 'empty':
        return;
      case 'malformed':
        this.host.log.error(`${name}: a panel sent an edit that cannot be applied (${result.problem}); resyncing that panel`);
        await from.post({ type: 'mask', mask: this.voxels(), reason: 'resync' });
        return;
      case 'stale-noop':
        this.host.log.info(`${name}: an edit made against a stale copy changes nothing; resyncing that panel`);
        await from.post({ type: 'mask', mask: this.voxels(), reason: 'resync' });
        return;
      case 'applied': {
        const edit = result.edit;
        this.handEdits.add(edit);
        const id = this.track();
        this.changes.fire({
          label: typeof label === 'string' && label.trim() !== '' ? label.slice(0, 80) : 'Edit mask',
          edit,
          undo: () => {
            this.handEdits.remove(edit);
            this.untrack(id);
            this.undo(edit);
          },
          redo: () => {
            this.handEdits.add(edit);
            this.applied.push(id);
            this.redo(edit);
          },
        }, (err) => this.host.log.error(`${name}: a change listener failed: ${(err as Error)?.message ?? err}`));
        const posts = [...this.panels].filter((p) => p !== from)
          .map((p) => p.post({ type: 'maskEdit', edit: encodeEdit(edit), cause: 'other-panel' }));
        if (result.rebuilt) {
          this.host.log.info(`${name}: an edit did not match the host's mask (a race with undo); rebuilt it and resyncing that panel`);
          posts.push(from.post({ type: 'mask', mask: this.voxels(), reason: 'resync' }));
        }
        await Promise.all(posts);
      }
    }
  }

  /**
   * Writes a model's proposal (RAS labels on this grid) into the mask as `choice` says: one edit, one undo step, sent
   * to every panel. `hooks` run after the mask's own undo and redo (the proposal comes back with an undo). Returns
   * the edit (empty when nothing changed, and then no undo step is made).
   */
  async accept(proposal: Uint8Array, choice: AcceptChoice, label: string, hooks: { undo(): void; redo(): void }): Promise<LabelEdit> {
    const edit = acceptProposal(this.labels.data, proposal, this.handEdits.map(), choice);
    if (edit.count === 0) return edit;
    const id = this.track();
    this.changes.fire({
      label,
      edit,
      undo: () => {
        this.untrack(id);
        this.undo(edit);
        hooks.undo();
      },
      redo: () => {
        this.applied.push(id);
        this.redo(edit);
        hooks.redo();
      },
    }, (err) => this.host.log.error(`${this.scan.file}: a change listener failed: ${(err as Error)?.message ?? err}`));
    await this.broadcast(() => ({ type: 'maskEdit', edit: encodeEdit(edit), cause: 'accept' }));
    return edit;
  }

  /** A new change is in effect; returns its id. */
  private track(): number {
    const id = this.nextChangeId++;
    this.applied.push(id);
    return id;
  }

  /** A change was undone. Undoing one made before a revert changes the labels too: that counts as a new change. */
  private untrack(id: number): void {
    const at = this.applied.lastIndexOf(id);
    if (at >= 0) this.applied.splice(at, 1);
    else this.track();
  }

  private undo(edit: LabelEdit): void {
    this.labels.undo(edit);
    void this.broadcast(() => ({ type: 'maskEdit', edit: encodeEdit(invertEdit(edit)), cause: 'undo' }));
  }

  private redo(edit: LabelEdit): void {
    this.labels.redo(edit);
    void this.broadcast(() => ({ type: 'maskEdit', edit: encodeEdit(edit), cause: 'redo' }));
  }

  /** Save: writes the mask where it saves now. */
  save(): Promise<void> {
    return this.write(this.target);
  }

  /** Save As: writes the mask to `destination`, which becomes where it saves. */
  saveAs(destination: U): Promise<void> {
    return this.write(destination);
  }

  /** Revert: the mask on disk again (empty if it was never saved), in every panel. */
  async revert(): Promise<void> {
    let labels: Uint8Array = new Uint8Array(this.labels.data.length);
    if (this.exists) {
      const file = baseName(this.target.path);
      const read = await readMaskFile(this.target, file, this.scan, this.host);
      if (read.kind === 'refused') throw new Error(`Cannot revert the mask of ${this.scan.file}: ${file}: ${read.reason}`);
      labels = read.labels;
    }
    this.labels.replace(labels);
    this.handEdits.setBaseline(labels);
    this.applied.length = 0;
    this.savedAt = 0;
    await this.broadcast(() => ({ type: 'mask', mask: this.voxels(), reason: 'revert' }));
  }

  /** The hot-exit backup: the RAS labels and where they save (format in src/core/labels/mask-backup.ts). */
  async backup(destination: U): Promise<MaskBackup> {
    const bytes = await encodeMaskBackup({
      image: this.scan.file, target: this.target.path, exists: this.exists, refused: this.refused, shape: this.scan.geometry.shape,
    }, this.labels.data);
    const fs = this.host.fs;
    await fs.createDirectory(parentUri(destination));
    await fs.writeFile(destination, bytes);
    return { id: destination.toString(), delete: () => void fs.delete(destination).catch(() => undefined) };
  }

  dispose(): void {
    this.panels.clear();
    this.changes.dispose();
  }

  private async write(target: U): Promise<void> {
    const name = baseName(target.path);
    const refuse = (why: string): never => {
      const message = `Not saving the mask of ${this.scan.file} to ${name}: ${why}`;
      this.host.log.error(message);
      throw new Error(message);
    };
    if (sameFile(target, this.image)) refuse('that is the image itself, which is never written; save the mask under another name');
    if (this.protectedFiles.some((p) => sameFile(p, target))) {
      refuse(this.refused?.startsWith(`${name}: `)
        ? 'that file was refused as this image\'s mask and is never written; save under another name'
        : `it is one of the channels shown with ${this.scan.file}, which are never written; save under another name`);
    }
    if (!isNiftiName(name)) refuse('a mask is a NIfTI file, so its name must end in .nii or .nii.gz');
    // A file that appeared at the target after this document was opened may be someone else's mask or image.
    if (!(this.exists && sameFile(target, this.target)) && await fileExists(this.host.fs, target)) {
      await this.checkReplaceable(target, name, refuse);
    }
    const bytes = await encodeMaskFile(this.scan, this.labels.data, name);
    try {
      await writeFileAtomic(this.host.fs, target, bytes);
    } catch (err) {
      refuse(`writing it failed (${(err as Error)?.message ?? err})`);
    }
    this.target = target;
    this.exists = true;
    this.savedAt = this.applied.at(-1) ?? 0;
    this.host.log.info(`${this.scan.file}: mask saved to ${name}`);
    await this.broadcast(() => ({ type: 'maskInfo', mask: this.info() }));
  }

  private async checkReplaceable(target: U, name: string, refuse: (why: string) => never): Promise<void> {
    let other: RasScan;
    try {
      other = await readRasScan(target, name, this.host);
    } catch (err) {
      const problem = err instanceof NiftiError ? err.problem : (err as Error)?.message ?? String(err);
      refuse(`that file exists and is not a readable NIfTI file (${problem}), so it is left as it is`);
    }
    const difference = gridDifference(this.scan.geometry, other!.geometry);
    if (difference) refuse(`that file exists and is not on the voxel grid of ${this.scan.file} (${difference}), so it is left as it is`);
  }

  /** Posts to every panel of the document; `message` makes a fresh one per panel (buffers are not shared). */
  async broadcast(message: () => HostToWebview): Promise<void> {
    await Promise.all([...this.panels].map((panel) => panel.post(message())));
  }
}

/** The backup's labels and target, or (with a warning) the state from disk when the backup cannot be used. */
async function restoreBackup<U extends UriLike<U>>(
  backup: U, image: U, scan: RasScan, host: DocumentHost<U>, fromDisk: MaskState<U>,
): Promise<MaskState<U>> {
  try {
    const bytes = await host.fs.readFile(backup);
    const { header, labels } = await decodeMaskBackup(bytes, { image: scan.file, shape: scan.geometry.shape },
      `the unsaved-changes backup of ${scan.file}`);
    host.log.info(`${scan.file}: restored the unsaved mask from its backup`);
    return { labels, target: image.with({ path: header.target }), exists: header.exists, refused: header.refused };
  } catch (err) {
    const message = `Could not restore the unsaved mask of ${scan.file}: ${(err as Error)?.message ?? err}. `
      + 'Showing the mask from disk instead.';
    host.log.warn(message);
    host.warnUser(message);
    return fromDisk;
  }
}
