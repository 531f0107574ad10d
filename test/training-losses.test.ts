// Loss subgraphs run in onnxruntime-node against torch's values (test/fixtures/training/make_loss_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../src/core/onnx';
import { labelInfo } from '../src/core/models/model-card';
import {
  segmentationLoss, sigmoidDiceBceLoss, softmaxDiceCeLoss, type SegmentationLoss, type SegmentationLossOptions,
} from '../src/core/training/losses';
import { assertClose } from './helpers/approx';
import { runGraph } from './helpers/ort-run';

interface LossCase {
  readonly name: string;
  readonly shape: number[];
  readonly logits: number[];
  readonly target: number[];
  readonly weight: number[] | null;
  readonly dice: number;
  readonly crossEntropy: number;
  readonly total: number;
}

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures', 'training', 'losses.json'), 'utf8')) as {
  sigmoid: LossCase[];
  softmax: LossCase[];
};

type LossFn = (g: GraphBuilder, logits: ReturnType<GraphBuilder['input']>, target: ReturnType<GraphBuilder['input']>,
  options: SegmentationLossOptions) => SegmentationLoss;

async function runLoss(fn: LossFn, c: LossCase, batch: number | string = c.shape[0]!): Promise<{ total: number; dice: number; ce: number }> {
  const g = new GraphBuilder('loss-test');
  const shape = [batch, ...c.shape.slice(1)];
  const logits = g.input('logits', 'float32', shape);
  const target = g.input('target', 'float32', shape);
  const weight = c.weight ? g.input('weight', 'float32', [batch, 1, ...c.shape.slice(2)]) : null;
  const loss = fn(g, logits, target, { weight });
  g.output(loss.total, 'loss');
  g.output(loss.dice, 'dice');
  g.output(loss.crossEntropy, 'ce');
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {
    logits: { data: Float32Array.from(c.logits), dims: c.shape },
    target: { data: Float32Array.from(c.target), dims: c.shape },
  };
  if (c.weight) feeds.weight = { data: Float32Array.from(c.weight), dims: [c.shape[0]!, 1, ...c.shape.slice(2)] };
  const out = await runGraph(g, feeds);
  for (const name of ['loss', 'dice', 'ce']) assert.deepEqual(out[name]!.dims, [], `${name} is a scalar`);
  return { total: out.loss!.data[0]!, dice: out.dice!.data[0]!, ce: out.ce!.data[0]! };
}

function checkAgainst(c: LossCase, got: { total: number; dice: number; ce: number }): void {
  assertClose(got.dice, c.dice, 2e-6, `${c.name}: Dice`);
  assertClose(got.ce, c.crossEntropy, 2e-6, `${c.name}: cross-entropy`);
  assertClose(got.total, c.total, 2e-6, `${c.name}: total`);
}

describe('sigmoid Dice + BCE loss', () => {
  for (const c of fixtures.sigmoid) {
    it(`matches torch: ${c.name} ${JSON.stringify(c.shape)}${c.weight ? ', voxel weights' : ''}`, async () => {
      checkAgainst(c, await runLoss(sigmoidDiceBceLoss, c));
    });
  }

  it('takes a symbolic batch', async () => {
    const c = fixtures.sigmoid[0]!;
    checkAgainst(c, await runLoss(sigmoidDiceBceLoss, c, 'N'));
  });
});

describe('softmax Dice + CE loss', () => {
  for (const c of fixtures.softmax) {
    it(`matches torch: ${c.name} ${JSON.stringify(c.shape)}${c.weight ? ', voxel weights' : ''}`, async () => {
      checkAgainst(c, await runLoss(softmaxDiceCeLoss, c));
    });
  }

  it('follows the model card: softmax classes get softmax Dice + CE, BraTS regions sigmoid Dice + BCE', async () => {
    const soft = fixtures.softmax[0]!;
    checkAgainst(soft, await runLoss((g, x, t, o) => segmentationLoss(g, labelInfo('softmax', soft.shape[1]!), x, t, o), soft));
    const brats = fixtures.sigmoid[0]!;
    checkAgainst(brats, await runLoss((g, x, t, o) => segmentationLoss(g, labelInfo('brats', 3), x, t, o), brats));
  });
});

describe('loss options and errors', () => {
  it('scales the terms by lambdaDice and lambdaCrossEntropy', async () => {
    const c = fixtures.sigmoid[0]!;
    const got = await runLoss((g, x, t, o) => sigmoidDiceBceLoss(g, x, t, { ...o, lambdaDice: 0.25, lambdaCrossEntropy: 2 }), c);
    assertClose(got.total, 0.25 * c.dice + 2 * c.crossEntropy, 2e-6, 'weighted total');
  });

  it('says which input is wrong, where the loss is built', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [1, 3, 4, 4, 4]);
    assert.throws(() => sigmoidDiceBceLoss(g, x, g.input('t', 'float32', [1, 2, 4, 4, 4])),
      /sigmoidDiceBceLoss: target "t" has shape \[1, 2, 4, 4, 4\], the logits \[1, 3, 4, 4, 4\]/);
    assert.throws(() => softmaxDiceCeLoss(g, x, g.input('u', 'uint8', [1, 3, 4, 4, 4])), /softmaxDiceCeLoss: target "u" is uint8, not float32/);
    assert.throws(() => softmaxDiceCeLoss(g, x, x, { weight: g.input('w', 'float32', [1, 3, 4, 4, 4]) }),
      /weight "w" is float32 \[1, 3, 4, 4, 4\]; expected float32 \[1, 1, 4, 4, 4\]/);
    assert.throws(() => sigmoidDiceBceLoss(g, x, x, { lambdaDice: -1 }), /lambdaDice is -1; it must be a number ≥ 0/);
  });
});
