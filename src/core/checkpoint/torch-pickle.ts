import { describePy, PickleProblem, PyCallable, type UnpickleHooks } from './unpickler';
import { gatherStrided, lastIndex } from './strided';
import { DTYPE_BYTES, numelOf, tensorFromBytes, type Tensor, type TensorDtype } from './tensor';
import type { ByteBudget } from './byte-budget';
import { buildNumpyDtype, NUMPY_GLOBALS, NumpyDtype } from './numpy-pickle';
import { fileText } from '../io/file-text';

/**
 * The torch side of the restricted unpickler: the only globals a state dict needs, implemented here in TypeScript.
 * `torch._utils._rebuild_parameter` is deliberately absent: `model.state_dict()` holds plain tensors, and a pickled
 * Parameter means a whole module or optimizer object was saved, which we would refuse a few globals later anyway.
 */

/** torch's legacy typed-storage class names, which torch.save still writes into persistent ids. */
const STORAGE_DTYPES: Record<string, TensorDtype> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', LongStorage: 'int64',
};

/** A storage class named by the pickle: data, never called. */
export class StorageType {
  constructor(readonly name: string, readonly dtype: TensorDtype) {}
}

/** One raw storage: an entry `<archive>/data/<key>` of the zip, read as `dtype`. */
interface Storage {
  key: string;
  dtype: TensorDtype;
  numel: number;
  bytes: Uint8Array;
  /** The bytes at an offset a typed array of `dtype` can view: `bytes` itself, or one copy, made when first needed. */
  aligned?: Uint8Array;
}

/** Tensors larger than their storage (stride-0 broadcasts) beyond this are refused, so no file can make us
 * allocate without bound. Real state dicts never broadcast; a damaged size/stride tuple is the usual cause. */
const MAX_EXPANDED_BYTES = 64 * 2 ** 20;

export interface TorchPickleContext {
  /**
   * Returns the bytes of the zip entry holding storage `key`, which must hold exactly `bytes` bytes (checked before
   * anything is inflated), or throws a PickleProblem.
   */
  readStorage(key: string, bytes: number): Uint8Array;
  /** Every byte produced while rebuilding tensors is counted here. */
  readonly budget: ByteBudget;
}

export interface TorchHooks extends UnpickleHooks {
  /** Whether a value is a tensor this unpickling rebuilt (as opposed to any other object). */
  isTensor(value: unknown): value is Tensor;
}

export function torchHooks(context: TorchPickleContext): TorchHooks {
  const storages = new Map<string, Storage>();
  const madeStorages = new WeakSet<object>();
  const tensors = new WeakSet<object>();

  const orderedDict = new PyCallable('collections.OrderedDict', (args) => {
    // torch writes OrderedDict() and fills it with SETITEMS; a list of pairs is the other form pickle allows.
    const result = new Map();
    if (args.length === 0) return result;
    const pairs = args[0];
    if (args.length !== 1 || !Array.isArray(pairs)) {
      throw new PickleProblem('OrderedDict takes no arguments or a list of pairs');
    }
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new PickleProblem('OrderedDict items must be (key, value) pairs');
      }
      result.set(pair[0], pair[1]);
    }
    return result;
  });

  const rebuildTensor = new PyCallable('torch._utils._rebuild_tensor_v2', (args) => {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); the last three do not
    // change the values.
    if (args.length < 6 || args.length > 7) {
      throw new PickleProblem(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
    }
    const [storage, offset, size, stride] = args;
    if (!isStorage(storage)) throw new PickleProblem(`_rebuild_tensor_v2 needs a storage, got ${describePy(storage)}`);
    const shape = intTuple(size, 'size');
    const strides = intTuple(stride, 'stride');
    if (strides.length !== shape.length) {
      throw new PickleProblem(`size (${shape.length} dims) and stride (${strides.length} dims) disagree`);
    }
    if (!isCount(offset)) throw new PickleProblem(`the storage offset is ${describePy(offset)}, not a count`);
    const item = DTYPE_BYTES[storage.dtype];
    const count = numelOf(shape);
    const last = lastIndex(offset, shape, strides);
    if (last >= storage.numel) {
      throw new PickleProblem(`a [${shape.join(', ')}] tensor with stride (${strides.join(', ')}) at offset ${offset} ` +
        `reaches element ${last} of storage "${storage.key}", which holds ${storage.numel}`);
    }
    if (count > storage.numel && count * item > MAX_EXPANDED_BYTES) {
      throw new PickleProblem(`a [${shape.join(', ')}] tensor repeats the ${storage.numel} elements of storage ` +
        `"${storage.key}" to ${count * item} bytes; expanded tensors that large are refused`);
    }
    // A plain view of its storage shares the storage's bytes (64 views of one storage cost one storage); any other
    // view is gathered into bytes of its own, counted against the budget.
    const bytes = isCOrder(shape, strides)
      ? alignedBytes(storage).subarray(offset * item, (offset + count) * item)
      : (context.budget.take(count * item, `a [${shape.join(', ')}] strided view of storage "${storage.key}"`),
        gatherStrided(storage.bytes, item, offset, shape, strides));
    const tensor = tensorFromBytes(storage.dtype, shape, bytes);
    tensors.add(tensor);
    return tensor;
  });

  /** The storage's bytes where typed arrays can view them: in place when aligned, else one copy for all its views. */
  const alignedBytes = (storage: Storage): Uint8Array => {
    if (!storage.aligned) {
      if (storage.bytes.byteOffset % DTYPE_BYTES[storage.dtype] === 0) {
        storage.aligned = storage.bytes;
      } else {
        context.budget.take(storage.bytes.length, `an aligned copy of storage "${storage.key}"`);
        storage.aligned = new Uint8Array(storage.bytes);
      }
    }
    return storage.aligned;
  };

  /** Only storages persistentLoad made count: a dict or tuple shaped like one is not a way into the file. */
  const isStorage = (value: unknown): value is Storage =>
    typeof value === 'object' && value !== null && madeStorages.has(value);

  return {
    isTensor: (value: unknown): value is Tensor => typeof value === 'object' && value !== null && tensors.has(value),

    findGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (qualified === 'collections.OrderedDict') return orderedDict;
      if (qualified === 'torch._utils._rebuild_tensor_v2') return rebuildTensor;
      const numpy = NUMPY_GLOBALS.get(qualified);
      if (numpy) return numpy;
      const dtype = module === 'torch' ? STORAGE_DTYPES[name] : undefined;
      if (dtype) return new StorageType(qualified, dtype);
      const hint = module === 'torch' && name.endsWith('Storage')
        ? 'only float32, float16, bfloat16 and int64 tensors are supported; convert the others with .float() before saving'
        : 'a checkpoint may only contain tensors in (ordered) dicts, so nothing in it is ever executed; save ' +
          'model.state_dict() rather than a model, optimizer or other Python objects';
      throw new PickleProblem(`refusing to load global "${fileText(qualified)}": ${hint}`);
    },

    persistentLoad(pid) {
      // torch.save writes ('storage', storage_type, key, location, numel) with numel in elements.
      if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') {
        throw new PickleProblem(`a persistent id must be ('storage', type, key, location, numel), got ${describePy(pid)}`);
      }
      const [, type, key, , numel] = pid;
      if (!(type instanceof StorageType)) throw new PickleProblem(`the storage type is ${describePy(type)}`);
      // Keys are storage numbers; anything path-like ("../x") must not pick other entries of the archive.
      if (typeof key !== 'string' || !/^[\w.-]+$/.test(key) || key.startsWith('.')) {
        throw new PickleProblem(`storage key ${typeof key === 'string' ? `"${fileText(key)}"` : describePy(key)} is not a plain name`);
      }
      if (!isCount(numel)) throw new PickleProblem(`storage "${key}" gives ${describePy(numel)} as its number of elements`);
      // One entry is one storage of one dtype (torch.save refuses to write views of the same data as different
      // types), so it is read once, however many persistent ids name it.
      const cached = storages.get(key);
      if (cached) {
        if (cached.dtype !== type.dtype || cached.numel !== numel) {
          throw new PickleProblem(`storage "${key}" is read as ${cached.dtype} (${cached.numel} elements) and as ${type.dtype} ` +
            `(${numel} elements); torch.save never writes one storage as two types`);
        }
        return cached;
      }
      const needed = numel * DTYPE_BYTES[type.dtype];
      const bytes = context.readStorage(key, needed);
      const storage: Storage = { key, dtype: type.dtype, numel, bytes };
      storages.set(key, storage);
      madeStorages.add(storage);
      return storage;
    },

    build(target, state) {
      // The one BUILD torch writes for a state dict sets OrderedDict._metadata (module versions), which carries no
      // weights; we accept and drop it. Anything else would need a Python object's __setstate__.
      if (target instanceof Map && (state === null || state instanceof Map)) return;
      if (target instanceof NumpyDtype) return buildNumpyDtype(target, state);
      throw new PickleProblem(`cannot apply state to ${describePy(target)}`);
    },
  };
}

/** Whether a view walks its elements in C order with no gaps (size-1 dimensions may have any stride). */
function isCOrder(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function intTuple(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every(isCount)) {
    throw new PickleProblem(`the tensor ${what} must be a tuple of non-negative integers, got ${describePy(value)}`);
  }
  return [...value] as number[]; // a tuple is frozen; shapes belong to the caller
}
