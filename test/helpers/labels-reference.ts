// Deliberately naive reference definitions for the label tools: Sets, number[] and direct enumeration, sharing no
// code with src/core/labels, so a bug there cannot hide in both.
export type Vec3 = [number, number, number];

export const idx = (x: number, y: number, z: number, s: Vec3): number => x + s[0] * (y + s[1] * z);
export const coords = (i: number, s: Vec3): Vec3 => [i % s[0], Math.floor(i / s[0]) % s[1], Math.floor(i / (s[0] * s[1]))];

/** Neighbours along the given axes (6-connectivity for [0, 1, 2], 4 for two axes). */
export function neighbours(i: number, s: Vec3, axes: number[]): number[] {
  const c = coords(i, s);
  const out: number[] = [];
  for (const a of axes) {
    for (const d of [-1, 1]) {
      const n: Vec3 = [c[0], c[1], c[2]];
      n[a]! += d;
      if (n[a]! >= 0 && n[a]! < s[a]!) out.push(idx(n[0], n[1], n[2], s));
    }
  }
  return out;
}

/** BFS over a Set from seed through voxels where ok(i). */
export function naiveRegion(seed: number, s: Vec3, ok: (i: number) => boolean, axes: number[]): number[] {
  if (!ok(seed)) return [];
  const seen = new Set<number>([seed]);
  const todo = [seed];
  while (todo.length) {
    const i = todo.pop()!;
    for (const n of neighbours(i, s, axes)) {
      if (!seen.has(n) && ok(n)) {
        seen.add(n);
        todo.push(n);
      }
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** Connected components of equal nonzero labels (6-connected): component id per voxel, 0 for background. */
export function naiveComponents(mask: Uint8Array, s: Vec3): { id: number[]; sizes: Map<number, number> } {
  const id = new Array<number>(mask.length).fill(0);
  const sizes = new Map<number, number>();
  let next = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0 || id[i] !== 0) continue;
    next++;
    const region = naiveRegion(i, s, (j) => mask[j] === mask[i], [0, 1, 2]);
    for (const j of region) id[j] = next;
    sizes.set(next, region.length);
  }
  return { id, sizes };
}

/** All voxels whose centre is within r mm of c along the used axes, by full enumeration of the volume. */
export function naiveEllipsoid(c: Vec3, r: number, s: Vec3, spacing: Vec3, use: boolean[]): number[] {
  const out: number[] = [];
  for (let z = 0; z < s[2]; z++)
    for (let y = 0; y < s[1]; y++)
      for (let x = 0; x < s[0]; x++) {
        const v = [x, y, z];
        let sum = 0;
        let onSlice = true;
        for (let a = 0; a < 3; a++) {
          if (use[a]) sum += ((v[a]! - c[a]!) * spacing[a]!) ** 2;
          else if (v[a] !== Math.round(c[a]!)) onSlice = false;
        }
        if (onSlice && sum <= r * r) out.push(idx(x, y, z, s));
      }
  return out;
}
