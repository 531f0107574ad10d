// Which files feed a model's channels, for the commands that read a scan (`segment`, `finetune`): the files given,
// matched to the card's channels by the contrast their names say, or one file's siblings found beside it.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { modalityOfChannelName } from '../core/inference/brats-siblings';
import { ChannelMatchError, contrastOfFileName, matchChannelFiles, siblingChannelFiles, USUAL_SPELLINGS, type ContrastName } from '../core/inference/contrast-names';
import { InferenceInputError } from '../core/inference';
import type { ModelCard } from '../core/models';
import { channelCount, readNiftiFile, type NiftiVolume, type ReadLimits } from '../core/nifti';

/**
 * The images in the card's channel order, each read once. Several 3D files are matched to the channels by the
 * contrast their names say (names that say nothing keep the order given); one 4D file is taken as it is; one 3D
 * file of a case whose other contrasts lie beside it (`CASE_flair`, `CASE-t1c`, `t1c.nii.gz`, `T1c_x.nii.gz`…) brings
 * them in. `log` gets one line saying which file went to which channel.
 */
export async function readChannelImages(files: readonly string[], card: ModelCard, limits: ReadLimits, log: (line: string) => void): Promise<NiftiVolume[]> {
  if (files.length > 1) {
    if (files.length !== card.inChannels) {
      throw new InferenceInputError(`the model takes ${card.inChannels} channels (${card.channels.join(', ')}); got ${files.length} files: ${files.join(', ')}`);
    }
    const match = matchOrExplain(files, card);
    log(`channels: ${match.lines.join(', ')}`);
    const ordered = match.order.map((i) => files[i]!);
    const images: NiftiVolume[] = [];
    for (const file of ordered) images.push(await readNiftiFile(file, limits));
    return images;
  }
  const first = await readNiftiFile(files[0]!, limits);
  const contrastChannels = card.channels.every((c) => modalityOfChannelName(c) !== undefined);
  if (card.inChannels < 2 || !contrastChannels || channelCount(first.shape) !== 1) return [first];
  const folder = dirname(files[0]!);
  const own = basename(files[0]!);
  let listed: string[] = [];
  try {
    listed = readdirSync(folder);
  } catch {
    // An unlistable folder has no siblings to offer; scanChannels then says what the model takes.
  }
  const found = siblingChannelFiles(own, listed, card.channels);
  if (!found) return [first]; // the name says no contrast: scanChannels says the model takes more channels than one file has
  const missing = card.channels.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    const [before, after] = (contrastOfFileName(own) as ContrastName).around;
    const lookedFor = missing.map((c) => USUAL_SPELLINGS[modalityOfChannelName(c)!].map((s) => `${before}${s}${after}`).join(' or ')).join('; ');
    throw new InferenceInputError(`the model takes ${card.inChannels} channels (${card.channels.join(', ')}); ${files[0]} has 1, ` +
      `and no sibling beside it holds ${missing.join(', ')} (looked for ${lookedFor}, in any letter case and spelling). ` +
      'Give one 3D file per channel, or one 4D file with the channels on its 4th axis');
  }
  log(`channels: ${card.channels.map((c, i) => `${c} ← ${found[i]}`).join(', ')}`);
  return Promise.all(found.map((name) => (name === own ? first : readNiftiFile(join(folder, name!), limits))));
}

function matchOrExplain(files: readonly string[], card: ModelCard): ReturnType<typeof matchChannelFiles> {
  try {
    return matchChannelFiles(files, card.channels);
  } catch (error) {
    if (error instanceof ChannelMatchError) throw new InferenceInputError(error.message);
    throw error;
  }
}
