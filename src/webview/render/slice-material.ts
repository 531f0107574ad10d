// The ShaderMaterial that draws a slice, and how a frame's inputs become its uniforms.
import { DoubleSide, GLSL3, ShaderMaterial, Vector2, Vector3, type Texture } from 'three';
import { SLICE_FRAGMENT, SLICE_VERTEX } from './shaders';

export interface LabelLayer { readonly texture: Texture; readonly palette: Texture; readonly opacity: number; readonly outline: boolean }

export interface SliceLayers {
  readonly width: number;
  readonly height: number;
  readonly image: Texture | null;
  readonly lut: Texture;
  /** Scaled values mapped to the colour map's ends. */
  readonly windowLow: number;
  readonly windowHigh: number;
  readonly labels: LabelLayer | null;
  /** The edited mask, drawn above the other overlays. */
  readonly mask: LabelLayer | null;
  readonly probability: { readonly texture: Texture; readonly heat: Texture; readonly opacity: number; readonly threshold: number } | null;
  readonly background: readonly [number, number, number];
}

export function createSliceMaterial(mode: 0 | 1, empty: { float: Texture; byte: Texture }): ShaderMaterial {
  return new ShaderMaterial({
    glslVersion: GLSL3,
    vertexShader: SLICE_VERTEX,
    fragmentShader: SLICE_FRAGMENT,
    side: DoubleSide,
    depthTest: mode === 1,
    depthWrite: mode === 1,
    defines: mode === 0 ? { SCREEN_MAPPED: '' } : {},
    uniforms: {
      uRowH: { value: new Vector3() },
      uRowV: { value: new Vector3() },
      uSize: { value: new Vector2(1, 1) },
      uImage: { value: empty.float },
      uLut: { value: empty.byte },
      uWindow: { value: new Vector2(0, 1) },
      uLabels: { value: empty.byte },
      uPalette: { value: empty.byte },
      uLabelOpacity: { value: 0.5 },
      uMask: { value: empty.byte },
      uMaskPalette: { value: empty.byte },
      uMaskOpacity: { value: 0.5 },
      uProb: { value: empty.float },
      uHeat: { value: empty.byte },
      uProbOpacity: { value: 0.5 },
      uProbThreshold: { value: 0.5 },
      uBackground: { value: new Vector3() },
    },
  });
}

/** Switches the shader's layers on and off; a changed set recompiles (once per combination, then cached). */
function setDefines(material: ShaderMaterial, wanted: Record<string, boolean>): void {
  const defines = material.defines as Record<string, string>;
  let changed = false;
  for (const [name, on] of Object.entries(wanted)) {
    if (on && !(name in defines)) { defines[name] = ''; changed = true; }
    if (!on && name in defines) { delete defines[name]; changed = true; }
  }
  if (changed) material.needsUpdate = true;
}

export function applyLayers(material: ShaderMaterial, layers: SliceLayers, empty: { float: Texture; byte: Texture }): void {
  setDefines(material, {
    HAS_IMAGE: layers.image !== null,
    LABELS: layers.labels !== null,
    OUTLINE: layers.labels?.outline ?? false,
    PROBABILITY: layers.probability !== null,
    MASK: layers.mask !== null,
    MASK_OUTLINE: layers.mask?.outline ?? false,
  });
  const u = material.uniforms;
  (u.uSize!.value as Vector2).set(layers.width, layers.height);
  u.uImage!.value = layers.image ?? empty.float;
  u.uLut!.value = layers.lut;
  (u.uWindow!.value as Vector2).set(layers.windowLow, layers.windowHigh);
  u.uLabels!.value = layers.labels?.texture ?? empty.byte;
  u.uPalette!.value = layers.labels?.palette ?? empty.byte;
  u.uLabelOpacity!.value = layers.labels?.opacity ?? 0;
  u.uMask!.value = layers.mask?.texture ?? empty.byte;
  u.uMaskPalette!.value = layers.mask?.palette ?? empty.byte;
  u.uMaskOpacity!.value = layers.mask?.opacity ?? 0;
  u.uProb!.value = layers.probability?.texture ?? empty.float;
  u.uHeat!.value = layers.probability?.heat ?? empty.byte;
  u.uProbOpacity!.value = layers.probability?.opacity ?? 0;
  u.uProbThreshold!.value = layers.probability?.threshold ?? 1;
  (u.uBackground!.value as Vector3).set(...layers.background);
}

export function applyScreenMapping(material: ShaderMaterial, rows: { rowH: readonly number[]; rowV: readonly number[] }): void {
  const u = material.uniforms;
  (u.uRowH!.value as Vector3).set(rows.rowH[0]!, rows.rowH[1]!, rows.rowH[2]!);
  (u.uRowV!.value as Vector3).set(rows.rowV[0]!, rows.rowV[1]!, rows.rowV[2]!);
}
