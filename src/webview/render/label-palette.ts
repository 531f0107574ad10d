// Label colours: the overlay's own table (BraTS: 1 red, 2 green, 4 blue), then a fixed palette for other labels.
import { BRATS_LABEL_COLORS, type LabelColor } from '../../core/viewer-protocol/messages';

// Distinct colours (ITK-SNAP-like) for labels the overlay does not name, cycled by label value.
const PALETTE: readonly (readonly [number, number, number])[] = [
  [255, 255, 0], [0, 255, 255], [255, 0, 255], [255, 128, 0], [128, 0, 255], [0, 128, 255], [255, 0, 128],
  [128, 255, 0], [0, 255, 128], [255, 192, 203], [160, 82, 45], [127, 255, 212], [218, 112, 214], [240, 230, 140],
];

export function labelColors(colors: readonly LabelColor[]): readonly LabelColor[] {
  return colors.length > 0 ? colors : BRATS_LABEL_COLORS;
}

export function colorOfLabel(colors: readonly LabelColor[], label: number): readonly [number, number, number] {
  const named = colors.find((c) => c.label === label);
  return named ? named.rgb : PALETTE[(label - 1 + PALETTE.length) % PALETTE.length]!;
}

export function nameOfLabel(colors: readonly LabelColor[], label: number): string {
  return colors.find((c) => c.label === label)?.name ?? `label ${label}`;
}

/** 256 RGBA entries for label values 0..255: alpha 255 when shown, 0 for label 0 and hidden labels. */
export function labelPaletteTexels(colors: readonly LabelColor[], hidden: ReadonlySet<number>): Uint8Array {
  const out = new Uint8Array(256 * 4);
  for (let label = 1; label < 256; label++) {
    const [r, g, b] = colorOfLabel(colors, label);
    out.set([r, g, b, hidden.has(label) ? 0 : 255], label * 4);
  }
  return out;
}

/** The labels present in a label volume, ascending (label 0 excluded). */
export function presentLabels(data: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (let i = 0; i < data.length; i++) seen[data[i]!] = 1;
  const out: number[] = [];
  for (let l = 1; l < 256; l++) if (seen[l]) out.push(l);
  return out;
}
