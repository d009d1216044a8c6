// A small builder of ONNX graphs: named values, nodes, initializers, and symbolic input shapes.
// Enough for the built-in models; it writes the same protobuf any ONNX exporter writes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'float16' | 'int32' | 'int64';

export const ELEM_TYPE_CODES: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export type Dim = number | string;
export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

export interface Initializer {
  name: string;
  type: ElemType;
  dims: number[];
  bytes: Buffer;
}

function tensorBytes(type: ElemType, values: ArrayLike<number> | ArrayLike<bigint>): Buffer {
  const n = values.length;
  if (type === 'float32') return Buffer.from(Float32Array.from(values as ArrayLike<number>).buffer);
  if (type === 'int32') return Buffer.from(Int32Array.from(values as ArrayLike<number>).buffer);
  if (type === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(values[i] as number | bigint);
    return Buffer.from(out.buffer);
  }
  throw new Error(`initializers of type ${type} are built from raw bytes`);
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  private valueInfo(name: string, type: ElemType, shape: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType: ELEM_TYPE_CODES[type],
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    };
  }

  input(name: string, type: ElemType, shape: readonly Dim[]): string {
    this.inputs.push(this.valueInfo(name, type, shape));
    return name;
  }

  output(value: string, name: string, type: ElemType, shape: readonly Dim[]): void {
    this.node('Identity', [value], {}, name);
    this.outputs.push(this.valueInfo(name, type, shape));
  }

  /** A constant tensor; `values` are converted to the element type. */
  constant(
    type: ElemType,
    dims: number[],
    values: ArrayLike<number> | ArrayLike<bigint>,
    name?: string,
  ): string {
    const id = name ?? `const_${this.counter++}`;
    this.initializers.push({ name: id, type, dims, bytes: tensorBytes(type, values) });
    return id;
  }

  scalar(value: number): string {
    return this.constant('float32', [], [value]);
  }

  ints(values: number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** Adds a node and returns its (first) output name. */
  node(
    op: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputName?: string,
  ): string {
    const out = outputName ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType: op,
      input: inputs,
      output: [out],
      name: `${op}_${this.counter++}`,
      attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)),
    });
    return out;
  }
}

function attribute(name: string, v: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.FLOAT, f: v.float };
}
