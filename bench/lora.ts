// `npm run bench -- lora`: merging a LoRA into the bench model (SD-like operators, random weights),
// as a share of one 512x512, 20-step txt2img render on it. The LoRA is made here: rank 4 on every
// linear and 1x1-conv weight of the UNet and text encoder that a node name reaches.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { ensureBuiltInModels } from '../models/built-in.ts';
import type { LoraComponent, LoraModule } from '../renderer/lora/lora-keys.ts';
import { nodeTarget, patchOnnxModel } from '../renderer/lora/patch-onnx.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import { txt2img } from '../renderer/pipelines/txt2img.ts';

const { onnx } = onnxProto;
const RANK = 4;
const dir = process.env.BENCH_MODELS_DIR ?? mkdtempSync(path.join(tmpdir(), 'bench-models-'));
await ensureBuiltInModels(dir, (l) => console.log(l), ['bench']);

/**
 * The bench model's node names are opaque (`MatMul_14`), so each weighted node is given a module scope
 * first (`/layers.N/fc1/MatMul` in the text encoder): the merge then reaches every one of them.
 */
function syntheticLora(
  bytes: Uint8Array,
  component: LoraComponent,
): { model: Uint8Array; modules: LoraModule[] } {
  const decoded = onnx.ModelProto.decode(bytes);
  const graph = decoded.graph!;
  let index = 0;
  for (const n of graph.node ?? []) {
    if (n.opType === 'MatMul' || n.opType === 'Conv')
      n.name =
        component === 'unet'
          ? `/unet/mid_block/attentions.${index++}/proj_in/${n.opType}`
          : `/layers.${index++}/fc1/${n.opType}`;
  }
  const dims = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  const modules: LoraModule[] = [];
  const random = (n: number) => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * 0.01);
  for (const n of graph.node ?? []) {
    const d = dims.get(n.input?.[1] ?? '');
    if (!n.name || !d) continue;
    const target = nodeTarget(n.name, component);
    let out: number;
    let inn: number;
    if (n.opType === 'MatMul' && d.length === 2) [inn, out] = d;
    else if (n.opType === 'Conv' && d.length === 4 && d[2] === 1 && d[3] === 1) [out, inn] = d;
    else continue;
    if (!target || modules.some((m) => m.target === target)) continue;
    modules.push({
      component,
      target,
      key: target,
      down: { dtype: 'F32', shape: [RANK, inn], values: random(RANK * inn) },
      up: { dtype: 'F32', shape: [out, RANK], values: random(out * RANK) },
      scale: 0.5,
    });
  }
  return { model: onnx.ModelProto.encode(decoded).finish(), modules };
}

let patchMs = 0;
let modules = 0;
let patched = 0;
for (const component of ['unet', 'text_encoder'] as const) {
  const file = path.join(dir, 'bench', component, 'model.onnx');
  const { model: bytes, modules: lora } = syntheticLora(readFileSync(file), component);
  modules += lora.length;
  const started = performance.now();
  const result = patchOnnxModel(
    bytes,
    component,
    lora.map((module) => ({ module, weight: 0.8 })),
    file,
  );
  patchMs += performance.now() - started;
  patched += result.patched;
}

const cache = new ModelCache(dir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
const model = await cache.get('bench');
const request = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a' as const,
  seed: 1,
  count: 1,
  strength: 1,
};
await txt2img(model, { ...request, steps: 2 }); // warm up
const started = performance.now();
await txt2img(model, request);
const renderMs = performance.now() - started;
await cache.close();
console.log(`LoRA modules merged: ${patched} of ${modules} (rank ${RANK})`);
console.log(`merge (decode, patch, encode UNet + text encoder): ${patchMs.toFixed(0)} ms`);
console.log(`one render 512x512, 20 steps euler_a, cfg 7.5: ${renderMs.toFixed(0)} ms`);
console.log(`merge as a share of one render: ${((100 * patchMs) / renderMs).toFixed(1)}%`);
