// Label maps (the values written in a mask) to the float targets the losses compare with the model's logits.
import type { LabelInfo } from '../models/model-card';

type BratsLabels = Extract<LabelInfo, { scheme: 'brats' }>;
type SoftmaxLabels = Extract<LabelInfo, { scheme: 'softmax' }>;

/**
 * BraTS labels to the three nested region masks the sigmoid heads learn, channel-major [3, V] in the card's order
 * TC, WT, ET: TC = {TC, ET} labels, WT = {TC, WT, ET}, ET = {ET}; with the usual map (ET 4, TC 1, WT 2) that is
 * TC = {1, 4}, WT = {1, 2, 4}, ET = {4}. Background is 0; any other value is refused, since guessing what it
 * meant would train the model on a wrong target.
 */
export function bratsTargets(labels: Uint8Array, labelMap: BratsLabels['labelMap']): Float32Array {
  const voxels = labels.length;
  const out = new Float32Array(3 * voxels);
  const { ET, TC, WT } = labelMap;
  for (let v = 0; v < voxels; v++) {
    const label = labels[v]!;
    if (label === 0) continue;
    if (label === ET) {
      out[v] = 1;
      out[voxels + v] = 1;
      out[2 * voxels + v] = 1;
    } else if (label === TC) {
      out[v] = 1;
      out[voxels + v] = 1;
    } else if (label === WT) {
      out[voxels + v] = 1;
    } else {
      throw new Error(`bratsTargets: voxel ${v} has label ${label}, which is not background (0) or a BraTS label ` +
        `(TC ${TC}, WT ${WT}, ET ${ET})`);
    }
  }
  return out;
}

/**
 * Softmax labels to one-hot targets, channel-major [K, V] with K the number of classes: the channel of the class
 * whose label the voxel holds is 1. A value no class has is refused, naming the voxel and the known labels.
 */
export function oneHotTargets(labels: Uint8Array, classes: SoftmaxLabels['classes']): Float32Array {
  const channels = classes.length;
  const voxels = labels.length;
  const classOf = new Int16Array(256).fill(-1);
  for (const { index, label } of classes) {
    if (!Number.isInteger(index) || index < 0 || index >= channels) {
      throw new Error(`oneHotTargets: class index ${index} is outside 0..${channels - 1} (${channels} classes)`);
    }
    if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(`oneHotTargets: class ${index} has label ${label}; labels are 0..255`);
    if (classOf[label] !== -1) throw new Error(`oneHotTargets: label ${label} belongs to classes ${classOf[label]} and ${index}`);
    classOf[label] = index;
  }
  const out = new Float32Array(channels * voxels);
  for (let v = 0; v < voxels; v++) {
    const c = classOf[labels[v]!]!;
    if (c < 0) {
      throw new Error(`oneHotTargets: voxel ${v} has label ${labels[v]}, which no class has (labels ${classes.map((k) => k.label).join(', ')})`);
    }
    out[c * voxels + v] = 1;
  }
  return out;
}

/** The targets the card's heads are trained on: BraTS region masks or one-hot classes, channel-major [K, V]. */
export function targetsFor(labels: Uint8Array, info: LabelInfo): Float32Array {
  return info.scheme === 'brats' ? bratsTargets(labels, info.labelMap) : oneHotTargets(labels, info.classes);
}

/** How many target channels the card's heads have. */
export function targetChannels(info: LabelInfo): number {
  return info.scheme === 'brats' ? 3 : info.classes.length;
}
