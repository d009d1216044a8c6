// A Turbo-like model folder (trailing timestep spacing, imagine.json: 1 step, CFG 0, euler_a) renders a
// job that names none of those with them: one UNet call per step, on one picture's latents (no
// negative branch), at diffusers' trailing timesteps; a typed --steps or --cfg wins.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrompt } from '../../core/flags/parse.ts';
import { createJob } from '../../core/job/job.ts';
import { DEFAULT_LIMITS } from '../../core/job/limits.ts';
import { withModelDefaults } from '../../core/job/model-defaults.ts';
import { readPngText } from '../../renderer/image/png-text.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import { readModelDefaults } from '../../renderer/model/model-defaults-file.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { parsePythonJson } from '../../renderer/refcheck/python-json.ts';
import { defaultsModels, TINY_XL_PRESENT, TURBO_SETTINGS } from '../helpers/defaults-models.ts';

const referenceFile = fileURLToPath(new URL('../../../shared/reference/schedulers.json', import.meta.url));

let modelsDir: string;
let cache: ModelCache;
/** Every UNet call of toy-turbo: the batch of its latents and the timestep it was given. */
const unetCalls: { batch: number; timestep: number }[] = [];

beforeAll(async () => {
  if (!TINY_XL_PRESENT) return;
  modelsDir = await defaultsModels();
  cache = new ModelCache(modelsDir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
  // Record each call on its way to the real session (the render itself is untouched).
  const model = await cache.get('toy-turbo');
  const session = model.sessions.find((s) => s.file.includes(`${path.sep}unet${path.sep}`));
  if (!session) throw new Error('toy-turbo has no UNet session');
  const run = session.run.bind(session);
  session.run = async (feeds: Record<string, ort.Tensor>) => {
    unetCalls.push({ batch: feeds.sample.dims[0], timestep: Number(feeds.timestep.data[0]) });
    return run(feeds);
  };
}, 120_000);

/** Renders the prompt as the render component does: the job, then the model's defaults. */
async function render(text: string) {
  const parsed = parsePrompt(text);
  const job = createJob(
    {
      kind: 'imagine',
      owner: 'key:test',
      origin: { surface: 'http' },
      params: { prompt: parsed.prompt, ...parsed.params, model: 'toy-turbo', seed: 5 },
    },
    { randomSeed: () => 5 },
  );
  const drawn = withModelDefaults(job, readModelDefaults(path.join(modelsDir, 'toy-turbo')), DEFAULT_LIMITS);
  unetCalls.length = 0;
  const p = drawn.params;
  const result = await runPipeline(cache, 'toy-turbo', {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    // Small pictures: the size is not what this test is about.
    width: 128,
    height: 128,
    steps: p.steps,
    guidance: p.guidance,
    sampler: p.sampler,
    seed: p.seed,
    count: p.count,
    strength: 1,
  });
  return { params: p, result, calls: [...unetCalls], infotext: readPngText(result.images[0].png).parameters };
}

describe.skipIf(!TINY_XL_PRESENT)('a Turbo-like model runs with its own defaults', () => {
  it('reads the defaults of its folder', () => {
    expect(readModelDefaults(path.join(modelsDir, 'toy-turbo'))).toEqual({
      family: 'toy',
      width: 512,
      height: 512,
      ...TURBO_SETTINGS,
    });
  });

  it('a job with no flags: 1 step of euler_a at CFG 0, one UNet call without the guidance batch, at the trailing timestep', async () => {
    const { params, result, calls, infotext } = await render('a red circle on a blue sky');
    expect([params.steps, params.guidance, params.sampler]).toEqual([1, 0, 'euler_a']);
    expect(calls).toHaveLength(1);
    expect(calls[0].batch).toBe(1);
    // diffusers' EulerDiscreteScheduler with timestep_spacing "trailing" at 1 step (../shared/reference).
    const reference = (
      parsePythonJson(readFileSync(referenceFile, 'utf8')) as { name: string; timesteps: number[] }[]
    ).find((c) => c.name === 'euler-trailing-1');
    expect(calls.map((c) => c.timestep)).toEqual(reference?.timesteps);
    // Text encoder, one UNet call, VAE decoder.
    expect(result.timings.sessionRuns).toBe(3);
    expect(infotext).toContain('Steps: 1, Sampler: Euler a, CFG scale: 0,');
  });

  it('typed flags win: --steps 2 runs two trailing steps, --cfg 5 brings the guidance batch back', async () => {
    const two = await render('a red circle on a blue sky --steps 2');
    // Trailing spacing: 1000 / 2 apart, counted down from the last training step.
    expect(two.calls).toEqual([
      { batch: 1, timestep: 999 },
      { batch: 1, timestep: 499 },
    ]);
    expect(two.infotext).toContain('Steps: 2, Sampler: Euler a, CFG scale: 0,');
    const guided = await render('a red circle on a blue sky --cfg 5 --sampler euler');
    expect(guided.calls).toEqual([{ batch: 2, timestep: 999 }]);
    expect(guided.infotext).toContain('Steps: 1, Sampler: Euler, CFG scale: 5,');
  });
});
