// `npm run bench -- batching`: images per second of 4 compatible txt2img jobs (same size, steps,
// sampler and guidance; their own prompts and seeds) rendered as one batch across jobs, against the
// same 4 rendered one by one, on the bench model at 512x512, 20 steps, euler_a, guidance on. Both go
// through a real render thread; rounds alternate so that a change of machine load hits both alike.
// BENCH_SIZE (256, 384, 512...), BENCH_STEPS and BENCH_ROUNDS change the run; ORT_PROVIDERS=cuda runs
// it on a GPU.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { parseConfig } from '../core/config/config.ts';
import { ensureBuiltInModels } from '../models/built-in.ts';
import type { RenderRequest, RenderResult } from '../renderer/pipelines/render-request.ts';
import { RenderHost } from '../renderer/thread/render-host.ts';

const JOBS = 4;
const size = Number(process.env.BENCH_SIZE ?? 512);
const steps = Number(process.env.BENCH_STEPS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const { providers } = parseConfig({ ORT_PROVIDERS: process.env.ORT_PROVIDERS }).onnx;

const dir = process.env.BENCH_MODELS_DIR ?? mkdtempSync(path.join(tmpdir(), 'bench-models-'));
await ensureBuiltInModels(dir, (l) => console.log(l), ['bench']);

let sharedCalls = 0;
const host = (maxJobs: number) =>
  new RenderHost({
    modelsDir: dir,
    session: {
      providers,
      threads: 0,
      graphOptimization: 'all',
      log: (line) => {
        if (line.startsWith('debug: batch UNet call')) sharedCalls++;
      },
    },
    memoryBudgetBytes: 2 ** 31,
    batch: { maxJobs, gatherMs: 50 },
  });
const oneByOne = host(1);
const batched = host(JOBS);

const prompts = ['a red circle on a blue sky', 'a green field', 'a yellow cat on a sofa', 'the sea at night'];
const request = (i: number): RenderRequest => ({
  prompt: prompts[i],
  negativePrompt: '',
  width: size,
  height: size,
  steps,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1000 + i,
  count: 1,
  strength: 1,
});

// Warm up both threads: load the model, let the first runs allocate (a batch of 4 allocates more).
await oneByOne.render('bench', { ...request(0), steps: 2 });
await Promise.all([0, 1, 2, 3].map((i) => batched.render('bench', { ...request(i), steps: 2 })));

let soloMs = 0;
let batchMs = 0;
let solo: RenderResult[] = [];
let together: RenderResult[] = [];
for (let round = 1; round <= rounds; round++) {
  let t0 = performance.now();
  solo = [];
  for (let i = 0; i < JOBS; i++) solo.push(await oneByOne.render('bench', request(i)));
  const soloRound = performance.now() - t0;
  t0 = performance.now();
  const callsBefore = sharedCalls;
  together = await Promise.all([0, 1, 2, 3].map((i) => batched.render('bench', request(i))));
  const batchRound = performance.now() - t0;
  soloMs += soloRound;
  batchMs += batchRound;
  console.log(
    `round ${round}: one by one ${soloRound.toFixed(0)} ms, batched ${batchRound.toFixed(0)} ms (${sharedCalls - callsBefore} shared UNet calls of ${JOBS * 2} rows for ${steps} steps)`,
  );
}

// The batch must draw what the jobs draw alone, or the comparison means nothing.
let maxDiff = 0;
for (let i = 0; i < JOBS; i++) {
  const a = await sharp(solo[i].images[0].png).raw().toBuffer();
  const b = await sharp(together[i].images[0].png).raw().toBuffer();
  for (let k = 0; k < a.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
}
await oneByOne.close();
await batched.close();

const soloRate = (JOBS * rounds) / (soloMs / 1000);
const batchRate = (JOBS * rounds) / (batchMs / 1000);
console.log(
  `${JOBS} jobs at ${size}x${size}, ${steps} steps, euler_a, guidance 7.5 on the bench model (${providers.join(', ')}), ${rounds} rounds`,
);
console.log(`largest pixel difference batched vs alone: ${maxDiff}/255`);
console.log(`one by one: ${soloRate.toFixed(3)} images/s; batched: ${batchRate.toFixed(3)} images/s`);
console.log(`batched / one by one = ${(batchRate / soloRate).toFixed(3)} (images per second)`);
