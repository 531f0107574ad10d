import type { Rng } from './random';

/**
 * Smooth 3D value noise: random values in [-1, 1] on a cubic lattice, blended with smoothstep weights (so the field
 * and its gradient are continuous). It is what makes the generated anatomy irregular: the wobble of the head, the
 * folds of the cortex, the lobes of a tumour. Its values stay within [-1, 1]; most lie within ±0.5.
 *
 * The lattice covers a cube of half-width `extentMm` around `centre` (outside, the border cells repeat), so memory
 * is (2 · extent / cell + 3)³ floats: about 15 k for the head at 16 mm cells.
 */
export class LatticeNoise {
  private readonly values: Float32Array;
  private readonly n: number;
  private readonly origin: readonly [number, number, number];

  constructor(rng: Rng, readonly cellMm: number, extentMm: number, centre: readonly [number, number, number] = [0, 0, 0]) {
    if (!(cellMm > 0) || !(extentMm > 0)) throw new Error(`lattice noise needs a positive cell and extent, got ${cellMm} and ${extentMm} mm`);
    this.n = Math.ceil((2 * extentMm) / cellMm) + 3;
    this.origin = [centre[0] - extentMm - cellMm, centre[1] - extentMm - cellMm, centre[2] - extentMm - cellMm];
    this.values = new Float32Array(this.n ** 3);
    for (let i = 0; i < this.values.length; i++) this.values[i] = rng.signed();
  }

  /** The field at a point (mm, in the frame the lattice was made in). */
  at(x: number, y: number, z: number): number {
    const n = this.n;
    const inv = 1 / this.cellMm;
    let gx = (x - this.origin[0]) * inv, gy = (y - this.origin[1]) * inv, gz = (z - this.origin[2]) * inv;
    const top = n - 1.000001;
    gx = gx < 0 ? 0 : gx > top ? top : gx;
    gy = gy < 0 ? 0 : gy > top ? top : gy;
    gz = gz < 0 ? 0 : gz > top ? top : gz;
    const ix = Math.floor(gx), iy = Math.floor(gy), iz = Math.floor(gz);
    let tx = gx - ix, ty = gy - iy, tz = gz - iz;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    tz = tz * tz * (3 - 2 * tz);
    const v = this.values;
    const i000 = ix + n * (iy + n * iz);
    const sy = n, sz = n * n;
    const x00 = v[i000]! + (v[i000 + 1]! - v[i000]!) * tx;
    const x10 = v[i000 + sy]! + (v[i000 + sy + 1]! - v[i000 + sy]!) * tx;
    const x01 = v[i000 + sz]! + (v[i000 + sz + 1]! - v[i000 + sz]!) * tx;
    const x11 = v[i000 + sy + sz]! + (v[i000 + sy + sz + 1]! - v[i000 + sy + sz]!) * tx;
    const y0 = x00 + (x10 - x00) * ty;
    const y1 = x01 + (x11 - x01) * ty;
    return y0 + (y1 - y0) * tz;
  }
}

/** Two octaves (cell and cell / 2, half the amplitude), rescaled to stay within [-1, 1]: lumpier than one octave. */
export class FractalNoise {
  private readonly coarse: LatticeNoise;
  private readonly fine: LatticeNoise;

  constructor(rng: Rng, cellMm: number, extentMm: number, centre: readonly [number, number, number] = [0, 0, 0]) {
    this.coarse = new LatticeNoise(rng, cellMm, extentMm, centre);
    this.fine = new LatticeNoise(rng, cellMm / 2, extentMm, centre);
  }

  at(x: number, y: number, z: number): number {
    return (this.coarse.at(x, y, z) + 0.5 * this.fine.at(x, y, z)) / 1.5;
  }
}
