import assert from 'node:assert/strict';

export function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance * scale,
    `${what}: got ${actual}, expected ${expected} (±${tolerance} relative)`);
}

export function assertMatrixClose(actual: number[][], expected: number[][], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  expected.forEach((row, r) => row.forEach((v, c) => assertClose(actual[r]![c]!, v, tolerance, `${what}[${r}][${c}]`)));
}
