// The document a viewer panel shows: one per opened file, owned by the host and shared by all of its panels (the
// hexeditor model). It never throws on open: a file that cannot be shown becomes a document in the `failed` state,
// so the panel can say why instead of staying blank. The next issue adds the label edits ({undo, redo} pairs),
// save and backup here; panels only talk to it through init and requests.
import { NiftiError } from '../../core/nifti/index';
import {
  BRATS_LABEL_COLORS, VIEWER_PROTOCOL_VERSION, type ChannelVoxels, type HostToWebview, type Overlay, type ViewerSettings,
} from '../../core/viewer-protocol/messages';
import { gridDifference } from '../../core/nifti/grid';
import { FILE_TYPE_FILE, baseName, parentUri, siblingUri, type DocumentHost, type UriLike } from './host-ports';
import { channelVoxels, labelVoxels, readRasScan, type RasScan } from './ras-scan';
import { ScanChannels } from './scan-channels';
import { findLabelFile } from './scan-names';

export type InitMessage = Extract<HostToWebview, { type: 'init' }>;

interface LabelMask {
  readonly file: string;
  /** uint8 labels in RAS layout, on the scan's grid. */
  readonly data: Uint8Array;
}

export type DocumentState<U extends UriLike<U>> =
  | { readonly kind: 'loaded'; readonly scan: RasScan; readonly channels: ScanChannels<U>; readonly labels: LabelMask | undefined }
  | { readonly kind: 'failed'; readonly message: string };

export class NiftiDocument<U extends UriLike<U>> {
  /** The file's name, as titles and messages show it. */
  readonly name: string;
  private disposed = false;

  private constructor(readonly uri: U, readonly state: DocumentState<U>) {
    this.name = baseName(uri.path);
  }

  static async open<U extends UriLike<U>>(uri: U, host: DocumentHost<U>): Promise<NiftiDocument<U>> {
    const name = baseName(uri.path);
    try {
      const scan = await readRasScan(uri, name, host);
      const folderFiles = await listFolder(uri, host);
      const channels = ScanChannels.of(uri, scan, folderFiles, host);
      const labels = await readLabels(uri, scan, folderFiles, host);
      host.log.info(`${name}: ${scan.geometry.stored.shape.join('×')} ${scan.volume.datatype}, stored ${scan.geometry.stored.axcodes}, `
        + `${channels.infos.length} channel(s)${labels ? `, labels from ${labels.file}` : ''}`);
      return new NiftiDocument(uri, { kind: 'loaded', scan, channels, labels });
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
    const overlays: Overlay[] = state.labels
      ? [{ kind: 'labels', name: state.labels.file, data: copyBuffer(state.labels.data), colors: BRATS_LABEL_COLORS }]
      : [];
    return {
      type: 'init',
      version: VIEWER_PROTOCOL_VERSION,
      document: { uri: this.uri.toString(), name: this.name },
      geometry: state.scan.geometry,
      channels: state.channels.infos,
      initial: channelVoxels(state.scan, 0),
      overlays,
      settings,
    };
  }

  /** Answers the webview's `channel` request. */
  async channel(index: unknown): Promise<ChannelVoxels> {
    return this.loadedState().channels.voxels(index);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.state.kind === 'loaded') this.state.channels.clear();
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

/** A label mask beside the scan, if there is one on the scan's grid; otherwise a warning says why it is not shown. */
async function readLabels<U extends UriLike<U>>(
  uri: U, scan: RasScan, folderFiles: readonly string[] | undefined, host: DocumentHost<U>,
): Promise<LabelMask | undefined> {
  const file = folderFiles && findLabelFile(scan.file, folderFiles);
  if (!file) return undefined;
  try {
    const mask = await readRasScan(siblingUri(uri, file), file, host);
    const difference = gridDifference(scan.geometry, mask.geometry);
    if (difference) throw new Error(`it is not on the voxel grid of ${scan.file}: ${difference}`);
    return { file, data: labelVoxels(mask) };
  } catch (err) {
    const reason = err instanceof NiftiError ? err.problem : (err as Error)?.message ?? String(err);
    const message = `Not showing the mask ${file} over ${scan.file}: ${reason}.`;
    host.log.warn(message);
    host.warnUser(message);
    return undefined;
  }
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
