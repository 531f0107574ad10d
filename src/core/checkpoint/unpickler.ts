/**
 * A restricted unpickler for the pickles torch.save writes (protocols 2 to 5). It is a data decoder, not Python:
 * it builds numbers, strings, lists, tuples and dicts itself, and defers every GLOBAL, REDUCE, BUILD and persistent
 * id to hooks that only know a short allow-list implemented in TypeScript. Nothing named in a pickle ever runs.
 *
 * Values: tuples are frozen arrays (so APPEND on one is refused), lists are arrays, dicts are Maps with primitive
 * keys, bytes are Uint8Arrays, integers are numbers (bigints past 2^53).
 */

export type PyKey = string | number | bigint | boolean | null;

/** What REDUCE may call: a constructor the hooks implement in TypeScript. */
export class PyCallable {
  constructor(readonly qualifiedName: string, readonly apply: (args: readonly unknown[]) => unknown) {}
}

/** Thrown by hooks; the unpickler adds the pickle's name and the byte offset of the opcode that failed. */
export class PickleProblem extends Error {}

export interface UnpickleHooks {
  /** Resolves GLOBAL and STACK_GLOBAL. Must throw a PickleProblem for anything outside its allow-list. */
  findGlobal(module: string, name: string): unknown;
  /** Resolves BINPERSID, e.g. torch's references to storages kept outside the pickle. */
  persistentLoad(pid: unknown): unknown;
  /** Applies BUILD's state to an object (Python's __setstate__); throw for anything not understood. */
  build(target: unknown, state: unknown): void;
}

/** Opcode names, also of those we refuse, so an error can say which one it met. */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID',
  0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE',
  0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET',
  0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT',
  0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS',
  0x47: 'BINFLOAT', 0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1',
  0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4',
  0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE',
  0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

export function opcodeName(op: number): string {
  return `${OPCODE_NAMES[op] ?? 'unknown opcode'} (0x${op.toString(16).padStart(2, '0')})`;
}

/**
 * A short description of a value for error messages, in Python's words, with its article and its size ("a list of 2
 * items"), never its contents: a pickle can build values whose printed form is exponentially large or deeply nested.
 */
export function describePy(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'a bool';
  if (typeof value === 'number') return Number.isInteger(value) ? `the int ${value}` : 'a float';
  if (typeof value === 'bigint') return 'an int';
  if (typeof value === 'string') return `a str of ${value.length} character${value.length === 1 ? '' : 's'}`;
  if (value instanceof Uint8Array) return `bytes (${value.length})`;
  if (Array.isArray(value)) return `a ${Object.isFrozen(value) ? 'tuple' : 'list'} of ${items(value.length)}`;
  if (value instanceof Map) return `a dict of ${items(value.size)}`;
  if (value instanceof PyCallable) return value.qualifiedName;
  return 'an object';
}

const items = (n: number): string => `${n} item${n === 1 ? '' : 's'}`;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Runs the pickle in `bytes` to its STOP and returns the value left on the stack. Problems throw a PickleProblem
 * whose message starts with the byte offset; the caller names the file.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let opStart = 0;
  let op = 0;

  const fail = (problem: string): never => {
    throw new PickleProblem(`byte ${opStart}, ${opcodeName(op)}: ${problem}`);
  };
  const take = (n: number): number => {
    if (n > bytes.length - pos) fail(`needs ${n} more bytes but the pickle ends at byte ${bytes.length}: it is truncated`);
    const at = pos;
    pos += n;
    return at;
  };
  const u64 = (at: number): number => {
    const v = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    return v > Number.MAX_SAFE_INTEGER ? fail(`length ${v} is impossibly large`) : v;
  };
  const text = (n: number): string => {
    const at = take(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      return fail('the string is not valid UTF-8');
    }
  };
  // Not bytes.slice: on a Node Buffer that returns a view, and values must not alias the file.
  const copy = (start: number, end: number): Uint8Array => new Uint8Array(bytes.subarray(start, end));
  const pop = (): unknown => (stack.length ? stack.pop() : fail('the stack is empty'));
  const top = (): unknown => (stack.length ? stack[stack.length - 1] : fail('the stack is empty'));
  const popMark = (): unknown[] => {
    const items = stack;
    stack = marks.pop() ?? fail('no MARK to pop back to');
    return items;
  };
  const tuple = (items: unknown[]): unknown[] => Object.freeze(items) as unknown[];
  const list = (target: unknown): unknown[] =>
    Array.isArray(target) && !Object.isFrozen(target) ? target : fail(`cannot append to ${describePy(target)}`);
  const dict = (target: unknown): Map<PyKey, unknown> =>
    target instanceof Map ? target : fail(`cannot set items on ${describePy(target)}`);
  const key = (k: unknown): PyKey => {
    const t = typeof k;
    return k === null || t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean'
      ? k as PyKey : fail(`dict keys that are ${describePy(k)} are not supported`);
  };
  const setItems = (target: Map<PyKey, unknown>, items: unknown[]): void => {
    if (items.length % 2) fail('an odd number of items for key/value pairs');
    for (let i = 0; i < items.length; i += 2) target.set(key(items[i]), items[i + 1]);
  };
  const integer = (at: number, n: number): number | bigint => {
    // LONG1/LONG4: little-endian two's complement of n bytes.
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
    if (n > 0 && bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const memoGet = (i: number): unknown => (memo.has(i) ? memo.get(i) : fail(`memo slot ${i} is empty`));
  /** Runs a hook, placing its PickleProblem at the current opcode. */
  const hook = <T>(run: () => T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof PickleProblem) fail(err.message);
      throw err;
    }
  };
  const callGlobal = (module: string, name: string): unknown => hook(() => hooks.findGlobal(module, name));

  while (true) {
    opStart = pos;
    if (pos >= bytes.length) {
      op = 0x2e;
      fail('the pickle ends without a STOP: it is truncated');
    }
    op = bytes[pos++]!;
    switch (op) {
      case 0x80: { // PROTO
        const version = bytes[take(1)]!;
        if (version < 2 || version > 5) fail(`pickle protocol ${version} is not supported (2 to 5 are)`);
        break;
      }
      case 0x95: take(8); break; // FRAME: only a buffering hint; the opcodes inside read as usual.
      case 0x2e: { // STOP
        if (marks.length) fail('a MARK is still open');
        return pop();
      }
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(take(4), true)); break; // BININT
      case 0x4b: stack.push(bytes[take(1)]!); break; // BININT1
      case 0x4d: stack.push(view.getUint16(take(2), true)); break; // BININT2
      case 0x8a: { const n = bytes[take(1)]!; stack.push(integer(take(n), n)); break; } // LONG1
      case 0x8b: { // LONG4
        const n = view.getInt32(take(4), true);
        if (n < 0 || n > 1024) fail(`an integer of ${n} bytes is not supported`);
        stack.push(integer(take(n), n));
        break;
      }
      case 0x47: stack.push(view.getFloat64(take(8), false)); break; // BINFLOAT (big-endian)
      case 0x8c: stack.push(text(bytes[take(1)]!)); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(view.getUint32(take(4), true))); break; // BINUNICODE
      case 0x8d: stack.push(text(u64(take(8)))); break; // BINUNICODE8
      case 0x43: { const n = bytes[take(1)]!; stack.push(copy(take(n), pos)); break; } // SHORT_BINBYTES
      case 0x42: { const n = view.getUint32(take(4), true); stack.push(copy(take(n), pos)); break; } // BINBYTES
      case 0x8e: { const n = u64(take(8)); stack.push(copy(take(n), pos)); break; } // BINBYTES8
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x74: { const items = popMark(); stack.push(tuple(items)); break; } // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      // Not `stack.push(popMark())`: that would read `stack` before popMark swaps it, pushing into the popped frame.
      case 0x6c: { const items = popMark(); stack.push(items); break; } // LIST
      case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const l = list(top()); for (const v of items) l.push(v); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const d = new Map<PyKey, unknown>(); setItems(d, popMark()); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); dict(top()).set(key(k), v); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(dict(top()), items); break; } // SETITEMS
      case 0x71: memo.set(bytes[take(1)]!, top()); break; // BINPUT
      case 0x72: memo.set(view.getUint32(take(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(bytes[take(1)]!)); break; // BINGET
      case 0x6a: stack.push(memoGet(view.getUint32(take(4), true))); break; // LONG_BINGET
      case 0x63: { // GLOBAL: "module\nname\n"
        const module = line();
        stack.push(callGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('module and name must be strings');
        stack.push(callGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PyCallable)) fail(`cannot call ${describePy(callable)}`);
        if (!Array.isArray(args) || !Object.isFrozen(args)) fail(`the arguments are ${describePy(args)}, not a tuple`);
        stack.push(hook(() => (callable as PyCallable).apply(args as unknown[])));
        break;
      }
      case 0x62: { const state = pop(); const target = top(); hook(() => hooks.build(target, state)); break; } // BUILD
      case 0x51: { const pid = pop(); stack.push(hook(() => hooks.persistentLoad(pid))); break; } // BINPERSID
      default:
        fail('this opcode is not supported by the restricted unpickler');
    }
  }

  function line(): string {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('the name runs to the end of the pickle');
    return text(end - pos + 1).slice(0, -1);
  }
}
