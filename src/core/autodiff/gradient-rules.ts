// The gradient of every op type in one table. Its type makes a missing op type a compile error: adding an op to
// OpType means deciding here how it differentiates, or saying that it does not.
import type { OpType } from '../onnx';
import { leakyReluGrad, reluGrad, sigmoidGrad, softmaxGrad, tanhGrad } from './activations';
import { convGrad, convTransposeGrad } from './conv';
import {
  absGrad, addGrad, divGrad, erfGrad, expGrad, logGrad, mulGrad, negGrad, powGrad, sqrtGrad, subGrad,
} from './elementwise';
import { gatherGrad } from './gather';
import { gemmGrad, matMulGrad } from './matmul';
import { instanceNormGrad, layerNormGrad } from './normalization';
import { reduceMaxGrad, reduceMeanGrad, reduceSumGrad } from './reductions';
import { notDifferentiable, type GradientRule, type NotDifferentiable } from './rule-types';
import {
  castGrad, concatGrad, expandGrad, identityGrad, padGrad, reshapeGrad, sliceGrad, splitGrad, transposeGrad,
} from './shape-ops';

export const GRADIENT_RULES: { readonly [K in OpType]: GradientRule | NotDifferentiable } = {
  Add: addGrad, Sub: subGrad, Mul: mulGrad, Div: divGrad, Pow: powGrad,
  Neg: negGrad, Sqrt: sqrtGrad, Exp: expGrad, Log: logGrad, Abs: absGrad, Erf: erfGrad,
  Relu: reluGrad, LeakyRelu: leakyReluGrad, Sigmoid: sigmoidGrad, Tanh: tanhGrad, Softmax: softmaxGrad,
  MatMul: matMulGrad, Gemm: gemmGrad,
  Conv: convGrad, ConvTranspose: convTransposeGrad,
  InstanceNormalization: instanceNormGrad, LayerNormalization: layerNormGrad,
  Reshape: reshapeGrad, Transpose: transposeGrad, Slice: sliceGrad, Concat: concatGrad, Pad: padGrad,
  Gather: gatherGrad, Split: splitGrad, Expand: expandGrad, Identity: identityGrad, Cast: castGrad,
  ReduceSum: reduceSumGrad, ReduceMean: reduceMeanGrad, ReduceMax: reduceMaxGrad,
  Greater: notDifferentiable('a comparison: its boolean output carries no gradient'),
  Equal: notDifferentiable('a comparison: its boolean output carries no gradient'),
  ScatterND: notDifferentiable('emitted only by backward graphs; its own gradient is not implemented'),
};
