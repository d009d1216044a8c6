// The LoRA merge into ONNX initializers: the targets listed in ../shared/fidelity-lora/onnx-targets.json
// and nothing else change, by weight * alpha / rank * up @ down in the node's layout; a shared
// initializer is copied, never changed for its other readers; unmatched keys are reported.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx-graph/graph-builder.ts';
import { type LoraModule, loraModules } from '../../../renderer/lora/lora-keys.ts';
import { patchOnnxModel } from '../../../renderer/lora/patch-onnx.ts';
import { readSafeTensors } from '../../../renderer/lora/safetensors.ts';

const { onnx } = onnxProto;
const loraDir = fileURLToPath(new URL('../../../../shared/fidelity-lora/', import.meta.url));
const tinyDir = fileURLToPath(new URL('../../../../shared/fidelity/models/tiny/', import.meta.url));

function floats(t: onnxProto.onnx.ITensorProto): Float32Array {
  return new Float32Array(new Uint8Array(t.rawData!).buffer);
}

function initializers(bytes: Uint8Array): Map<string, Float32Array> {
  const graph = onnx.ModelProto.decode(bytes).graph!;
  return new Map((graph.initializer ?? []).filter((t) => t.dataType === 1).map((t) => [t.name!, floats(t)]));
}

const sharedPresent = existsSync(loraDir) && existsSync(tinyDir);

describe.skipIf(!sharedPresent)('LoRA merge into the tiny model', () => {
  // Read only where the shared folders are: a skipped suite's body still runs when tests are collected.
  if (!sharedPresent) return;
  const targets = JSON.parse(readFileSync(path.join(loraDir, 'onnx-targets.json'), 'utf8')).targets as Record<
    string,
    { component: 'unet' | 'text_encoder'; initializer: string; op: 'MatMul' | 'Conv'; shape: number[] }
  >;

  for (const component of ['unet', 'text_encoder'] as const) {
    it(`${component}: changes exactly the listed initializers, by 0.6 * 0.5 * up @ down in their layout`, async () => {
      const { modules } = loraModules(
        await readSafeTensors(path.join(loraDir, 'loras', 'tiny-lora.safetensors')),
      );
      const file = path.join(tinyDir, component, 'model.onnx');
      const before = readFileSync(file);
      const result = patchOnnxModel(
        before,
        component,
        modules.map((module) => ({ module, weight: 0.6 })),
        file,
      );
      expect(result.unmatched).toEqual([]);
      expect(result.patched).toBe(component === 'unet' ? 72 : 12);
      const old = initializers(before);
      const now = initializers(result.model);
      const listed = Object.entries(targets).filter(([, t]) => t.component === component);
      const changed = [...now.keys()].filter(
        (name) => !old.get(name)?.every((v, i) => v === now.get(name)![i]),
      );
      expect(changed.sort()).toEqual(listed.map(([, t]) => t.initializer).sort());
      // One module checked value by value: the first one, in its layout.
      const [key, target] = listed[0];
      const m = modules.find((x) => x.key === key)!;
      const rank = m.down.shape[0];
      const out = m.up.shape[0];
      const inn = m.down.values.length / rank;
      let worst = 0;
      for (let o = 0; o < out; o++)
        for (let i = 0; i < inn; i++) {
          let d = 0;
          for (let r = 0; r < rank; r++) d += m.up.values[o * rank + r] * m.down.values[r * inn + i];
          const at = target.op === 'MatMul' ? i * out + o : o * inn + i;
          worst = Math.max(
            worst,
            Math.abs(now.get(target.initializer)![at] - old.get(target.initializer)![at] - 0.3 * d),
          );
        }
      expect(worst).toBeLessThan(1e-5);
    });
  }
});

describe('LoRA merge into a graph whose weight feeds two nodes', () => {
  function sharedWeightModel(): Uint8Array {
    const g = new GraphBuilder('shared');
    const x = g.input('x', 'float32', [1, 2]);
    const w = {
      name: 'onnx::MatMul_1',
      type: 'float32' as const,
      dims: [2, 2],
      bytes: Buffer.from(Float32Array.from([1, 0, 0, 1]).buffer),
    };
    g.initializers.push(w);
    g.nodes.push({ name: '/layers.0/q_proj/MatMul', opType: 'MatMul', input: [x, w.name], output: ['a'] });
    g.nodes.push({ name: '/layers.0/k_proj/MatMul', opType: 'MatMul', input: [x, w.name], output: ['b'] });
    g.outputs.push({ name: 'a' }, { name: 'b' });
    return onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ version: 17 }],
      graph: {
        name: 'shared',
        node: g.nodes,
        input: g.inputs,
        output: g.outputs,
        initializer: g.initializers.map((t) => ({
          name: t.name,
          dataType: 1,
          dims: t.dims,
          rawData: t.bytes,
        })),
      },
    }).finish();
  }
  const module = (key: string, target: string): LoraModule => ({
    component: 'text_encoder',
    key,
    target,
    down: { dtype: 'F32', shape: [1, 2], values: Float32Array.from([1, 0]) },
    up: { dtype: 'F32', shape: [2, 1], values: Float32Array.from([0, 2]) },
    scale: 1,
  });

  it('patches a copy for the LoRA target and leaves the other reader on the original', () => {
    const result = patchOnnxModel(
      sharedWeightModel(),
      'text_encoder',
      [
        { module: module('lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'te:0:q_proj'), weight: 1 },
        { module: module('lora_te_text_model_encoder_layers_7_mlp_fc1', 'te:7:fc1'), weight: 1 },
      ],
      'shared.onnx',
    );
    expect(result.patched).toBe(1);
    expect(result.unmatched).toEqual(['lora_te_text_model_encoder_layers_7_mlp_fc1']);
    const graph = onnx.ModelProto.decode(result.model).graph!;
    const byName = new Map(graph.initializer!.map((t) => [t.name!, [...floats(t)]]));
    const q = graph.node!.find((n) => n.name === '/layers.0/q_proj/MatMul')!;
    const k = graph.node!.find((n) => n.name === '/layers.0/k_proj/MatMul')!;
    expect(k.input![1]).toBe('onnx::MatMul_1');
    expect(byName.get('onnx::MatMul_1')).toEqual([1, 0, 0, 1]);
    expect(q.input![1]).not.toBe('onnx::MatMul_1');
    // delta = up @ down = [[0, 0], [2, 0]] (out x in); stored transposed: [in, out].
    expect(byName.get(q.input![1])).toEqual([1, 2, 0, 1]);
  });
});
