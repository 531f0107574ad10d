// The image channels of one document: voxels in their stored type (RAS layout) with their intensity statistics.
// The first comes with init; the others are fetched from the host when first shown.
import type { ChannelVoxels } from '../../core/viewer-protocol/messages';
import type { Scaling } from '../slicing/extract-slice';
import { effectiveScaling, intensityStats, type IntensityStats } from './intensity-stats';
import { typedVoxels, type VoxelData } from './voxel-data';

export interface LoadedChannel {
  readonly index: number;
  readonly data: VoxelData;
  readonly scaling: Scaling | null;
  readonly stats: IntensityStats;
}

export class ChannelStore {
  private readonly loaded = new Map<number, LoadedChannel>();
  private readonly inFlight = new Map<number, Promise<LoadedChannel>>();
  private disposed = false;

  constructor(
    private readonly voxels: number,
    private readonly fetchChannel: (index: number) => Promise<ChannelVoxels>,
  ) {}

  add(channel: ChannelVoxels): LoadedChannel {
    const data = typedVoxels(channel.datatype, channel.data, this.voxels);
    const scaling = effectiveScaling(channel.scaling);
    const loaded: LoadedChannel = { index: channel.index, data, scaling, stats: intensityStats(data, scaling) };
    this.loaded.set(channel.index, loaded);
    return loaded;
  }

  get(index: number): LoadedChannel | undefined {
    return this.loaded.get(index);
  }

  /** The channel's voxels, asking the host once however often it is called. */
  load(index: number): Promise<LoadedChannel> {
    const have = this.loaded.get(index);
    if (have) return Promise.resolve(have);
    let pending = this.inFlight.get(index);
    if (!pending) {
      pending = this.fetchChannel(index).then((voxels) => {
        if (this.disposed) throw new Error('the document was closed');
        if (voxels.index !== index) throw new Error(`asked for channel ${index}, the host sent ${voxels.index}`);
        return this.add(voxels);
      }).finally(() => this.inFlight.delete(index));
      this.inFlight.set(index, pending);
    }
    return pending;
  }

  dispose(): void {
    this.disposed = true;
    this.loaded.clear();
  }
}
