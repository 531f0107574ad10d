// The graph builder: static shape inference (with a symbolic batch), clear errors, and models ORT accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GraphBuilder, ops, serializeModel } from '../src/core/onnx';
import { fromFloat16Bits, toFloat16Bits } from '../src/core/onnx/float16';
import { maxAbsDiff, randomFloats, runGraph } from './helpers/ort-run';
import { python, pythonSkip } from './helpers/python-reference';

describe('shape inference', () => {
  it('carries a symbolic batch through window-style reshapes and back', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', ['N', 8, 8, 8, 4]);
    const windows = ops.reshape(g, ops.transpose(g, ops.reshape(g, x, [-1, 2, 4, 2, 4, 2, 4, 4]), [0, 1, 3, 5, 2, 4, 6, 7]), [-1, 64, 4]);
    assert.deepEqual(windows.type.shape, ['N*8', 64, 4]);
    const back = ops.reshape(g, windows, [-1, 8, 64, 4]);
    assert.deepEqual(back.type.shape, ['N', 8, 64, 4]);
  });

  it('infers conv, transposed conv, matmul broadcasting, slices, pads and concat', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', ['N', 3, 16, 16, 16]);
    const w = g.initializer('w', { dtype: 'float32', shape: [5, 3, 2, 2, 2], data: new Float32Array(120) });
    const y = ops.conv(g, x, w, null, { strides: [2, 2, 2] });
    assert.deepEqual(y.type.shape, ['N', 5, 8, 8, 8]);
    const wt = g.initializer('wt', { dtype: 'float32', shape: [5, 2, 2, 2, 2], data: new Float32Array(80) });
    assert.deepEqual(ops.convTranspose(g, y, wt, null, [2, 2, 2]).type.shape, ['N', 2, 16, 16, 16]);
    const a = g.input('a', 'float32', ['N', 1, 7, 5]);
    const b = g.input('b', 'float32', [3, 5, 2]);
    assert.deepEqual(ops.matmul(g, a, b).type.shape, ['N', 3, 7, 2]);
    assert.deepEqual(ops.slice(g, x, [1], [100], [2], [2]).type.shape, ['N', 3, 8, 16, 16]);
    assert.deepEqual(ops.pad(g, x, [0, 0, 0, 1, 2, 0, 0, 0, 3, 4]).type.shape, ['N', 3, 16, 20, 22]);
    assert.deepEqual(ops.concat(g, [x, x], 1).type.shape, ['N', 6, 16, 16, 16]);
  });

  it('names the node and the shapes when shapes do not fit', () => {
    const g = new GraphBuilder('t');
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4, 5]);
    assert.throws(() => g.scope('block.attn', () => ops.matmul(g, a, b)), /MatMul node "block\.attn\/MatMul_\d+": inner dimensions differ: \[2, 3\] × \[4, 5\]/);
    assert.throws(() => ops.add(g, a, b), /do not broadcast/);
    assert.throws(() => ops.reshape(g, a, [4, 2]), /cannot reshape \[2, 3\] to \[4, 2\]/);
    assert.throws(() => g.input('a', 'float32', [1]), /the name "a" is used twice/);
  });
});

describe('serialization', () => {
  it('float16 storage halves the weights and casts back at load', async () => {
    const build = (f16: boolean): GraphBuilder => {
      const g = new GraphBuilder('t');
      const x = g.input('x', 'float32', [2, 64]);
      const w = g.initializer('w', { dtype: 'float32', shape: [64, 64], data: randomFloats(4096, 1) }, { storeAsFloat16: f16 });
      g.output(ops.matmul(g, x, w), 'y');
      return g;
    };
    const size32 = serializeModel(build(false).build()).length;
    const size16 = serializeModel(build(true).build()).length;
    assert.ok(size16 < size32 * 0.6, `float16 model ${size16} bytes vs float32 ${size32}`);
    const x = randomFloats(128, 2);
    const y32 = (await runGraph(build(false), { x: { data: x, dims: [2, 64] } })).y!.data;
    const y16 = (await runGraph(build(true), { x: { data: x, dims: [2, 64] } })).y!.data;
    const diff = maxAbsDiff(y32, y16);
    assert.ok(diff > 0 && diff < 0.02, `float16 weights change outputs by ${diff}`);
  });

  it('float16 conversion rounds to nearest even and keeps specials', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) assert.equal(fromFloat16Bits(toFloat16Bits(v)), v);
    assert.equal(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11)), 1); // tie → even
    assert.equal(fromFloat16Bits(toFloat16Bits(1e6)), Infinity);
    assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
  });

  it('passes the onnx package\'s checker and strict shape inference', { skip: pythonSkip('onnx') }, () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', ['N', 4, 8]);
    const w = g.initializer('w', { dtype: 'float32', shape: [8, 8], data: randomFloats(64, 3) });
    const y = ops.gelu(g, ops.layerNorm(g, ops.linear(g, x, w), g.constant('float32', [8], new Float32Array(8).fill(1)), g.constant('float32', [8], new Float32Array(8))));
    g.output(ops.softmax(g, ops.roll(g, y, 2, 1), -1), 'y');
    const dir = mkdtempSync(join(tmpdir(), 'swinfuse-onnx-'));
    try {
      const file = join(dir, 'm.onnx');
      writeFileSync(file, serializeModel(g.build()));
      const r = spawnSync(python, ['-c', 'import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.opset_import[0].version)', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), '18');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
