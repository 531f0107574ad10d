// Scaled float32 copies of channels, made on first use by threshold painting and intensity fill (core setValues
// and floodFill compare scaled values of a Float32Array). A float32 channel without scaling is used as it is.
import { scaledFloat32 } from '../../core/nifti/volume';
import type { LoadedChannel } from './channel-store';

export class ScaledImages {
  private readonly cache = new Map<number, Float32Array>();

  of(channel: LoadedChannel): Float32Array {
    if (channel.data instanceof Float32Array && !channel.scaling) return channel.data;
    let out = this.cache.get(channel.index);
    if (!out) {
      const { data, scaling } = channel;
      out = scaledFloat32({ shape: [data.length], data, scaling });
      // Only the latest channel is kept: a 35 M voxel copy is 140 MB.
      this.cache.clear();
      this.cache.set(channel.index, out);
    }
    return out;
  }

  clear(): void {
    this.cache.clear();
  }
}
