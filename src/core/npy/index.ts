export { NpyError } from './errors';
export { readNpy, readNpyFile, type NpyArray, type NpyDtype } from './read';
export { encodeNpy } from './write';
export { parseNpyHeader, type NpyHeader } from './header';
