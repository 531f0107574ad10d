import { type Dim, formatShape } from './dims';

/** Numpy/ONNX multidirectional broadcasting of two shapes. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], where: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else throw new Error(`${where}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
  }
  return out;
}
