// Builds input tensors in whatever element type a session declares, and reads float outputs back as
// float32, so pipelines never hard-code dtypes.
import ort from 'onnxruntime-node';
import { float16ToFloat32, float32ToFloat16 } from './float16.ts';

export interface TensorSpec {
  name: string;
  type: ort.Tensor.Type;
  /** Numbers for fixed dimensions, strings for symbolic ones; empty for a scalar. */
  shape: readonly (number | string)[];
}

export function specsOf(metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return metadata.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: m.shape }
      : { name: m.name, type: 'float32', shape: [] },
  );
}

export function floatTensor(spec: TensorSpec, data: Float32Array, dims: readonly number[]): ort.Tensor {
  if (spec.type === 'float32') return new ort.Tensor('float32', data, dims);
  if (spec.type === 'float16') return new ort.Tensor('float16', float32ToFloat16(data), dims);
  if (spec.type === 'float64') return new ort.Tensor('float64', Float64Array.from(data), dims);
  throw new Error(`input "${spec.name}" has element type ${spec.type}; expected a float type`);
}

export function intTensor(spec: TensorSpec, data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  if (spec.type === 'int32') return new ort.Tensor('int32', Int32Array.from(data), dims);
  if (spec.type === 'int64') {
    const big = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) big[i] = BigInt(Math.round(data[i]));
    return new ort.Tensor('int64', big, dims);
  }
  if (spec.type === 'float32' || spec.type === 'float16')
    return floatTensor(spec, Float32Array.from(data), dims);
  throw new Error(
    `input "${spec.name}" has element type ${spec.type}; expected int32, int64 or a float type`,
  );
}

export function readFloats(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  if (tensor.type === 'float64') return Float32Array.from(tensor.data as Float64Array);
  throw new Error(`output has element type ${tensor.type}; expected a float type`);
}
