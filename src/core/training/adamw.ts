// The AdamW update as an ONNX subgraph, appended after the gradients in a training-step graph: the step's outputs
// are the new parameters and moments, which the caller feeds back in as the next step's inputs.
import { DTYPE_CODES, formatShape, type GraphBuilder, int, type Tensor } from '../onnx';

/**
 * The optimizer's scalar settings as float64 tensors of shape [] (graph inputs, so one graph serves every step).
 * float64 because torch keeps them as Python floats: 1 − β2 from a float32 β2 = 0.999 is off by 1.3e-5 relative,
 * which shows in v after one step. The scalar factors are computed in float64 and cast to float32 once.
 */
export interface AdamWHyper {
  /** The step number t = 1, 2, … of this update. */
  readonly step: Tensor;
  readonly lr: Tensor;
  readonly beta1: Tensor;
  readonly beta2: Tensor;
  readonly eps: Tensor;
  readonly weightDecay: Tensor;
}

/** One parameter's tensors going into the update; all float32 of the same shape. */
export interface AdamWSlot {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** First moment (torch's exp_avg); zeros before the first step. */
  readonly m: Tensor;
  /** Second moment (torch's exp_avg_sq); zeros before the first step. */
  readonly v: Tensor;
}

export interface AdamWResult {
  readonly param: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
}

/** The graph input names adamwHyperInputs declares, so the caller knows what to feed. */
export const ADAMW_HYPER_NAMES = ['step', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

/** Declares the hyperparameters as scalar float64 graph inputs named `${prefix}.step`, `${prefix}.lr`, …. */
export function adamwHyperInputs(g: GraphBuilder, prefix = 'adamw'): AdamWHyper {
  const input = (name: (typeof ADAMW_HYPER_NAMES)[number]): Tensor => g.input(`${prefix}.${name}`, 'float64', []);
  return {
    step: input('step'), lr: input('lr'), beta1: input('beta1'), beta2: input('beta2'), eps: input('eps'),
    weightDecay: input('weightDecay'),
  };
}

/**
 * torch.optim.AdamW (amsgrad=False, maximize=False) for a list of parameters, in torch's order of operations:
 *   p ← p·(1 − lr·wd)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * The scalar factors are computed once and shared by every parameter.
 */
export function adamwUpdate(g: GraphBuilder, hyper: AdamWHyper, slots: readonly AdamWSlot[]): AdamWResult[] {
  checkHyper(hyper);
  slots.forEach((slot, i) => checkSlot(slot, i));
  return g.scope('adamw', () => {
    const one = g.constant('float64', [], Float64Array.of(1), 'one');
    const toFloat32 = (x: Tensor, hint: string): Tensor => g.op('Cast', [x], { to: int(DTYPE_CODES.float32) }, hint);
    const decay = toFloat32(g.op('Sub', [one, g.op('Mul', [hyper.lr, hyper.weightDecay])]), 'decay');
    const beta1 = toFloat32(hyper.beta1, 'beta1');
    const beta2 = toFloat32(hyper.beta2, 'beta2');
    const oneMinusBeta1 = toFloat32(g.op('Sub', [one, hyper.beta1]), 'oneMinusBeta1');
    const oneMinusBeta2 = toFloat32(g.op('Sub', [one, hyper.beta2]), 'oneMinusBeta2');
    const biasCorrection1 = g.op('Sub', [one, g.op('Pow', [hyper.beta1, hyper.step])]);
    const biasCorrection2 = g.op('Sub', [one, g.op('Pow', [hyper.beta2, hyper.step])]);
    const stepSize = toFloat32(g.op('Div', [hyper.lr, biasCorrection1]), 'stepSize');
    const sqrtBiasCorrection2 = toFloat32(g.op('Sqrt', [biasCorrection2]), 'sqrtBiasCorrection2');
    const eps = toFloat32(hyper.eps, 'eps');
    return slots.map((slot) => {
      const decayed = g.op('Mul', [slot.param, decay]);
      const m = g.op('Add', [g.op('Mul', [slot.m, beta1]), g.op('Mul', [slot.grad, oneMinusBeta1])], {}, 'm');
      const v = g.op('Add', [g.op('Mul', [slot.v, beta2]), g.op('Mul', [g.op('Mul', [slot.grad, slot.grad]), oneMinusBeta2])], {}, 'v');
      const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v]), sqrtBiasCorrection2]), eps]);
      const param = g.op('Sub', [decayed, g.op('Mul', [g.op('Div', [m, denom]), stepSize])], {}, 'param');
      return { param, m, v };
    });
  });
}

function checkHyper(hyper: AdamWHyper): void {
  for (const name of ADAMW_HYPER_NAMES) {
    const t = hyper[name];
    if (t.type.dtype !== 'float64' || t.type.shape.length !== 0) {
      throw new Error(`adamwUpdate: ${name} "${t.name}" is ${t.type.dtype} ${formatShape(t.type.shape)}; expected a float64 scalar []`);
    }
  }
}

function checkSlot(slot: AdamWSlot, index: number): void {
  const shape = formatShape(slot.param.type.shape);
  for (const name of ['param', 'grad', 'm', 'v'] as const) {
    const t = slot[name];
    if (t.type.dtype !== 'float32' || formatShape(t.type.shape) !== shape) {
      throw new Error(`adamwUpdate: parameter ${index} ("${slot.param.name}"): ${name} "${t.name}" is ${t.type.dtype} ` +
        `${formatShape(t.type.shape)}; expected float32 ${shape}`);
    }
  }
}
