// The bench model: an SD-shaped UNet with seeded random weights, in a folder the same pipeline runs.
// It must cost a real amount per call and give finite predictions of about unit size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBenchModel } from '../../models/bench-model/build-bench-model.ts';
import { encodePrompt, gaussian, openToy, type ToySessions } from './toy-sessions.ts';

const { onnx } = onnxProto;
const root = mkdtempSync(path.join(tmpdir(), 'bench-model-'));
let bench: ToySessions;
let context: Float32Array;
beforeAll(async () => {
  buildBenchModel(path.join(root, 'bench'));
  bench = await openToy(path.join(root, 'bench'));
  const empty = await encodePrompt(bench, '');
  const prompt = await encodePrompt(bench, 'a red circle on a blue sky');
  context = new Float32Array(empty.length * 2);
  context.set(empty);
  context.set(prompt, empty.length);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sample = gaussian(11, 2 * 4 * 64 * 64);
async function predict(t: number, ctx = context): Promise<Float32Array> {
  const out = await bench.unet.run({
    sample: new ort.Tensor('float32', sample, [2, 4, 64, 64]),
    timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
    encoder_hidden_states: new ort.Tensor('float32', ctx, [2, 77, ctx.length / 154]),
  });
  expect(out.out_sample.dims).toEqual([2, 4, 64, 64]);
  return out.out_sample.data as Float32Array;
}

describe('bench model', () => {
  it('has the toy UNet’s inputs and outputs and an SD UNet’s operator mix', () => {
    expect(bench.unet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(bench.unet.outputNames).toEqual(['out_sample']);
    const model = onnx.ModelProto.decode(readFileSync(path.join(root, 'bench', 'unet', 'model.onnx')));
    const ops = new Set(model.graph!.node!.map((n) => n.opType));
    for (const op of [
      'Conv',
      'InstanceNormalization',
      'Sigmoid',
      'Softmax',
      'MatMul',
      'Sin',
      'Cos',
      'Resize',
      'Concat',
    ])
      expect(ops.has(op), op).toBe(true);
  });

  it('gives finite predictions of about unit size that depend on the timestep and the prompt', async () => {
    const out = await predict(500);
    let sum = 0;
    let sq = 0;
    for (const v of out) {
      expect(Number.isFinite(v)).toBe(true);
      sum += v;
      sq += v * v;
    }
    const std = Math.sqrt(sq / out.length - (sum / out.length) ** 2);
    expect(std).toBeGreaterThan(0.1);
    expect(std).toBeLessThan(10);
    const other = await predict(100);
    expect(other).not.toEqual(out);
    // The two batch rows differ only in their prompt (empty and not): cross-attention reads it.
    const half = out.length / 2;
    const rowsDiffer = out.subarray(0, half).some((v, i) => Math.abs(v - out[half + i]) > 1e-4);
    expect(rowsDiffer).toBe(true);
  });
});
