// The GPU side of one view's slice: the scalar slice (R32F), the label slice (R8) and the probability slice (R32F),
// each re-extracted and re-uploaded only when its source or slice index changes.
import { DataTexture, FloatType, NearestFilter, RedFormat, UnsignedByteType } from 'three';
import type { ViewAxes } from '../geometry/views';
import { extractSlice, type Scaling } from '../slicing/extract-slice';
import type { VoxelData } from '../model/voxel-data';

function sliceTexture(data: Float32Array | Uint8Array, width: number, height: number): DataTexture {
  const texture = new DataTexture(data, width, height, RedFormat, data instanceof Uint8Array ? UnsignedByteType : FloatType);
  texture.minFilter = NearestFilter;
  texture.magFilter = NearestFilter;
  texture.generateMipmaps = false;
  texture.unpackAlignment = 1;
  texture.needsUpdate = true;
  return texture;
}

/** One slice buffer and its texture, tagged with what was last extracted into it. */
class SliceLayer<T extends Float32Array | Uint8Array> {
  readonly texture: DataTexture;
  private key = '';

  constructor(private readonly buffer: T, width: number, height: number) {
    this.texture = sliceTexture(buffer, width, height);
  }

  /** Extracts and uploads unless `key` says the buffer already holds this slice. */
  update(key: string, data: VoxelData, shape: readonly number[], axes: ViewAxes, index: number, scaling: Scaling | null): void {
    if (key === this.key) return;
    extractSlice(data, shape, axes, index, this.buffer, scaling);
    this.texture.needsUpdate = true;
    this.key = key;
  }

  dispose(): void {
    this.texture.dispose();
  }
}

export class ViewSlices {
  readonly width: number;
  readonly height: number;
  readonly image: SliceLayer<Float32Array>;
  private labelLayer: SliceLayer<Uint8Array> | null = null;
  private maskLayer: SliceLayer<Uint8Array> | null = null;
  private probLayer: SliceLayer<Float32Array> | null = null;

  constructor(readonly axes: ViewAxes, private readonly shape: readonly number[]) {
    this.width = shape[axes.horizontal]!;
    this.height = shape[axes.vertical]!;
    this.image = new SliceLayer(new Float32Array(this.width * this.height), this.width, this.height);
  }

  updateImage(sourceKey: string, data: VoxelData, scaling: Scaling | null, index: number): void {
    this.image.update(`${sourceKey}@${index}`, data, this.shape, this.axes, index, scaling);
  }

  labels(sourceKey: string, data: Uint8Array, index: number): DataTexture {
    this.labelLayer ??= new SliceLayer(new Uint8Array(this.width * this.height), this.width, this.height);
    this.labelLayer.update(`${sourceKey}@${index}`, data, this.shape, this.axes, index, null);
    return this.labelLayer.texture;
  }

  /** The edited mask's slice; `sourceKey` carries the slice's revision, so an edit elsewhere costs nothing here. */
  mask(sourceKey: string, data: Uint8Array, index: number): DataTexture {
    this.maskLayer ??= new SliceLayer(new Uint8Array(this.width * this.height), this.width, this.height);
    this.maskLayer.update(`${sourceKey}@${index}`, data, this.shape, this.axes, index, null);
    return this.maskLayer.texture;
  }

  probability(sourceKey: string, data: Float32Array, index: number): DataTexture {
    this.probLayer ??= new SliceLayer(new Float32Array(this.width * this.height), this.width, this.height);
    this.probLayer.update(`${sourceKey}@${index}`, data, this.shape, this.axes, index, null);
    return this.probLayer.texture;
  }

  dispose(): void {
    this.image.dispose();
    this.labelLayer?.dispose();
    this.maskLayer?.dispose();
    this.probLayer?.dispose();
  }
}
