// The samplers of issue L on the tiny diffusers-built model (real UNet operators): the deterministic
// ones agree with a fine Heun run, the stochastic ones draw from the job's seed, and progress counts
// model calls, so a Heun or DPM2 step shows as it runs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sampler } from '../../core/job/limits.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderProgress, RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { meanAbsDiff, type Rgb, rgbOf } from '../helpers/picture.ts';

const tiny = fileURLToPath(new URL('../../../shared/fidelity/models/tiny/', import.meta.url));

describe('the newer samplers in a real pipeline', () => {
  if (!existsSync(tiny)) {
    it.skip(`fidelity models absent (${tiny}), nothing to render`, () => {});
    return;
  }
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'new-samplers-'));
  let cache: ModelCache;
  let fine: Rgb;
  const request: RenderRequest = {
    prompt: 'a photograph of an astronaut riding a horse',
    negativePrompt: '',
    width: 128,
    height: 128,
    steps: 20,
    guidance: 7.5,
    sampler: 'heun',
    seed: 42,
    count: 1,
    strength: 1,
  };
  const render = async (sampler: Sampler, extra: Partial<RenderRequest> = {}) =>
    rgbOf((await runPipeline(cache, tiny, { ...request, sampler, ...extra })).images[0].png);
  beforeAll(async () => {
    cache = new ModelCache(modelsDir, { providers: ['cpu'], threads: 1, graphOptimization: 'all' }, 2 ** 30);
    // The ODE's solution, near enough: Heun with many steps.
    fine = await render('heun', { steps: 60 });
  });
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

  const deterministic: Sampler[] = [
    'unipc',
    'heun',
    'heun_karras',
    'dpm2',
    'dpm2_karras',
    'deis',
    'dpmpp_2s',
  ];
  for (const sampler of deterministic) {
    it(`${sampler} at 20 steps lands on the same picture as Heun at 60 (mean abs < 0.5)`, async () => {
      expect(meanAbsDiff(await render(sampler), fine)).toBeLessThan(0.5);
    });
  }

  for (const sampler of ['dpm2_a', 'dpmpp_2m_sde', 'dpmpp_3m_sde_karras'] as Sampler[]) {
    it(`${sampler} draws from the seed: the same seed repeats, another seed gives another picture`, async () => {
      const [a, b, c] = await Promise.all([render(sampler), render(sampler), render(sampler, { seed: 43 })]);
      expect(meanAbsDiff(a, b)).toBe(0);
      expect(meanAbsDiff(a, c)).toBeGreaterThan(1);
    });
  }

  it('counts model calls in its progress: 10 Heun steps are 19 calls, reported one by one', async () => {
    const seen: RenderProgress[] = [];
    const result = await runPipeline(
      cache,
      tiny,
      { ...request, steps: 10 },
      { onProgress: (p) => seen.push(p) },
    );
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([19]));
    // The UNet runs once per call (guidance halves in one batch), plus the text encoder and the VAE.
    expect(result.timings.sessionRuns).toBe(19 + 2);
  });
});
