// `npm run bench -- sdxl`: time per txt2img picture of the tiny SDXL model (../shared/fidelity-xl) at
// SDXL's natural 1024x1024 against the tiny SD 1.5 model (../shared/fidelity) at its natural 512x512,
// euler, guidance 5, BENCH_STEPS steps (default 20), median of BENCH_N runs (default 3) after a
// warm-up; the two models run alternately, so a busy machine slows both alike.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelCache } from '../renderer/model/model-cache.ts';
import type { RenderRequest } from '../renderer/pipelines/render-request.ts';
import { txt2img } from '../renderer/pipelines/txt2img.ts';
import { percentile } from './stats.ts';

const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
const folders = {
  sdxl: { dir: path.join(shared, 'fidelity-xl', 'models', 'tiny-xl'), size: 1024 },
  sd15: { dir: path.join(shared, 'fidelity', 'models', 'tiny'), size: 512 },
};
for (const { dir } of Object.values(folders)) {
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: this benchmark needs the shared fidelity models`);
    process.exit(2);
  }
}
const runs = Number(process.env.BENCH_N ?? 3);
const steps = Number(process.env.BENCH_STEPS ?? 20);
const settings = { providers: ['cpu'] as const, threads: 0, graphOptimization: 'all' as const };
const open = (dir: string) =>
  new ModelCache(path.dirname(dir), { ...settings, providers: ['cpu'] }, 2 ** 31).get(path.basename(dir));
const models = { sdxl: await open(folders.sdxl.dir), sd15: await open(folders.sd15.dir) };

const request = (size: number): RenderRequest => ({
  prompt: 'a photograph of an astronaut riding a horse',
  negativePrompt: 'blurry',
  width: size,
  height: size,
  steps,
  guidance: 5,
  sampler: 'euler',
  seed: 1,
  count: 1,
  strength: 1,
});
const times: Record<string, number[]> = { sdxl: [], sd15: [] };
const sessionMs: Record<string, number[]> = { sdxl: [], sd15: [] };
for (const [name, model] of Object.entries(models)) {
  await txt2img(model, { ...request(folders[name as keyof typeof folders].size), steps: 1 }); // warm up
}
for (let i = 0; i < runs; i++) {
  for (const [name, model] of Object.entries(models)) {
    const t0 = performance.now();
    const result = await txt2img(model, request(folders[name as keyof typeof folders].size));
    times[name].push(performance.now() - t0);
    sessionMs[name].push(result.timings.sessionRunMs);
  }
}
for (const name of ['sd15', 'sdxl'] as const) {
  const { size } = folders[name];
  console.log(
    `${name} tiny at ${size}x${size}, ${steps} steps: median ${percentile(times[name], 50).toFixed(0)} ms per picture (${percentile(sessionMs[name], 50).toFixed(0)} ms in session.run) of ${runs}`,
  );
}
console.log(
  `sdxl / sd15 per picture = ${(percentile(times.sdxl, 50) / percentile(times.sd15, 50)).toFixed(2)}`,
);
await models.sdxl.release();
await models.sd15.release();
