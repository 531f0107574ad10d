// The document a viewer panel shows: one per opened file, owned by the host and shared by all of its panels (the
// hexeditor model). It never throws on open: a file that cannot be shown becomes a document in the `failed` state,
// so the panel can say why instead of staying blank. It composes the scan, its channels and its editable mask
// (document-mask.ts: edits, undo/redo, save, revert, backup); panels only talk to it through init, requests and
// edits.
import { NiftiError } from '../../core/nifti/index';
import {
  VIEWER_PROTOCOL_VERSION, type ChannelVoxels, type HostToWebview, type ViewerSettings,
} from '../../core/viewer-protocol/messages';
import type { AcceptChoice } from '../../core/labels/proposal-accept';
import { DocumentSegmentation } from '../segment/document-segmentation';
import { proposalVoxels } from '../segment/proposal';
import { DocumentMask, type MaskBackup, type MaskChange, type MaskPanel } from './document-mask';
import type { DisposableLike } from './emitter';
import { FILE_TYPE_FILE, baseName, parentUri, siblingUri, type DocumentHost, type UriLike } from './host-ports';
import { channelVoxels, readRasScan, type RasScan } from './ras-scan';
import { ScanChannels } from './scan-channels';

export type InitMessage = Extract<HostToWebview, { type: 'init' }>;

export type DocumentState<U extends UriLike<U>> =
  | {
    readonly kind: 'loaded'; readonly scan: RasScan; readonly channels: ScanChannels<U>; readonly mask: DocumentMask<U>;
    readonly segmentation: DocumentSegmentation;
  }
  | { readonly kind: 'failed'; readonly message: string };

export interface OpenOptions<U> {
  /** VS Code's backupId as a URI: the hot-exit backup of unsaved mask edits. */
  readonly backup?: U | undefined;
}

export class NiftiDocument<U extends UriLike<U>> {
  /** The file's name, as titles and messages show it. */
  readonly name: string;
  private disposed = false;

  private constructor(readonly uri: U, readonly state: DocumentState<U>) {
    this.name = baseName(uri.path);
  }

  static async open<U extends UriLike<U>>(uri: U, host: DocumentHost<U>, options: OpenOptions<U> = {}): Promise<NiftiDocument<U>> {
    const name = baseName(uri.path);
    try {
      const scan = await readRasScan(uri, name, host);
      const folderFiles = await listFolder(uri, host);
      const channels = ScanChannels.of(uri, scan, folderFiles, host);
      const protectedFiles = channels.infos.map((c) => siblingUri(uri, c.source));
      const mask = await DocumentMask.open(uri, scan, folderFiles, host, { backup: options.backup, protectedFiles });
      host.log.info(`${name}: ${scan.geometry.stored.shape.join('×')} ${scan.volume.datatype}, stored ${scan.geometry.stored.axcodes}, `
        + `${channels.infos.length} channel(s), mask ${mask.info().file}${mask.info().exists ? '' : ' (new)'}`);
      const segmentation = new DocumentSegmentation(name, mask, host.log);
      return new NiftiDocument(uri, { kind: 'loaded', scan, channels, mask, segmentation });
    } catch (err) {
      // NiftiError messages start with the file name; anything else (out of memory, a bug) gets it prepended.
      const message = err instanceof NiftiError ? err.message : `${name}: cannot be opened (${(err as Error)?.message ?? String(err)})`;
      host.log.error(message);
      return new NiftiDocument(uri, { kind: 'failed', message });
    }
  }

  /** What a panel's webview gets in answer to `ready`: everything for the first frame, with fresh buffers. */
  init(settings: ViewerSettings): InitMessage {
    const state = this.loadedState();
    return {
      type: 'init',
      version: VIEWER_PROTOCOL_VERSION,
      document: { uri: this.uri.toString(), name: this.name },
      geometry: state.scan.geometry,
      channels: state.channels.infos,
      initial: channelVoxels(state.scan, 0),
      overlays: [],
      mask: state.mask.voxels(),
      proposal: state.segmentation.current && proposalVoxels(state.segmentation.current),
      segmentation: state.segmentation.statusNow,
      settings,
    };
  }

  /** Answers the webview's `channel` request. */
  async channel(index: unknown): Promise<ChannelVoxels> {
    return this.loadedState().channels.voxels(index);
  }

  /** A panel joins the document's broadcasts (other panels' edits, undo/redo, revert, save); returns its leaving. */
  attach(panel: MaskPanel): () => void {
    return this.state.kind === 'loaded' && !this.disposed ? this.state.mask.attach(panel) : () => undefined;
  }

  /** A panel's stroke (the webview's `edit` message). */
  async edit(from: MaskPanel, label: unknown, edit: unknown): Promise<void> {
    await this.loadedState().mask.edit(from, label, edit);
  }

  /** The model's run and proposal (loaded documents only). */
  get segmentation(): DocumentSegmentation {
    return this.loadedState().segmentation;
  }

  /** A panel's Accept button; a proposal id the panel no longer shows is ignored. */
  async acceptProposal(id: unknown, choice: AcceptChoice): Promise<void> {
    if (typeof id !== 'number') throw new Error(`acceptProposal: the proposal id ${JSON.stringify(id)} is not a number`);
    await this.loadedState().segmentation.accept(id, choice);
  }

  async discardProposal(id: unknown): Promise<void> {
    if (typeof id !== 'number') throw new Error(`discardProposal: the proposal id ${JSON.stringify(id)} is not a number`);
    await this.loadedState().segmentation.discard(id);
  }

  cancelSegmentation(): void {
    if (this.state.kind === 'loaded') this.state.segmentation.cancel();
  }

  /** Plain files beside the image now (channel files may have been added since it was opened). */
  folderFiles(host: DocumentHost<U>): Promise<string[] | undefined> {
    return listFolder(this.uri, host);
  }

  /** Mask edits, for VS Code's onDidChangeCustomDocument. A failed document never changes. */
  onDidChange(listener: (change: MaskChange) => unknown): DisposableLike {
    return this.state.kind === 'loaded' ? this.state.mask.onDidChange(listener) : { dispose: () => undefined };
  }

  /** The mask, for save and tests (loaded documents only). */
  get mask(): DocumentMask<U> {
    return this.loadedState().mask;
  }

  async save(): Promise<void> {
    // A document that could not be opened has no edits, so there is nothing to save.
    if (this.state.kind === 'loaded') await this.loadedState().mask.save();
  }

  /** Where Save writes the mask now. */
  maskTarget(): U {
    return this.loadedState().mask.targetUri();
  }

  async saveAs(destination: U): Promise<void> {
    await this.loadedState().mask.saveAs(destination);
  }

  async revert(): Promise<void> {
    if (this.state.kind === 'loaded') await this.loadedState().mask.revert();
  }

  async backup(destination: U): Promise<MaskBackup> {
    return this.loadedState().mask.backup(destination);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.state.kind === 'loaded') {
      this.state.segmentation.dispose();
      this.state.channels.clear();
      this.state.mask.dispose();
    }
  }

  private loadedState(): Extract<DocumentState<U>, { kind: 'loaded' }> {
    if (this.disposed) throw new Error(`${this.name} is closed`);
    if (this.state.kind !== 'loaded') throw new Error(this.state.message);
    return this.state;
  }
}

/** Names of the plain files beside `uri`; undefined (and a log line) where the folder cannot be listed. */
async function listFolder<U extends UriLike<U>>(uri: U, host: DocumentHost<U>): Promise<string[] | undefined> {
  try {
    const entries = await host.fs.readDirectory(parentUri(uri));
    return entries.filter(([, type]) => (type & FILE_TYPE_FILE) !== 0).map(([name]) => name);
  } catch (err) {
    host.log.warn(`${baseName(uri.path)}: cannot list its folder, so no sibling channels or masks (${(err as Error)?.message ?? err})`);
    return undefined;
  }
}
