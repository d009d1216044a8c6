import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { meanAbsDiff, rgbOf } from '../helpers/picture.ts';

let dir: string;
let cache: ModelCache;
const request: RenderRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: 'circle',
  width: 128,
  height: 128,
  steps: 8,
  guidance: 7.5,
  sampler: 'ddim',
  seed: 4,
  count: 1,
  strength: 1,
};

beforeAll(async () => {
  const built = await testModels();
  dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
  for (const name of ['toy', 'toy-inpaint'])
    cpSync(path.join(built, name), path.join(dir, name), { recursive: true });
  cpSync(path.join(built, 'toy'), path.join(dir, 'distilled'), { recursive: true });
  writeFileSync(
    path.join(dir, 'distilled', 'imagine.json'),
    '{"guidance": false, "inpaintModel": "toy-inpaint"}',
  );
  cpSync(path.join(built, 'toy'), path.join(dir, 'broken'), { recursive: true });
  writeFileSync(path.join(dir, 'broken', 'imagine.json'), '{"guidance": "sometimes"}');
  cache = new ModelCache(dir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
});

describe('per-model settings (imagine.json)', () => {
  it('names the inpainting model to use', () => {
    expect(cache.inpaintSibling('distilled')).toBe('toy-inpaint');
    expect(cache.inpaintSibling('toy')).toBe('toy-inpaint');
    expect(cache.inpaintSibling('toy-inpaint')).toBeUndefined();
  });

  it('runs a distilled model without the guidance batch', async () => {
    const distilled = await runPipeline(cache, 'distilled', request);
    // The same as the base model with guidance off: the negative prompt plays no part.
    const unguided = await runPipeline(cache, 'toy', { ...request, guidance: 1 });
    const guided = await runPipeline(cache, 'toy', request);
    const [d, u, g] = await Promise.all([distilled, unguided, guided].map((r) => rgbOf(r.images[0].png)));
    expect(meanAbsDiff(d, u)).toBe(0);
    expect(meanAbsDiff(d, g)).toBeGreaterThan(0);
    expect(distilled.timings.sessionRuns).toBe(10);
  });

  it('says what is wrong with a bad settings file', async () => {
    await expect(cache.get('broken')).rejects.toThrow('imagine.json: "guidance" must be true or false');
  });
});
