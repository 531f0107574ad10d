import { readFile } from 'node:fs/promises';
import { ByteBudget, DEFAULT_MAX_TENSOR_BYTES, type LoadLimits } from './byte-budget';
import { CheckpointError, summarise } from './errors';
import { looksLikeSafetensors, readSafetensors } from './safetensors';
import type { StateDict, Tensor } from './tensor';
import { torchHooks } from './torch-pickle';
import { describePy, PickleProblem, unpickle } from './unpickler';
import { openZip, type ZipArchive } from './zip';
import { fileText } from '../io/file-text';

/** What torch.save wrote before 1.6 (and with _use_new_zipfile_serialization=False): PROTO 2, LONG1 of 10 bytes,
 * then 0x1950a86a20f9469cfc6c little-endian. */
const LEGACY_MAGIC = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
export interface LoadOptions extends LoadLimits {
  /** Told, in one line, what was left out: the entries beside the weights (epoch, best_acc, optimizer…). */
  readonly onNote?: (note: string) => void;
}

/** Keys that training scripts commonly wrap a state dict in. */
const WRAPPER_KEYS = ['state_dict', 'model', 'module'];
const MAX_WRAPPER_DEPTH = 3;

/**
 * Loads a SwinFUSE/SwinUNETR state dict from a torch.save zip archive or a .safetensors file held in memory. The
 * format is recognised from the bytes, not the name. Wrappers such as {"state_dict": ...} are unwrapped and the
 * `module.` prefixes DataParallel adds are stripped. Every problem is a CheckpointError naming `file`.
 */
export function loadCheckpoint(bytes: Uint8Array, file: string, limits: LoadOptions = {}): StateDict {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return stripModulePrefix(loadTorchZip(openZip(bytes, file), limits), file);
  if (startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) throw new CheckpointError(file, 'an empty zip archive, not a checkpoint');
  if (startsWith(bytes, LEGACY_MAGIC)) {
    throw new CheckpointError(file, 'this is the legacy (pre-1.6, non-zip) torch.save format, which is not ' +
      'supported; re-save it with torch 1.6 or later: torch.save(torch.load(path), path) writes the zip format');
  }
  // Before the pickle test: a safetensors header length can start with the byte 0x80 too (e.g. 384 bytes).
  if (looksLikeSafetensors(bytes)) return stripModulePrefix(readSafetensors(bytes, file), file);
  if (bytes[0] === 0x80) {
    throw new CheckpointError(file, 'a bare Python pickle, not a torch.save checkpoint; save the state dict with ' +
      'torch.save(model.state_dict(), path) (torch 1.6 or later)');
  }
  if (bytes.length === 0) throw new CheckpointError(file, 'the file is empty');
  throw new CheckpointError(file, 'not a PyTorch checkpoint: neither a torch.save zip archive nor a .safetensors file');
}

export async function loadCheckpointFile(path: string, limits: LoadOptions = {}): Promise<StateDict> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CheckpointError(path, `cannot read the file (${reason})`);
  }
  return loadCheckpoint(bytes, path, limits);
}

function loadTorchZip(zip: ZipArchive, limits: LoadOptions): StateDict {
  const file = zip.file;
  const names = [...zip.entries.keys()];
  // torch.save names one top-level folder (the file's stem, or "archive") and puts the pickle in it.
  const pickles = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1) {
    if (names.some((n) => /^[^/]+\/(constants\.pkl|code\/)/.test(n))) {
      throw new CheckpointError(file, 'a TorchScript archive (torch.jit.save), not a state dict; load it in Python ' +
        'and save torch.save(model.state_dict(), path)');
    }
    throw new CheckpointError(file, pickles.length
      ? `the archive holds ${pickles.length} data.pkl entries (${summarise(pickles.map((p) => fileText(p, 80)), 5)}); expected one`
      : 'a zip archive without a data.pkl: not a torch.save checkpoint');
  }
  const pickleName = pickles[0]!;
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  // torch 2.1+ records the byte order of the storages; older versions wrote the machine's, in practice little.
  const byteorderEntry = `${prefix}byteorder`;
  const byteorder = zip.entries.has(byteorderEntry) ? new TextDecoder().decode(zip.read(byteorderEntry)).trim() : 'little';
  if (byteorder !== 'little') {
    throw new CheckpointError(file, `its byteorder entry says "${fileText(byteorder, 40)}"; only little-endian checkpoints are supported`);
  }

  const budget = new ByteBudget(limits.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES);
  const hooks = torchHooks({
    budget,
    readStorage(key, bytes) {
      const name = `${prefix}data/${key}`;
      const entry = zip.entries.get(name);
      if (!entry) throw new PickleProblem(`storage "${fileText(key)}" refers to ${fileText(name)}, which the archive lacks`);
      // Checked against the entry's declared size before anything is inflated: an entry bigger than its storage
      // would only cost memory, a smaller one is a cut-off file.
      if (entry.size !== bytes) {
        throw new PickleProblem(`storage "${fileText(key)}" should hold ${bytes} bytes, but its entry ${fileText(name)} holds ${entry.size}` +
          `${entry.size < bytes ? ': the file is truncated or corrupted' : ''}`);
      }
      if (entry.method !== 0) budget.take(entry.size, `inflating ${fileText(name)}`);
      return zip.read(name);
    },
  });
  let root: unknown;
  try {
    root = unpickle(zip.read(pickleName), hooks);
  } catch (err) {
    if (err instanceof PickleProblem) throw new CheckpointError(file, `${pickleName}, ${err.message}`);
    throw err;
  }
  return toStateDict(unwrap(root, hooks.isTensor, file, limits.onNote), hooks.isTensor, file);
}

/**
 * Descends through {"state_dict": {...}}-style wrappers until a dict holds only tensors. What sat beside the weights
 * in a wrapper (a training script's epoch, best_acc, optimizer and scheduler state) is left out, and said in one note.
 */
function unwrap(root: unknown, isTensor: (v: unknown) => v is Tensor, file: string, onNote?: (note: string) => void): Map<unknown, unknown> {
  let value = root;
  const skipped: string[] = [];
  for (let depth = 0; ; depth++) {
    if (!(value instanceof Map)) {
      throw new CheckpointError(file, `the checkpoint holds ${describePy(value)}, not a dict of tensors`);
    }
    const dict: Map<unknown, unknown> = value;
    const wrapper = [...dict.values()].every(isTensor) || depth === MAX_WRAPPER_DEPTH
      ? undefined : WRAPPER_KEYS.find((k) => dict.get(k) instanceof Map);
    if (!wrapper) {
      if (skipped.length > 0) onNote?.(`${file}: left out ${summarise(skipped, 8)}: not model weights`);
      return dict;
    }
    for (const key of dict.keys()) if (key !== wrapper) skipped.push(typeof key === 'string' ? fileText(key, 40) : describePy(key));
    value = dict.get(wrapper);
  }
}

function toStateDict(dict: Map<unknown, unknown>, isTensor: (v: unknown) => v is Tensor, file: string): StateDict {
  const result: StateDict = new Map();
  const bad: string[] = [];
  for (const [key, value] of dict) {
    if (typeof key !== 'string') bad.push(`a key is ${describePy(key)}, not a name`);
    else if (!isTensor(value)) bad.push(`"${fileText(key, 80)}" is ${describePy(value)}`);
    else result.set(key, value);
  }
  if (bad.length) {
    throw new CheckpointError(file, `expected a dict of tensors, but ${summarise(bad, 10)}; save ` +
      'model.state_dict(), or a dict with it under "state_dict"');
  }
  return result;
}

/** Drops the `module.` prefix(es) DataParallel/DistributedDataParallel add to every key. */
function stripModulePrefix(dict: StateDict, file: string): StateDict {
  if (![...dict.keys()].some((k) => k.startsWith('module.'))) return dict;
  const result: StateDict = new Map();
  for (const [key, tensor] of dict) {
    let name = key;
    while (name.startsWith('module.')) name = name.slice('module.'.length);
    if (result.has(name)) throw new CheckpointError(file, `keys "${fileText(key)}" and "${fileText(name)}" collide once "module." is stripped`);
    result.set(name, tensor);
  }
  return result;
}

function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
