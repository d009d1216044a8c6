// Short names for the ONNX operators the toy graphs are written in, so a graph reads like the
// formula it computes. Every value is float32 unless a name says otherwise.
import type { GraphBuilder } from '../onnx-graph/graph-builder.ts';

const FLOAT = 1;
const INT64 = 7;

export class Ops {
  constructor(readonly g: GraphBuilder) {}

  /** A float constant; a plain number becomes a scalar. */
  c(value: number | readonly number[] | Float32Array, dims?: number[]): string {
    if (typeof value === 'number') return this.g.scalar(value);
    return this.g.constant('float32', dims ?? [value.length], value);
  }

  ints(values: number[]): string {
    return this.g.ints(values);
  }

  add(a: string, b: string): string {
    return this.g.node('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.g.node('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.g.node('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.g.node('Div', [a, b]);
  }
  /** Sum of several values (broadcasting). */
  sum(...values: string[]): string {
    return this.g.node('Sum', values);
  }
  sqrt(a: string): string {
    return this.g.node('Sqrt', [a]);
  }
  abs(a: string): string {
    return this.g.node('Abs', [a]);
  }
  log(a: string): string {
    return this.g.node('Log', [a]);
  }
  exp(a: string): string {
    return this.g.node('Exp', [a]);
  }
  min(a: string, b: string): string {
    return this.g.node('Min', [a, b]);
  }
  max(a: string, b: string): string {
    return this.g.node('Max', [a, b]);
  }
  clip(a: string, lo: number, hi: number): string {
    return this.g.node('Clip', [a, this.c(lo), this.c(hi)]);
  }
  /** 1 where a equals b, else 0. */
  eq(a: string, b: string): string {
    return this.g.node('Cast', [this.g.node('Equal', [a, b])], { to: FLOAT });
  }
  /** 1 where a < b, else 0. */
  less(a: string, b: string): string {
    return this.g.node('Cast', [this.g.node('Less', [a, b])], { to: FLOAT });
  }
  toFloat(a: string): string {
    return this.g.node('Cast', [a], { to: FLOAT });
  }
  toInt(a: string): string {
    return this.g.node('Cast', [a], { to: INT64 });
  }
  /** Running sum along an axis, the current element included. */
  cumsum(a: string, axis: number): string {
    return this.g.node('CumSum', [a, this.g.constant('int64', [], [axis])]);
  }
  reduceSum(a: string, axes: number[], keep = false): string {
    return this.g.node('ReduceSum', [a, this.ints(axes)], { keepdims: keep ? 1 : 0 });
  }
  reduceMax(a: string, axes: number[], keep = false): string {
    return this.g.node('ReduceMax', [a], { axes, keepdims: keep ? 1 : 0 });
  }
  logSumExp(a: string, axes: number[], keep = false): string {
    return this.g.node('ReduceLogSumExp', [a], { axes, keepdims: keep ? 1 : 0 });
  }
  softmax(a: string, axis: number): string {
    return this.g.node('Softmax', [a], { axis });
  }
  /** Elements [from, to) along one axis. */
  slice(a: string, axis: number, from: number, to: number): string {
    return this.g.node('Slice', [a, this.ints([from]), this.ints([to]), this.ints([axis])]);
  }
  unsqueeze(a: string, axes: number[]): string {
    return this.g.node('Unsqueeze', [a, this.ints(axes)]);
  }
  reshape(a: string, shape: number[] | string): string {
    return this.g.node('Reshape', [a, typeof shape === 'string' ? shape : this.ints(shape)]);
  }
  transpose(a: string, perm: number[]): string {
    return this.g.node('Transpose', [a], { perm });
  }
  concat(values: string[], axis: number): string {
    return this.g.node('Concat', values, { axis });
  }
  matmul(a: string, b: string): string {
    return this.g.node('MatMul', [a, b]);
  }
  gather(data: string, indices: string, axis = 0): string {
    return this.g.node('Gather', [data, indices], { axis });
  }
  shape(a: string): string {
    return this.g.node('Shape', [a]);
  }
  /** 0, 1, ..., n-1 as floats, for a float scalar n. */
  range(n: string): string {
    return this.g.node('Range', [this.c(0), n, this.c(1)]);
  }
}
