// `npm run bench -- toy-render`: the built-in toy model at 512x512, 20 steps, euler_a, guidance 7.5,
// median of BENCH_N runs (default 5) after a warm-up. With BENCH_BASELINE_DIR (a models folder whose
// `toy` was built by another builder version) the two models run alternately, so a busy machine
// slows both alike, and the last line is the ratio of their medians (goal <= 1.5).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuiltInModels } from '../models/built-in.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import type { RenderRequest } from '../renderer/pipelines/render-request.ts';
import { txt2img } from '../renderer/pipelines/txt2img.ts';
import { percentile } from './stats.ts';

const runs = Number(process.env.BENCH_N ?? 5);
const dir = process.env.BENCH_MODELS_DIR ?? mkdtempSync(path.join(tmpdir(), 'bench-toy-'));
const built = performance.now();
await ensureBuiltInModels(dir, (l) => console.log(l));
console.log(`built-in models ready in ${((performance.now() - built) / 1000).toFixed(2)} s`);
const settings = { providers: ['cpu'] as const, threads: 0, graphOptimization: 'all' as const };
const current = await new ModelCache(dir, { ...settings, providers: ['cpu'] }, 2 ** 31).get('toy');
const baselineDir = process.env.BENCH_BASELINE_DIR;
const baseline = baselineDir
  ? await new ModelCache(baselineDir, { ...settings, providers: ['cpu'] }, 2 ** 31).get('toy')
  : undefined;

const request: RenderRequest = {
  prompt: 'a red circle on the left and a yellow square on the right, grass',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  count: 1,
  strength: 1,
};
const models = baseline ? { current, baseline } : { current };
const times: Record<string, number[]> = { current: [], baseline: [] };
for (const model of Object.values(models)) await txt2img(model, { ...request, steps: 2 }); // warm up
for (let i = 0; i < runs; i++) {
  for (const [name, model] of Object.entries(models)) {
    const t0 = performance.now();
    await txt2img(model, request);
    times[name].push(performance.now() - t0);
  }
}
const median = (name: string) => percentile(times[name], 50);
console.log(
  `toy (this builder): median ${median('current').toFixed(1)} ms of ${runs} renders at 512x512, 20 steps`,
);
if (baseline) {
  console.log(`toy (baseline ${baselineDir}): median ${median('baseline').toFixed(1)} ms`);
  console.log(`this / baseline = ${(median('current') / median('baseline')).toFixed(3)} (goal <= 1.5)`);
}
await current.release();
await baseline?.release();
