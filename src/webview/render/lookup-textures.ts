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
  private readonly palettes = new Map<string, DataTexture>();
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

  /** A palette texture for `key`, built by `make` the first time; older palettes are dropped. */
  palette(key: string, make: () => Uint8Array): DataTexture {
    let t = this.palettes.get(key);
    if (!t) {
      for (const old of this.palettes.values()) old.dispose();
      this.palettes.clear();
      t = rgbaTexture(make(), 256);
      this.palettes.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of [...this.colormaps.values(), ...this.palettes.values(), this.emptyFloat, this.emptyByte]) t.dispose();
    this.colormaps.clear();
    this.palettes.clear();
  }
}
