import type { Dim } from './dims';
import { float32ToFloat16 } from './float16';
import { onnxSchema } from './schema';
import { DTYPE_CODES, type Attribute, type ConstantTensor, type Graph, type TensorType } from './types';

export const OPSET_VERSION = 18;
const IR_VERSION = 8;

export interface ModelOptions {
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Stored as ONNX metadata_props (e.g. the model card as JSON). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Serializes a graph to an ONNX ModelProto. Float16-stored initializers get a Cast back to float32 at load. */
export function serializeModel(graph: Graph, options: ModelOptions = {}): Uint8Array {
  const root = onnxSchema();
  const ModelProto = root.lookupType('onnx.ModelProto');
  const casts: object[] = [];
  const initializers = graph.initializers.map((init) => {
    if (!init.storeAsFloat16 || init.dtype !== 'float32') return tensorProto(init.name, init);
    const stored = `${init.name}::float16`;
    casts.push({ name: `${init.name}/Cast`, op_type: 'Cast', input: [stored], output: [init.name], attribute: [{ name: 'to', type: 2, i: DTYPE_CODES.float32 }] });
    return tensorProto(stored, { dtype: 'float16', shape: init.shape, data: float32ToFloat16(init.data as Float32Array) });
  });
  const message = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET_VERSION }],
    producer_name: 'swinfuse-vscode',
    producer_version: options.producerVersion ?? '0',
    doc_string: options.docString ?? '',
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: [...casts, ...graph.nodes.map((n) => ({
        name: n.name,
        op_type: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes).map(([name, a]) => attributeProto(name, a)),
      }))],
      initializer: initializers,
      input: graph.inputs.map((t) => valueInfo(t.name, t.type)),
      output: graph.outputs.map((t) => valueInfo(t.name, t.type)),
    },
  };
  const error = ModelProto.verify(message);
  if (error) throw new Error(`ONNX model "${graph.name}" is malformed: ${error}`);
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}

function tensorProto(name: string, t: ConstantTensor): object {
  return {
    name,
    dims: [...t.shape],
    data_type: DTYPE_CODES[t.dtype],
    raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  };
}

function valueInfo(name: string, type: TensorType): object {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DTYPE_CODES[type.dtype],
        shape: { dim: type.shape.map((d: Dim) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function attributeProto(name: string, a: Attribute): object {
  switch (a.type) {
    case 'int': return { name, type: 2, i: a.value };
    case 'float': return { name, type: 1, f: a.value };
    case 'string': return { name, type: 3, s: new TextEncoder().encode(a.value) };
    case 'ints': return { name, type: 7, ints: [...a.value] };
    case 'floats': return { name, type: 6, floats: [...a.value] };
    case 'tensor': return { name, type: 4, t: tensorProto('', a.value) };
  }
}
