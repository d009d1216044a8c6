// Our ONNX graph builder: what it writes loads in onnxruntime-node and computes what the graph says,
// with every initializer type, symbolic input dimensions, and weights in an external data file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx-graph/graph-builder.ts';
import { writeModel } from '../../models/onnx-graph/write-model.ts';
import { float32ToFloat16 } from '../../renderer/onnx/float16.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'onnx-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** y[b, j] = sum_i x[b, i] * W[i, j] + bias16[j], then columns picked by int32 indices, then reshaped by int64. */
function smallGraph(): GraphBuilder {
  const g = new GraphBuilder('small');
  const x = g.input('x', 'float32', ['batch', 3]);
  const weight = g.constant('float32', [3, 4], [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1], 'weight');
  const bias16 = 'bias16';
  g.initializers.push({
    name: bias16,
    type: 'float16',
    dims: [4],
    bytes: Buffer.from(float32ToFloat16(Float32Array.of(0.5, -1, 2, 0)).buffer),
  });
  const y = g.node('Add', [g.node('MatMul', [x, weight]), g.node('Cast', [bias16], { to: 1 })]);
  const picked = g.node('Gather', [y, g.constant('int32', [2], [3, 0])], { axis: 1 });
  const flat = g.node('Reshape', [picked, g.ints([-1])]);
  g.output(flat, 'y', 'float32', ['flat']);
  g.output(g.node('Mul', [x, g.scalar(2)]), 'doubled', 'float32', ['batch', 3]);
  return g;
}

async function run(file: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const x = new ort.Tensor('float32', Float32Array.of(1, 2, 3, 10, 20, 30), [2, 3]);
  return (await session.run({ x })).y.data as Float32Array;
}

describe('ONNX graph builder', () => {
  it('writes a model that loads, declares symbolic dimensions, and computes the graph', async () => {
    const file = path.join(dir, 'small.onnx');
    writeModel(smallGraph(), file);
    const session = await ort.InferenceSession.create(file);
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', type: 'float32', shape: ['batch', 3] });
    expect(session.outputNames).toEqual(['y', 'doubled']);
    // xW = [x0, x1, x2, x0 + x1 + x2], plus the bias [0.5, -1, 2, 0], columns 3 and 0 of each row.
    expect(Array.from(await run(file))).toEqual([6, 1.5, 60, 10.5]);
    const doubled = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3), [1, 3]) });
    expect(Array.from(doubled.doubled.data as Float32Array)).toEqual([2, 4, 6]);
  });

  it('moves large float initializers to an external file and gives the same numbers', async () => {
    const sub = path.join(dir, 'external');
    mkdirSync(sub, { recursive: true });
    const file = path.join(sub, 'model.onnx');
    writeModel(smallGraph(), file, { externalOver: 8, externalFile: 'weights.pb' });
    // weight (48 bytes) and the float16 bias (8 bytes) go out; the int32/int64 constants stay inline.
    expect(statSync(path.join(sub, 'weights.pb')).size).toBe(48 + 8);
    expect(readFileSync(file).includes(Buffer.from('weights.pb'))).toBe(true);
    expect(Array.from(await run(file))).toEqual([6, 1.5, 60, 10.5]);
  });

  it('writes the same bytes for the same graph', () => {
    writeModel(smallGraph(), path.join(dir, 'a.onnx'));
    writeModel(smallGraph(), path.join(dir, 'b.onnx'));
    expect(readFileSync(path.join(dir, 'a.onnx')).equals(readFileSync(path.join(dir, 'b.onnx')))).toBe(true);
  });
});
