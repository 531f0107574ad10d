// The recipe's stages, each resumable from its checkpoint under .train/: pre-training (both modalities or MRI
// only) and supervised training of a segmentation model from a chosen starting point.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { WeightTensor } from '../../src/core/models';
import { makeModelCard } from '../../src/core/models';
import { pretrainEncoder, withPretrainedEncoder } from '../../src/core/pretrain/pretrain';
import type { PretrainVolume } from '../../src/core/pretrain/pretrain-views';
import { MRI_CONTRASTS, type SynthContrast } from '../../src/core/synth';
import type { LoopReport } from '../../src/core/training/resumable-loop';
import { trainSegmentation, type SupervisedSettings } from '../../src/core/training/train-segmentation';
import { demoCase, labelledCase, pretrainVolumes } from './cases';
import { initialStored } from './model-files';
import { demoConfig, PRETRAIN, SEEDS, WORK_DIR } from './recipe';

export type PretrainKind = 'mixed' | 'mri';
export type Start = 'none' | PretrainKind;

/** One line per step, overwritten in a terminal, kept every 25 steps and at the end. */
export function progressPrinter(label: string): (r: LoopReport) => void {
  const tty = process.stdout.isTTY;
  return (r) => {
    const terms = Object.entries(r.terms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
    const seconds = Math.round(r.etaS);
    const eta = seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
    const line = `[${label}] step ${r.step}/${r.steps} loss ${r.loss.toFixed(4)}${terms ? ` (${terms})` : ''} ` +
      `${(r.ms / 1000).toFixed(2)} s/step, ETA ${eta}${r.resumedFrom ? ` (resumed at ${r.resumedFrom})` : ''}`;
    if (tty && r.step % 25 !== 0 && r.step !== r.steps) process.stdout.write(`\r${line}\x1b[K`);
    else process.stdout.write(`${tty ? '\r' : ''}${line}\x1b[K\n`);
  };
}

function volumesFor(kind: PretrainKind): PretrainVolume[] {
  const contrasts: SynthContrast[] = kind === 'mixed' ? [...MRI_CONTRASTS, 'ct'] : [...MRI_CONTRASTS];
  return SEEDS.pretrain.flatMap((seed) => pretrainVolumes(demoCase(seed), contrasts));
}

/** The pre-trained single-channel encoder (and heads), trained or read back from its finished checkpoint. */
export async function pretrained(kind: PretrainKind, threads: number): Promise<Map<string, WeightTensor>> {
  mkdirSync(WORK_DIR, { recursive: true });
  const config = demoConfig(1);
  const volumes = volumesFor(kind);
  const out = await pretrainEncoder(ort, volumes, config, initialStored(config, 11), { ...PRETRAIN, threads },
    { path: join(WORK_DIR, `pretrain-${kind}.state`), every: 25 }, { onStep: progressPrinter(`pre-train ${kind}`) });
  return out.weights;
}

/** Trains a segmentation model on `contrasts` of the training cases, its encoder from `start`. */
export async function supervised(label: string, contrasts: readonly SynthContrast[], channelNames: readonly string[], start: Start,
  settings: Omit<SupervisedSettings, 'threads'>, threads: number): Promise<Map<string, WeightTensor>> {
  mkdirSync(WORK_DIR, { recursive: true });
  const config = demoConfig(contrasts.length);
  const fresh = initialStored(config, 21);
  const weights = start === 'none' ? fresh : withPretrainedEncoder(fresh, await pretrained(start, threads));
  const card = makeModelCard(config, { name: label, channels: channelNames, labels: 'brats', source: { checkpoint: '', sha256: '' } });
  const cases = SEEDS.train.map((seed) => labelledCase(demoCase(seed), contrasts, card.orientation));
  const out = await trainSegmentation(ort, card, weights, cases, { ...settings, threads },
    { path: join(WORK_DIR, `${label}.state`), every: 25 }, { onStep: progressPrinter(label) }, { start, contrasts });
  return out.weights;
}
