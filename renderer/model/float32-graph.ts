// A float16 ONNX graph rewritten to float32: every float16 weight, constant, cast target and declared
// type becomes float32. Used to decode again where a float16 VAE overflows (SDXL's stock VAE does).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;
type Tensor = onnxProto.onnx.ITensorProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function widenTensor(t: Tensor): void {
  if (t.dataType !== FLOAT16) return;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error('its float16 weights are in a separate file, which a float32 copy cannot reach');
  }
  let halves: number[];
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    halves = Array.from({ length: t.rawData.byteLength / 2 }, (_, i) => view.getUint16(i * 2, true));
  } else {
    halves = (t.int32Data ?? []).map(Number);
  }
  const floats = Float32Array.from(halves, halfToFloat);
  t.dataType = FLOAT;
  t.int32Data = [];
  t.rawData = new Uint8Array(floats.buffer);
}

function widenInfo(v: ValueInfo): void {
  const tensorType = v.type?.tensorType;
  if (tensorType?.elemType === FLOAT16) tensorType.elemType = FLOAT;
}

function widenGraph(graph: Graph): void {
  for (const t of graph.initializer ?? []) widenTensor(t);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) widenInfo(v);
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (node.opType === 'Cast' && a.name === 'to' && Number(a.i) === FLOAT16) a.i = FLOAT;
      if (a.t) widenTensor(a.t);
      for (const t of a.tensors ?? []) widenTensor(t);
      if (a.g) widenGraph(a.g);
      for (const g of a.graphs ?? []) widenGraph(g);
    }
  }
}

/** The model with float16 replaced by float32 throughout; throws when it cannot be done. */
export function toFloat32Graph(modelBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  if (!model.graph) throw new Error('it has no graph');
  widenGraph(model.graph);
  return onnx.ModelProto.encode(model).finish();
}
