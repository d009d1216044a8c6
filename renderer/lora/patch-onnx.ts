// Merges LoRA modules into an ONNX model's weights, as diffusers merges them:
// W' = W + weight * (alpha / rank) * (up @ down). Targets are found by node name, which keeps the
// module path (`/unet/down_blocks.1/.../to_q/MatMul`); the initializer names are opaque. A MatMul
// stores W transposed ([in, out]); a 1x1 Conv stores W as [out, in, 1, 1].
import onnxProto from 'onnx-proto';
import { float16ToFloat32, float32ToFloat16 } from '../onnx/float16.ts';
import { type LoraComponent, type LoraModule, textEncoderTarget, unetTarget } from './lora-keys.ts';

const { onnx } = onnxProto;
type Tensor = onnxProto.onnx.ITensorProto;
type Node = onnxProto.onnx.INodeProto;

export interface WeightedModule {
  module: LoraModule;
  weight: number;
}

export interface PatchResult {
  model: Uint8Array;
  patched: number;
  /** Keys of modules no node of the graph matched. */
  unmatched: string[];
}

interface Target {
  node: Node;
  op: 'MatMul' | 'Conv';
}

/** The match key of a MatMul/Conv node, built from its scope the way LoRA names are built. */
export function nodeTarget(nodeName: string, component: LoraComponent): string | undefined {
  const segments = nodeName.replace(/^\//, '').split('/');
  segments.pop(); // the op
  if (component === 'text_encoder') return textEncoderTarget(segments.join('.'));
  if (segments[0] === 'unet') segments.shift();
  return unetTarget(segments.join('.'));
}

function readValues(t: Tensor): Float32Array {
  const type = t.dataType;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (type === onnx.TensorProto.DataType.FLOAT) {
    if (raw) return new Float32Array(new Uint8Array(raw).buffer);
    return Float32Array.from(t.floatData ?? []);
  }
  if (type === onnx.TensorProto.DataType.FLOAT16) {
    if (raw) return float16ToFloat32(new Uint16Array(new Uint8Array(raw).buffer));
    return float16ToFloat32(Uint16Array.from(t.int32Data ?? []));
  }
  throw new Error(
    `initializer ${t.name} has element type ${type}; LoRA weights merge into float32 or float16`,
  );
}

function writeValues(t: Tensor, values: Float32Array): void {
  const bits = t.dataType === onnx.TensorProto.DataType.FLOAT16 ? float32ToFloat16(values) : values;
  t.rawData = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  t.floatData = [];
  t.int32Data = [];
}

/** delta[o][i] = sum_r up[o][r] * down[r][i], scaled. */
function delta(m: LoraModule, scale: number): { out: number; inn: number; d: Float64Array } {
  const rank = m.down.shape[0];
  const out = m.up.shape[0];
  const inn = m.down.values.length / rank;
  if (m.up.values.length !== out * rank)
    throw new Error(
      `LoRA module ${m.key}: lora_up has shape [${m.up.shape.join(', ')}], rank ${rank} expected`,
    );
  const d = new Float64Array(out * inn);
  for (let o = 0; o < out; o++)
    for (let r = 0; r < rank; r++) {
      const u = m.up.values[o * rank + r] * scale;
      if (u === 0) continue;
      for (let i = 0; i < inn; i++) d[o * inn + i] += u * m.down.values[r * inn + i];
    }
  return { out, inn, d };
}

export function patchOnnxModel(
  modelBytes: Uint8Array,
  component: LoraComponent,
  loras: readonly WeightedModule[],
  file: string,
): PatchResult {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error(`${file} has no graph`);
  const initializers = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', t);
  const readers = new Map<string, number>();
  const targets = new Map<string, Target>();
  for (const n of graph.node ?? []) {
    for (const input of n.input ?? []) readers.set(input, (readers.get(input) ?? 0) + 1);
    if ((n.opType === 'MatMul' || n.opType === 'Conv') && n.name && initializers.has(n.input?.[1] ?? '')) {
      const key = nodeTarget(n.name, component);
      if (key && !targets.has(key)) targets.set(key, { node: n, op: n.opType });
    }
  }
  const unmatched: string[] = [];
  /** Initializers this patch owns: copies, or originals only this node reads. */
  const owned = new Map<Node, { tensor: Tensor; values: Float32Array }>();
  let patched = 0;
  let copies = 0;
  for (const { module, weight } of loras) {
    if (module.component !== component) continue;
    const target = targets.get(module.target);
    if (!target) {
      unmatched.push(module.key);
      continue;
    }
    let entry = owned.get(target.node);
    if (!entry) {
      const name = target.node.input![1];
      const original = initializers.get(name)!;
      if (original.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
        throw new Error(
          `${file} keeps ${name} in a separate file; LoRA merging needs the weights inside the model`,
        );
      let tensor = original;
      if ((readers.get(name) ?? 0) > 1) {
        // Shared with other nodes (the exporter deduplicates equal weights): patch a copy for this node only.
        tensor = onnx.TensorProto.create({
          name: `${name}__lora_${copies++}`,
          dataType: original.dataType,
          dims: original.dims,
        });
        graph.initializer!.push(tensor);
        target.node.input![1] = tensor.name!;
      }
      entry = { tensor, values: readValues(original) };
      owned.set(target.node, entry);
    }
    const { out, inn, d } = delta(module, weight * module.scale);
    const dims = (entry.tensor.dims ?? []).map(Number);
    const values = entry.values;
    if (values.length !== out * inn)
      throw new Error(
        `LoRA module ${module.key} is ${out}x${inn} but ${target.node.name} holds a weight of shape [${dims.join(', ')}]`,
      );
    if (target.op === 'MatMul') {
      if (dims[0] !== inn || dims[1] !== out)
        throw new Error(
          `LoRA module ${module.key} is ${out}x${inn} but ${target.node.name} multiplies by [${dims.join(', ')}]`,
        );
      for (let o = 0; o < out; o++) for (let i = 0; i < inn; i++) values[i * out + o] += d[o * inn + i];
    } else {
      if (dims[0] !== out || dims.length !== 4 || dims[2] !== 1 || dims[3] !== 1)
        throw new Error(
          `LoRA module ${module.key} targets ${target.node.name}, which is not a 1x1 convolution of ${out} channels`,
        );
      for (let k = 0; k < values.length; k++) values[k] += d[k];
    }
    patched++;
  }
  for (const { tensor, values } of owned.values()) writeValues(tensor, values);
  return { model: onnx.ModelProto.encode(model).finish(), patched, unmatched };
}
