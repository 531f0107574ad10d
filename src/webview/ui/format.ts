// Number formatting for the status line and the window fields.
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
  return String(Number(v.toPrecision(5)));
}

export function formatMm(v: number): string {
  return (Math.abs(v) < 0.005 ? 0 : v).toFixed(1);
}
