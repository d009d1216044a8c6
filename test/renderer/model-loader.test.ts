import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel } from '../../models/toy-model/build-toy-model.ts';
import type { ModelVariant } from '../../models/toy-model/variant.ts';
import { loadModelFolder } from '../../renderer/model/load-model-folder.ts';
import type { LoadedModel } from '../../renderer/model/loaded-model.ts';
import { img2img } from '../../renderer/pipelines/img2img.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { txt2img } from '../../renderer/pipelines/txt2img.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { meanAbsDiff, rgbOf } from '../helpers/picture.ts';

const settings = { providers: ['cpu'] as const, threads: 0, graphOptimization: 'all' as const };
const request: RenderRequest = {
  prompt: 'a green square on the snow',
  negativePrompt: '',
  width: 128,
  height: 128,
  steps: 10,
  guidance: 7.5,
  sampler: 'ddim',
  seed: 3,
  count: 2,
  strength: 1,
};

let dir: string;
let reference: LoadedModel;
let referencePngs: Buffer[];
const opened: LoadedModel[] = [];

async function variant(name: string, v: Partial<ModelVariant>): Promise<LoadedModel> {
  const folder = path.join(dir, name);
  buildToyModel(folder, { variant: v });
  const model = await loadModelFolder(folder, { ...settings, providers: ['cpu'] }, 'toy');
  opened.push(model);
  return model;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'variants-'));
  reference = await loadModelFolder(path.join(await testModels(), 'toy'), {
    ...settings,
    providers: ['cpu'],
  });
  opened.push(reference);
  referencePngs = (await txt2img(reference, request)).images.map((i) => i.png);
});
afterAll(async () => {
  for (const m of opened) await m.release();
  rmSync(dir, { recursive: true, force: true });
});

async function sameAsReference(model: LoadedModel, tolerance = 0): Promise<void> {
  const result = await txt2img(model, request);
  for (let i = 0; i < 2; i++) {
    const [a, b] = await Promise.all([rgbOf(referencePngs[i]), rgbOf(result.images[i].png)]);
    expect(meanAbsDiff(a, b)).toBeLessThanOrEqual(tolerance);
  }
}

describe('model folder loader', () => {
  it('adapts to an int64 timestep given per batch row', async () => {
    const model = await variant('int64-batch', { timestepType: 'int64', timestepShape: 'batch' });
    expect(model.unet).toBeDefined();
    await sameAsReference(model);
  });

  it('adapts to a float32 scalar timestep and int64 input ids', async () => {
    await sameAsReference(
      await variant('scalar-int64ids', { timestepShape: 'scalar', inputIdsType: 'int64' }),
    );
  });

  it('reads weights from an external data file', async () => {
    await sameAsReference(await variant('external', { externalWeights: true }));
  });

  it('converts at the boundary of a float16 model', async () => {
    await sameAsReference(await variant('fp16', { float16: true }), 1.5);
  });

  it('uses the mean of a VAE encoder that outputs latent_parameters', async () => {
    const model = await variant('moments', { vaeEncoderOutput: 'latent_parameters' });
    const input = referencePngs[0];
    const a = await img2img(reference, { ...request, count: 1, image: input, strength: 0.5 });
    const b = await img2img(model, { ...request, count: 1, image: input, strength: 0.5 });
    const [pa, pb] = await Promise.all([rgbOf(a.images[0].png), rgbOf(b.images[0].png)]);
    // The pipeline draws mean + exp(logvar / 2) * noise, as diffusers does: with logvar -20 that moves
    // a latent by ~5e-5, which may tip a pixel by one level; taking the log-variance as a latent
    // channel, or sampling at unit variance, would change the picture everywhere.
    expect(meanAbsDiff(pa, pb)).toBeLessThan(1e-4);
  });

  it('names the missing file and what was expected there', async () => {
    const folder = path.join(dir, 'broken');
    cpSync(path.join(await testModels(), 'toy'), folder, { recursive: true });
    rmSync(path.join(folder, 'unet', 'model.onnx'));
    await expect(loadModelFolder(folder, { ...settings, providers: ['cpu'] })).rejects.toThrow(
      `${path.join(folder, 'unet', 'model.onnx')}: is missing; expected the unet ONNX model`,
    );
    rmSync(path.join(folder, 'scheduler'), { recursive: true });
    await expect(loadModelFolder(folder, { ...settings, providers: ['cpu'] })).rejects.toThrow(
      "scheduler_config.json: is missing; expected the scheduler's config (scheduler_config.json)",
    );
  });

  it('falls back to the CPU, saying so once, when the GPU provider is not available', async () => {
    const lines: string[] = [];
    const model = await loadModelFolder(path.join(await testModels(), 'toy'), {
      ...settings,
      providers: ['cuda', 'cpu'],
      log: (l) => lines.push(l),
    });
    opened.push(model);
    expect(model.sessions.every((s) => s.provider === 'cpu')).toBe(true);
    expect(lines.filter((l) => l.includes('cuda unavailable'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('model toy: OnnxStableDiffusionPipeline on cpu');
  });
});
