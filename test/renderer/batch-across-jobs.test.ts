// Batches across jobs in the render thread, on the toy model: a job of a batch fails alone, the
// count of pictures may differ between jobs of one batch, inpaint jobs batch on the inpainting
// sibling, and a model whose imagine.json says "batch": false renders its jobs one at a time.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import type { RenderRequest, RenderResult } from '../../renderer/pipelines/render-request.ts';
import { RenderHost } from '../../renderer/thread/render-host.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { rgbOf } from '../helpers/picture.ts';

let host: RenderHost;
const lines: string[] = [];

beforeAll(async () => {
  // The toy model, and a copy of it that keeps out of batches.
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'batch-models-'));
  const toy = path.join(await testModels(), 'toy');
  cpSync(toy, path.join(modelsDir, 'toy'), { recursive: true });
  cpSync(`${toy}-inpaint`, path.join(modelsDir, 'toy-inpaint'), { recursive: true });
  cpSync(toy, path.join(modelsDir, 'toy-alone'), { recursive: true });
  writeFileSync(path.join(modelsDir, 'toy-alone', 'imagine.json'), '{"batch": false}\n');
  host = new RenderHost({
    modelsDir,
    session: { providers: ['cpu'], threads: 0, graphOptimization: 'all', log: (line) => lines.push(line) },
    memoryBudgetBytes: 2 ** 31,
    // Long enough that renders sent together always meet.
    batch: { maxJobs: 4, gatherMs: 2000 },
  });
});
afterAll(() => host.close());

const request: RenderRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: 64,
  height: 64,
  steps: 4,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  count: 1,
  strength: 0.6,
};

const sharedCalls = (since: number) =>
  lines.slice(since).filter((l) => l.startsWith('debug: batch UNet call '));

async function samePictures(a: RenderResult, b: RenderResult): Promise<void> {
  expect(a.images.map((i) => i.seed)).toEqual(b.images.map((i) => i.seed));
  for (let i = 0; i < a.images.length; i++) {
    const [x, y] = await Promise.all([rgbOf(a.images[i].png), rgbOf(b.images[i].png)]);
    let max = 0;
    for (let k = 0; k < x.data.length; k++) max = Math.max(max, Math.abs(x.data[k] - y.data[k]));
    expect(max).toBeLessThanOrEqual(1);
  }
}

describe('batches across jobs in the render thread', () => {
  it('fails a job of a batch alone: the others finish as they would alone', async () => {
    const picture = (await host.render('toy', request)).images[0].png;
    const since = lines.length;
    const jobs = [
      { ...request, image: picture, prompt: 'a blue circle' },
      { ...request, image: Buffer.from('not a picture'), prompt: 'a green circle' },
      { ...request, image: picture, prompt: 'a yellow circle', seed: 7 },
    ];
    const settled = await Promise.allSettled(
      jobs.map((job, i) => host.render('toy', job, { label: `job ${i}` })),
    );
    expect(lines.slice(since).filter((l) => l.startsWith('render batch of 3 on toy'))).toHaveLength(1);
    const failure = settled[1].status === 'rejected' ? settled[1].reason : undefined;
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as Error).message).toMatch(/^image could not be read as a picture/);
    // Two left after the broken one: every step is one call for both.
    const calls = sharedCalls(since);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/: job 0, job 2 \(4 rows\)$/);
    for (const i of [0, 2]) {
      const got = settled[i];
      expect(got.status).toBe('fulfilled');
      await samePictures(
        (got as PromiseFulfilledResult<RenderResult>).value,
        await host.render('toy', jobs[i]),
      );
    }
  });

  it('batches jobs with different picture counts, each picture as it renders alone', async () => {
    const since = lines.length;
    const jobs = [
      { ...request, prompt: 'a red circle', count: 2, seed: 10 },
      { ...request, prompt: 'a blue sky', count: 1, seed: 20 },
    ];
    const together = await Promise.all(jobs.map((job, i) => host.render('toy', job, { label: `pair ${i}` })));
    const calls = sharedCalls(since);
    expect(calls).toHaveLength(4);
    // (2 + 1) pictures, each with its unconditional and conditional rows.
    for (const call of calls) expect(call).toMatch(/: pair 0, pair 1 \(6 rows\)$/);
    for (const [i, job] of jobs.entries()) await samePictures(together[i], await host.render('toy', job));
  });

  it('batches inpaint jobs on the inpainting sibling (mask channels per job), each as it renders alone', async () => {
    const image = (await host.render('toy', { ...request, strength: 1 })).images[0].png;
    const white = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const mask = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
      .composite([{ input: white, left: 16, top: 16 }])
      .png()
      .toBuffer();
    const since = lines.length;
    const jobs = ['a yellow cat', 'a green field'].map((prompt, i) => ({
      ...request,
      prompt,
      seed: 30 + i,
      image,
      mask,
      maskOptions: { blur: 4, invert: false },
    }));
    const together = await Promise.all(
      jobs.map((job, i) => host.render('toy', job, { label: `inpaint ${i}` })),
    );
    expect(together.map((r) => r.model)).toEqual(['toy-inpaint', 'toy-inpaint']);
    const calls = sharedCalls(since);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/: inpaint 0, inpaint 1 \(4 rows\)$/);
    for (const [i, job] of jobs.entries()) await samePictures(together[i], await host.render('toy', job));
  });

  it('renders the jobs of a model whose imagine.json says "batch": false one at a time', async () => {
    await host.render('toy-alone', request); // loaded first, so the renders below arrive together
    const since = lines.length;
    const results = await Promise.all(
      [1, 2, 3].map((seed) => host.render('toy-alone', { ...request, seed }, { label: `alone ${seed}` })),
    );
    expect(results.map((r) => r.images[0].seed)).toEqual([1, 2, 3]);
    expect(lines.slice(since).filter((l) => l.startsWith('render batch of'))).toEqual([]);
    expect(sharedCalls(since)).toEqual([]);
  });
});
