export { generateCase, checkSynthOptions, DEFAULT_SYNTH_SIZE, DEFAULT_SYNTH_SPACING } from './generate-case';
export { centredRasAffine, synthGeometry } from './frame';
export {
  BRATS_LABEL, MATERIAL, MRI_CONTRASTS, SYNTH_CONTRASTS, TISSUE,
  type MaterialName, type SynthCase, type SynthContrast, type SynthOptions, type SynthRendering, type TumourDescription, type TumourKind,
} from './types';
