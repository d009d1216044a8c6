// `npm run bench -- render-overhead`: the bench model (SD-like operators, random weights) at 512x512,
// 20 steps, guidance on, BENCH_N renders (default 5) after a warm-up. Prints each render's wall time
// over its sum of session.run times, the scheduler + guidance time per step as a share of a UNet
// call (goal < 1%), and last the median ratio (goal <= 1.03).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuiltInModels } from '../models/built-in.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import type { RenderRequest, RenderResult } from '../renderer/pipelines/render-request.ts';
import { applyGuidance } from '../renderer/pipelines/stages/denoise.ts';
import { txt2img } from '../renderer/pipelines/txt2img.ts';
import { TorchGenerator } from '../renderer/rng/torch-generator.ts';
import { schedulerForSampler } from '../renderer/schedulers/registry.ts';
import { percentile } from './stats.ts';

const dir = process.env.BENCH_MODELS_DIR ?? mkdtempSync(path.join(tmpdir(), 'bench-models-'));
await ensureBuiltInModels(dir, (l) => console.log(l), ['bench']);
const cache = new ModelCache(dir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
const model = await cache.get('bench');
const sampler = (process.env.BENCH_SAMPLER ?? 'euler_a') as RenderRequest['sampler'];
const request: RenderRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 20,
  guidance: 7.5,
  sampler,
  seed: 1,
  count: 1,
  strength: 1,
};
const unetSession = model.sessions.find((s) => s.file.includes(`${path.sep}unet${path.sep}`))!;

const runs = Number(process.env.BENCH_N ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_N must be a whole number >= 1, got ${runs}`);
// Warm up with a whole render: first runs allocate, and the noise thread starts during it.
await txt2img(model, request);
const unetBefore = { ...unetSession.own };
const renders: RenderResult['timings'][] = [];
for (let i = 0; i < runs; i++) renders.push((await txt2img(model, request)).timings);
const unetMs = (unetSession.own.runMs - unetBefore.runMs) / (unetSession.own.runs - unetBefore.runs);
const ratios = renders.map((t) => t.totalMs / t.sessionRunMs);
const median = renders[ratios.indexOf(percentile(ratios, 50))];

// Scheduler step + guidance mix alone, on the same latent size, with the same sampler, as the render
// loop runs them on this thread: the noise a step draws comes ready-made, as the noise thread serves
// it (bench/scheduler-step times the step with its draw).
const scheduler = schedulerForSampler(sampler, model.schedulerConfig);
const rng = new TorchGenerator(1);
const perStep: number[] = [];
for (let run = 0; run < 5; run++) {
  scheduler.setTimesteps(request.steps);
  let x = rng.randn([1, 4, 64, 64]);
  for (const t of scheduler.timesteps) {
    const u = rng.randn(x.length);
    const c = rng.randn(x.length);
    const drawn = rng.randn(x.length);
    const served = { randn: () => drawn.slice() };
    const t0 = performance.now();
    scheduler.scaleModelInput(x, t);
    const eps = applyGuidance(u, c, request.guidance);
    x = scheduler.step(eps, t, x, served);
    perStep.push(performance.now() - t0);
  }
}
const stepMs = percentile(perStep, 50);
await cache.close();

console.log(`wall / session.run of each render: ${ratios.map((r) => r.toFixed(3)).join(' ')}`);
console.log(
  `median render: wall time ${median.totalMs.toFixed(1)} ms for ${request.steps} steps at 512x512 (${sampler}, guidance batch of 2), ` +
    `sum of session.run ${median.sessionRunMs.toFixed(1)} ms in ${median.sessionRuns} calls; UNet ${unetMs.toFixed(1)} ms per call`,
);
console.log(
  `scheduler + guidance: ${(stepMs * 1000).toFixed(0)} us per step = ${((100 * stepMs) / unetMs).toFixed(3)}% of a UNet call (goal < 1%)`,
);
console.log(`wall / session.run = ${(median.totalMs / median.sessionRunMs).toFixed(3)}`);
