// Reading back what serializeModel wrote: the weights (float16-stored ones restored to float32) and the metadata.
// Fine-tuning rebuilds a model's graph from its card and these weights, so it never has to parse the graph itself.
import { fromFloat16Bits } from './float16';
import { onnxSchema } from './schema';
import { DTYPE_CODES } from './types';

export interface StoredWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface StoredModel {
  /** Float initializers by the name the graph uses (a float16-stored `NAME::float16` is returned as NAME). */
  readonly weights: ReadonlyMap<string, StoredWeight>;
  readonly metadata: ReadonlyMap<string, string>;
}

interface TensorMessage { name: string; dims: (number | { toNumber(): number })[]; data_type: number; raw_data?: Uint8Array; float_data?: number[] }

/** Decodes an ONNX model's float weights and metadata; `file` names it in errors. */
export function readStoredModel(bytes: Uint8Array, file: string): StoredModel {
  const ModelProto = onnxSchema().lookupType('onnx.ModelProto');
  let model: { graph?: { initializer?: TensorMessage[] }; metadata_props?: { key: string; value: string }[] };
  try {
    model = ModelProto.decode(bytes) as unknown as typeof model;
  } catch (err) {
    throw new Error(`${file}: not an ONNX model (${(err as Error).message})`);
  }
  const weights = new Map<string, StoredWeight>();
  for (const t of model.graph?.initializer ?? []) {
    const shape = t.dims.map((d) => (typeof d === 'number' ? d : d.toNumber()));
    const count = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (t.data_type === DTYPE_CODES.float32) {
      data = t.raw_data?.length ? copyFloat32(t.raw_data) : Float32Array.from(t.float_data ?? []);
    } else if (t.data_type === DTYPE_CODES.float16) {
      const raw = t.raw_data ?? new Uint8Array(0);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = new Float32Array(raw.byteLength / 2);
      for (let i = 0; i < data.length; i++) data[i] = fromFloat16Bits(view.getUint16(2 * i, true));
    } else {
      continue; // integer constants (shapes, indices) are rebuilt with the graph
    }
    if (data.length !== count) throw new Error(`${file}: initializer ${t.name} holds ${data.length} values for shape [${shape.join(', ')}]`);
    weights.set(t.name.replace(/::float16$/, ''), { shape, data });
  }
  return { weights, metadata: new Map((model.metadata_props ?? []).map((p) => [p.key, p.value])) };
}

/** raw_data is little-endian and may sit at any offset of the decoded buffer: copy it into an aligned array. */
function copyFloat32(raw: Uint8Array): Float32Array {
  const out = new Float32Array(raw.byteLength / 4);
  new Uint8Array(out.buffer).set(raw);
  return out;
}
