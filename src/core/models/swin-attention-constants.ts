import { ops, type GraphBuilder, type Tensor } from '../onnx';
import { relativeIndexBlock, relativePositionIndex, sameRegionOnAxis } from './swin-geometry';
import type { WeightBinder } from './weights';

/**
 * [heads, n, n] bias: rows of the checkpoint's table picked by MONAI's index. Stored as the small table and a shared
 * index, so the file stays small and the table stays a parameter; ORT folds the Gather at load.
 */
export function relativeBiasTensor(g: GraphBuilder, w: WeightBinder, key: string, heads: number, n: number): Tensor {
  checkRelativeIndex(w, key);
  const index = g.shared(`relative_index_${n}`, () => ({ dtype: 'int32', shape: [n * n], data: relativeIndexBlock(n) }));
  const rows = g.op('Gather', [w.param(`${key}.attn.relative_position_bias_table`), index], { axis: { type: 'int', value: 0 } });
  return ops.reshape(g, ops.transpose(g, rows, [1, 0]), [heads, n, n]);
}

/** Our index is MONAI's formula; a checkpoint whose buffer differs would silently get wrong biases, so refuse it. */
function checkRelativeIndex(w: WeightBinder, key: string): void {
  const standard = relativePositionIndex();
  const stored = w.raw(`${key}.attn.relative_position_index`).data;
  if (stored.length !== standard.length || stored.some((v, i) => v !== standard[i])) {
    throw new Error(`${key}.attn.relative_position_index differs from MONAI's relative position index for a 7³ window`);
  }
}

/**
 * MONAI's shift mask, [nW, 1, n, n] with 0 or -100, built in the graph from three per-axis [per, w, w] constants
 * (see sameRegionOnAxis). ORT folds it to one tensor at load; the file holds a few kilobytes.
 */
export function shiftMaskTensor(g: GraphBuilder, padded: number, window: number, shift: number): Tensor {
  const per = padded / window;
  const same = g.constant('float32', [per, window, window], sameRegionOnAxis(padded, window, shift), 'same_region');
  // Layout of the 10-D product: (wd, wh, ww, head, ad, ah, aw, bd, bh, bw).
  const place = (axis: 0 | 1 | 2): Tensor => {
    const shape = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    shape[axis] = per;
    shape[4 + axis] = window;
    shape[7 + axis] = window;
    return ops.reshape(g, same, shape);
  };
  const all = ops.mul(g, ops.mul(g, place(0), place(1)), place(2));
  const mask = ops.mul(g, ops.sub(g, all, g.scalar(1)), g.scalar(100));
  return ops.reshape(g, mask, [per ** 3, 1, window ** 3, window ** 3]);
}
