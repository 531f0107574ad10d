// The channels a viewer can switch between: the 4th-axis channels of one file, or the same case's other contrasts
// beside the opened one (src/core/inference/contrast-names.ts). Axis channels are cut from the loaded volume; sibling files are read only when first asked for.
import { caseSiblings } from '../../core/inference/contrast-names';
import { NiftiError } from '../../core/nifti/index';
import type { ChannelInfo, ChannelVoxels } from '../../core/viewer-protocol/messages';
import { gridDifference } from '../../core/nifti/grid';
import { siblingUri, type DocumentHost, type UriLike } from './host-ports';
import { channelVoxels, readRasScan, type RasScan } from './ras-scan';

type Source<U> =
  | { readonly kind: 'axis'; readonly axis: number }
  | { readonly kind: 'file'; readonly uri: U; readonly file: string };

export class ScanChannels<U extends UriLike<U>> {
  /** Sibling files being read or read; a failed read is forgotten so that asking again retries. */
  private readonly loaded = new Map<number, Promise<RasScan>>();

  private constructor(
    private readonly main: RasScan,
    private readonly sources: readonly Source<U>[],
    readonly infos: readonly ChannelInfo[],
    private readonly host: DocumentHost<U>,
  ) {}

  /** `folderFiles`: names of the files beside the scan, or undefined when the folder could not be listed. */
  static of<U extends UriLike<U>>(uri: U, main: RasScan, folderFiles: readonly string[] | undefined, host: DocumentHost<U>): ScanChannels<U> {
    if (main.channels > 1) {
      // Nothing in a NIfTI header names 4th-axis channels, so they are numbered as people count them.
      const infos = Array.from({ length: main.channels }, (_, i) => ({ index: i, name: `channel ${i + 1}`, source: main.file }));
      return new ScanChannels(main, infos.map((_, axis) => ({ kind: 'axis', axis })), infos, host);
    }
    const siblings = caseSiblings(main.file, folderFiles ?? []);
    if (!siblings) {
      const name = main.file.replace(/\.nii(\.gz)?$/i, '');
      return new ScanChannels(main, [{ kind: 'axis', axis: 0 }], [{ index: 0, name, source: main.file }], host);
    }
    const sources: Source<U>[] = siblings.map((s, i) => (i === 0
      ? { kind: 'axis', axis: 0 }
      : { kind: 'file', uri: siblingUri(uri, s.name), file: s.name }));
    return new ScanChannels(main, sources, siblings.map((s, i) => ({ index: i, name: s.modality, source: s.name })), host);
  }

  /** The voxels of channel `index` in RAS layout, in a buffer of their own. Rejects with a message for the user. */
  async voxels(index: unknown): Promise<ChannelVoxels> {
    const source = typeof index === 'number' && Number.isInteger(index) ? this.sources[index] : undefined;
    if (!source) {
      throw new Error(`${this.main.file} has no channel ${JSON.stringify(index)} (channels 0..${this.sources.length - 1})`);
    }
    if (source.kind === 'axis') return channelVoxels(this.main, source.axis, index as number);
    const scan = await this.sibling(index as number, source);
    return channelVoxels(scan, 0, index as number);
  }

  private sibling(index: number, source: { uri: U; file: string }): Promise<RasScan> {
    let pending = this.loaded.get(index);
    if (!pending) {
      pending = this.readSibling(source);
      this.loaded.set(index, pending);
      pending.catch(() => this.loaded.delete(index));
    }
    return pending;
  }

  private async readSibling(source: { uri: U; file: string }): Promise<RasScan> {
    const scan = await readRasScan(source.uri, source.file, this.host);
    if (scan.channels !== 1) {
      throw new NiftiError(source.file, `has ${scan.channels} channels on its 4th axis; a contrast's file holds one`);
    }
    // Compared in RAS layout: a sibling stored in another orientation is still fine if it lands on the same grid.
    const difference = gridDifference(this.main.geometry, scan.geometry);
    if (difference) {
      throw new Error(`${source.file} is not on the voxel grid of ${this.main.file}: ${difference}; it cannot be shown as one of its channels`);
    }
    this.host.log.info(`${this.main.file}: loaded channel ${source.file}`);
    return scan;
  }

  /** Forgets the sibling volumes read so far (the document is closing). */
  clear(): void {
    this.loaded.clear();
  }
}
