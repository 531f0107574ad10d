// Turning the blended model output (channel-major, V voxels per channel) into probabilities and a label map.

export function sigmoidInPlace(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-data[i]!));
}

function checkChannels(length: number, channels: number, voxels: number, where: string): void {
  if (!Number.isSafeInteger(channels) || channels < 1 || !Number.isSafeInteger(voxels) || voxels < 1) {
    throw new Error(`${where}: ${channels} channel(s) of ${voxels} voxels is not a volume`);
  }
  if (length !== channels * voxels) throw new Error(`${where}: ${length} values do not fill ${channels} channel(s) of ${voxels} voxels`);
}

/** Softmax over channels at each voxel; the max is subtracted first so large logits do not overflow exp. */
export function softmaxChannelsInPlace(data: Float32Array, channels: number, voxels: number): void {
  checkChannels(data.length, channels, voxels, 'softmax');
  for (let v = 0; v < voxels; v++) {
    let max = -Infinity;
    for (let i = v, c = 0; c < channels; c++, i += voxels) if (data[i]! > max) max = data[i]!;
    let sum = 0;
    for (let i = v, c = 0; c < channels; c++, i += voxels) {
      const e = Math.exp(data[i]! - max);
      data[i] = e;
      sum += e;
    }
    for (let i = v, c = 0; c < channels; c++, i += voxels) data[i] = data[i]! / sum;
  }
}

function checkLabel(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new Error(`${what} is ${value}; a label must be an integer 0..255`);
}

export interface BratsHeads {
  readonly threshold: number;
  readonly labelMap: { readonly ET: number; readonly TC: number; readonly WT: number };
}

/**
 * BraTS regions to labels. The three sigmoid channels are TC, WT, ET (nested regions, as the model was trained);
 * a voxel is in a region when its probability is ≥ threshold, as MONAI's AsDiscrete(threshold) decides. The
 * innermost region wins: ET, then TC, then WT, else background 0, so an ET voxel outside TC is still ET.
 */
export function bratsLabelMap(probs: Float32Array, voxels: number, heads: BratsHeads): Uint8Array {
  checkChannels(probs.length, 3, voxels, 'BraTS labels');
  const { threshold, labelMap } = heads;
  if (!Number.isFinite(threshold)) throw new Error(`BraTS labels: threshold ${threshold} is not a number`);
  checkLabel(labelMap.ET, 'BraTS label for ET');
  checkLabel(labelMap.TC, 'BraTS label for TC');
  checkLabel(labelMap.WT, 'BraTS label for WT');
  const out = new Uint8Array(voxels);
  const tc = 0;
  const wt = voxels;
  const et = 2 * voxels;
  for (let v = 0; v < voxels; v++) {
    if (probs[et + v]! >= threshold) out[v] = labelMap.ET;
    else if (probs[tc + v]! >= threshold) out[v] = labelMap.TC;
    else if (probs[wt + v]! >= threshold) out[v] = labelMap.WT;
  }
  return out;
}

/** The label of the most probable class at each voxel (the first on ties, as torch.argmax); unlisted classes give 0. */
export function argmaxLabelMap(
  probs: Float32Array, channels: number, voxels: number, classes: readonly { readonly index: number; readonly label: number }[],
): Uint8Array {
  checkChannels(probs.length, channels, voxels, 'argmax labels');
  const labelOf = new Uint8Array(channels);
  for (const { index, label } of classes) {
    if (!Number.isInteger(index) || index < 0 || index >= channels) {
      throw new Error(`argmax labels: class index ${index} is outside the model's ${channels} channels`);
    }
    checkLabel(label, `argmax labels: the label of class ${index}`);
    labelOf[index] = label;
  }
  const out = new Uint8Array(voxels);
  for (let v = 0; v < voxels; v++) {
    let best = 0;
    let bestValue = probs[v]!;
    for (let c = 1, i = v + voxels; c < channels; c++, i += voxels) {
      if (probs[i]! > bestValue) {
        bestValue = probs[i]!;
        best = c;
      }
    }
    out[v] = labelOf[best]!;
  }
  return out;
}
