// Colour maps as 256-entry RGBA lookup tables; the fragment shader indexes them with the windowed value.
export type ColormapName = 'grey' | 'hot' | 'viridis' | 'cool' | 'inverted';

export const COLORMAPS: readonly { readonly name: ColormapName; readonly title: string }[] = [
  { name: 'grey', title: 'Grey' },
  { name: 'inverted', title: 'Grey (inverted)' },
  { name: 'hot', title: 'Hot' },
  { name: 'viridis', title: 'Viridis' },
  { name: 'cool', title: 'Cool' },
];

type Stop = readonly [number, number, number, number]; // position 0..1, r, g, b 0..255

const stops: Readonly<Record<ColormapName, readonly Stop[]>> = {
  grey: [[0, 0, 0, 0], [1, 255, 255, 255]],
  inverted: [[0, 255, 255, 255], [1, 0, 0, 0]],
  // Black → red → yellow → white.
  hot: [[0, 0, 0, 0], [0.375, 255, 0, 0], [0.75, 255, 255, 0], [1, 255, 255, 255]],
  // Matplotlib's viridis sampled at nine points.
  viridis: [
    [0, 68, 1, 84], [0.125, 72, 36, 117], [0.25, 65, 68, 135], [0.375, 53, 95, 141], [0.5, 42, 120, 142],
    [0.625, 33, 145, 140], [0.75, 34, 168, 132], [0.875, 122, 209, 81], [1, 253, 231, 37],
  ],
  cool: [[0, 0, 255, 255], [1, 255, 0, 255]],
};

export function isColormap(name: string): name is ColormapName {
  return Object.hasOwn(stops, name);
}

/** 256 RGBA entries, alpha 255. */
export function colormapLut(name: ColormapName): Uint8Array {
  const table = stops[name];
  const out = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < table.length - 2 && t > table[k + 1]![0]) k++;
    const a = table[k]!;
    const b = table[k + 1]!;
    const f = b[0] === a[0] ? 0 : Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0])));
    for (let c = 1; c <= 3; c++) out[i * 4 + c - 1] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
    out[i * 4 + 3] = 255;
  }
  return out;
}
