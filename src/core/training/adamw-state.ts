// The tensors a training-step graph feeds back to itself: trained weights and their AdamW moments. One class for
// fine-tuning, supervised training and pre-training, so feeding, updating and checkpointing work the same way.
import type * as Ort from 'onnxruntime-node';
import { momentName, nextName } from './step-graph';
import type { StateTensor } from './train-state';

export class AdamWState {
  private readonly tensors = new Map<string, Ort.Tensor>();

  /** `weights` by name; moments from `saved` when resuming, else zeros. */
  constructor(private readonly ort: typeof Ort, readonly trained: readonly string[],
    weights: ReadonlyMap<string, StateTensor>, saved?: ReadonlyMap<string, StateTensor>) {
    for (const name of trained) {
      const w = saved?.get(name) ?? weights.get(name);
      if (!w) throw new Error(`training: no initial value for weight "${name}"`);
      this.tensors.set(name, new ort.Tensor('float32', w.data.slice(), [...w.shape]));
      for (const kind of ['m', 'v'] as const) {
        const key = momentName(kind, name);
        const m = saved?.get(key);
        if (saved && !m) throw new Error(`training checkpoint: no ${key}`);
        this.tensors.set(key, new ort.Tensor('float32', m ? m.data.slice() : new Float32Array(w.data.length), [...w.shape]));
      }
    }
  }

  /** AdamW's scalars for step t (1-based) plus every state tensor. */
  feeds(t: number, lr: number, weightDecay: number): Record<string, Ort.Tensor> {
    const scalar = (v: number): Ort.Tensor => new this.ort.Tensor('float64', Float64Array.of(v), []);
    const feeds: Record<string, Ort.Tensor> = {
      'adamw.step': scalar(t), 'adamw.lr': scalar(lr), 'adamw.beta1': scalar(0.9), 'adamw.beta2': scalar(0.999),
      'adamw.eps': scalar(1e-8), 'adamw.weightDecay': scalar(weightDecay),
    };
    for (const [name, tensor] of this.tensors) feeds[name] = tensor;
    return feeds;
  }

  /** Takes the step's `next.*` outputs as the new state. */
  update(outputs: Ort.InferenceSession.ReturnType): void {
    for (const name of this.tensors.keys()) {
      const next = outputs[nextName(name)];
      if (!next) throw new Error(`training step: no output ${nextName(name)}`);
      this.tensors.set(name, next);
    }
  }

  /** Weights and moments, for a checkpoint. */
  snapshot(): Map<string, StateTensor> {
    return new Map([...this.tensors].map(([name, t]) => [name, { shape: [...t.dims], data: t.data as Float32Array }]));
  }

  /** The trained weights alone. */
  weights(): Map<string, StateTensor> {
    return new Map(this.trained.map((name) => {
      const t = this.tensors.get(name)!;
      return [name, { shape: [...t.dims], data: t.data as Float32Array }];
    }));
  }
}
