// Small lookup textures: colour maps (256×1 RGBA), label palettes, and 1×1 stand-ins for absent layers.
import { DataTexture, FloatType, NearestFilter, RedFormat, RGBAFormat, UnsignedByteType } from 'three';
import { colormapLut, type ColormapName } from './colormaps';

function rgbaTexture(texels: Uint8Array, width: number): DataTexture {
  const t = new DataTexture(texels, width, 1, RGBAFormat, UnsignedByteType);
  t.minFilter = NearestFilter;
  t.magFilter = NearestFilter;
  t.generateMipmaps = false;
  t.needsUpdate = true;
  return t;
}

export class LookupTextures {
  private readonly colormaps = new Map<ColormapName, DataTexture>();
  /** One palette per slot (the overlay's, the mask's): a slot's older palette is dropped when its key changes. */
  private readonly palettes = new Map<string, { key: string; texture: DataTexture }>();
  readonly emptyFloat: DataTexture;
  readonly emptyByte: DataTexture;

  constructor() {
    this.emptyFloat = new DataTexture(new Float32Array(1), 1, 1, RedFormat, FloatType);
    this.emptyFloat.needsUpdate = true;
    this.emptyByte = new DataTexture(new Uint8Array(4), 1, 1, RedFormat, UnsignedByteType);
    this.emptyByte.unpackAlignment = 1;
    this.emptyByte.needsUpdate = true;
  }

  colormap(name: ColormapName): DataTexture {
    let t = this.colormaps.get(name);
    if (!t) {
      t = rgbaTexture(colormapLut(name), 256);
      this.colormaps.set(name, t);
    }
    return t;
  }

  /** The palette texture of `slot` for `key`, built by `make` when the key changes. */
  palette(key: string, make: () => Uint8Array, slot = 'overlay'): DataTexture {
    const have = this.palettes.get(slot);
    if (have?.key === key) return have.texture;
    have?.texture.dispose();
    const texture = rgbaTexture(make(), 256);
    this.palettes.set(slot, { key, texture });
    return texture;
  }

  dispose(): void {
    for (const t of [...this.colormaps.values(), ...[...this.palettes.values()].map((p) => p.texture), this.emptyFloat, this.emptyByte]) t.dispose();
    this.colormaps.clear();
    this.palettes.clear();
  }
}
