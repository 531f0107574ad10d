// What one view's slice shows this frame: picks the channel and overlay layers from the state, brings the slice
// textures up to date and returns the shader's inputs. Reads the state; never changes it.
import type { SliceView } from '../geometry/views';
import type { LoadedChannel } from '../model/channel-store';
import type { MaskStore } from '../model/mask-store';
import type { OverlayData } from '../model/overlay-store';
import { sliceIndexOf, windowRange } from '../state/derived';
import type { ViewerState } from '../state/viewer-state';
import { labelPaletteTexels } from './label-palette';
import type { LookupTextures } from './lookup-textures';
import type { SliceLayers } from './slice-material';
import type { ViewSlices } from './slice-textures';

export interface RenderSources {
  channel(index: number): LoadedChannel | undefined;
  overlay(name: string): OverlayData | undefined;
  /** The document's editable mask. */
  mask(): MaskStore | undefined;
}

/** The colours' identity for palette caches: the editor's labels change with the settings. */
export function colorsKey(colors: readonly { label: number; rgb: readonly number[] }[]): string {
  return colors.map((c) => `${c.label}=${c.rgb.join('.')}`).join(',');
}

export function sliceLayersFor(
  view: SliceView, slices: ViewSlices, state: ViewerState, sources: RenderSources, lookups: LookupTextures,
  background: readonly [number, number, number],
): SliceLayers {
  const index = sliceIndexOf(state, view);
  const channel = sources.channel(state.channel);
  const range = windowRange(state);
  const display = state.displays[state.channel];
  let image = null;
  if (channel && range) {
    slices.updateImage(`channel ${channel.index}`, channel.data, channel.scaling, index);
    image = slices.image.texture;
  }
  let labels: SliceLayers['labels'] = null;
  let probability: SliceLayers['probability'] = null;
  for (const layer of state.overlays) {
    if (!layer.visible) continue;
    const data = sources.overlay(layer.name);
    if (!data || data.kind !== layer.kind) continue;
    if (layer.kind === 'labels' && data.kind === 'labels' && !labels) {
      const hidden = new Set(layer.hidden);
      labels = {
        texture: slices.labels(`overlay ${data.id}`, data.data, index),
        palette: lookups.palette(`${data.id}:${layer.hidden.join(',')}`, () => labelPaletteTexels(data.colors, hidden), 'overlay'),
        opacity: layer.opacity,
        outline: layer.outline,
      };
    } else if (layer.kind === 'probability' && data.kind === 'probability' && !probability) {
      probability = {
        texture: slices.probability(`overlay ${data.id}`, data.data, index),
        heat: lookups.colormap('hot'),
        opacity: layer.opacity,
        threshold: layer.threshold,
      };
    }
  }
  let mask: SliceLayers['mask'] = null;
  const maskStore = sources.mask();
  const ml = state.maskLayer;
  if (maskStore && ml.visible) {
    const axis = slices.axes.normal;
    const hidden = new Set(ml.hidden);
    const colors = state.editor.labels;
    mask = {
      texture: slices.mask(`mask ${maskStore.id}#${maskStore.sliceRevision(axis, index)}`, maskStore.data, index),
      palette: lookups.palette(`${colorsKey(colors)}:${ml.hidden.join(',')}`, () => labelPaletteTexels(colors, hidden), 'mask'),
      opacity: ml.opacity,
      outline: ml.outline,
    };
  }
  return {
    mask,
    width: slices.width,
    height: slices.height,
    image,
    lut: lookups.colormap(display?.colormap ?? 'grey'),
    windowLow: range?.[0] ?? 0,
    windowHigh: range?.[1] ?? 1,
    labels,
    probability,
    background,
  };
}
