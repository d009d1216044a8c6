// The lcm sampler guides like diffusers' StableDiffusionPipeline with LCMScheduler: classifier-free
// guidance whenever cfg > 1, except on a distilled model (an LCM pipeline in model_index.json, or
// imagine.json saying so). Rendered on the tiny diffusers-built model of ../shared/fidelity.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { meanAbsDiff, rgbOf } from '../helpers/picture.ts';

const tiny = fileURLToPath(new URL('../../../shared/fidelity/models/tiny/', import.meta.url));

describe('lcm and classifier-free guidance', () => {
  if (!existsSync(tiny)) {
    it.skip(`fidelity models absent (${tiny}), nothing to render`, () => {});
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lcm-guidance-'));
  let cache: ModelCache;
  beforeAll(() => {
    cpSync(tiny, path.join(dir, 'plain'), { recursive: true });
    cpSync(tiny, path.join(dir, 'marked'), { recursive: true });
    writeFileSync(path.join(dir, 'marked', 'imagine.json'), '{"guidance": false}');
    cpSync(tiny, path.join(dir, 'lcm-pipeline'), { recursive: true });
    const indexFile = path.join(dir, 'lcm-pipeline', 'model_index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8'));
    writeFileSync(indexFile, JSON.stringify({ ...index, _class_name: 'LatentConsistencyModelPipeline' }));
    cache = new ModelCache(dir, { providers: ['cpu'], threads: 1, graphOptimization: 'all' }, 2 ** 30);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const request: RenderRequest = {
    prompt: 'a photograph of an astronaut riding a horse',
    negativePrompt: '',
    width: 128,
    height: 128,
    steps: 4,
    guidance: 1,
    sampler: 'lcm',
    seed: 3,
    count: 1,
    strength: 1,
  };
  const render = async (model: string, guidance: number) =>
    rgbOf((await runPipeline(cache, model, { ...request, guidance })).images[0].png);

  it('guides at cfg 1.5 on an ordinary model: another picture than unguided cfg 1, and cfg 1.5 differs from 2', async () => {
    const [unguided, guided, stronger] = await Promise.all([
      render('plain', 1),
      render('plain', 1.5),
      render('plain', 2),
    ]);
    // Random weights make guidance a small change here, but without the guidance batch it is exactly none.
    expect(meanAbsDiff(unguided, guided)).toBeGreaterThan(0.02);
    expect(meanAbsDiff(guided, stronger)).toBeGreaterThan(0.02);
  });

  it('does not guide a distilled model, marked in imagine.json or an LCM pipeline: cfg 2 is cfg 1', async () => {
    const [unguided, marked, pipeline] = await Promise.all([
      render('plain', 1),
      render('marked', 2),
      render('lcm-pipeline', 2),
    ]);
    expect(meanAbsDiff(unguided, marked)).toBe(0);
    expect(meanAbsDiff(unguided, pipeline)).toBe(0);
  });
});
