// Nothing a user asks for is silently ignored, through the job API on the toy model: video params
// on a picture are refused saying why; a strength with no picture and a mask of another size come
// back as warnings in the job view's result.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../../helpers/built-in-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

describe('what a job did not use is told, not dropped', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      name: 'warnings',
      env: { MODELS_DIR: await testModels() },
      stack: { renderer: true, components: true, admit: true },
    });
    await waitFor(
      async () => ((await h.stack.registry.live()).length > 0 ? true : undefined),
      'the renderer heartbeat',
    );
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  async function finished(id: string) {
    return waitFor(
      async () => {
        const view = await bodyOf(h.fetch(`/v1/jobs/${id}`));
        return view.status === 'done' || view.status === 'failed' ? view : undefined;
      },
      `job ${id} to finish`,
      60_000,
    );
  }

  it('refuses video flags and video params on a picture job, pointing to animate', async () => {
    const flags = await h.json('/v1/jobs', { prompt: 'waves --frames 16 --motion zoom-in' });
    expect(flags.status).toBe(400);
    const flagsBody = await bodyOf(flags);
    expect(flagsBody.error.message).toContain('--frames makes a video, which only animate jobs do');
    expect(flagsBody.error.message).toContain('--motion makes a video');
    const json = await h.json('/v1/jobs', { prompt: 'waves', params: { video: { fps: 4 } } });
    expect(json.status).toBe(400);
    expect((await bodyOf(json)).error.problems).toContainEqual(
      expect.objectContaining({
        field: 'params.video',
        problem: expect.stringContaining('makes a video, which only animate jobs do (not imagine)'),
      }),
    );
  });

  it('a strength without a picture comes back as a warning with the result', async () => {
    const res = await h.json('/v1/jobs', {
      prompt: 'a red circle --strength 0.4 --steps 2 --seed 1',
      params: { width: 64, height: 64 },
    });
    expect(res.status).toBe(202);
    const view = await finished((await bodyOf(res)).id);
    expect(view.status).toBe('done');
    expect(view.result.warnings).toContainEqual(
      expect.stringContaining('strength (--strength) only applies'),
    );
  });

  it('a mask of another size than the picture is resized, with a warning', async () => {
    const image = await pngOf(128, 128, { r: 40, g: 40, b: 200 });
    const mask = await sharp({
      create: { width: 64, height: 32, channels: 3, background: { r: 0, g: 0, b: 0 } },
    })
      .composite([
        {
          input: await sharp({
            create: { width: 16, height: 16, channels: 3, background: { r: 255, g: 255, b: 255 } },
          })
            .png()
            .toBuffer(),
          left: 24,
          top: 8,
        },
      ])
      .png()
      .toBuffer();
    const res = await h.json('/v1/jobs', {
      prompt: 'a red circle --steps 2 --seed 1',
      params: { width: 128, height: 128 },
      image: dataUri(image),
      mask: dataUri(mask),
    });
    expect(res.status).toBe(202);
    const view = await finished((await bodyOf(res)).id);
    expect(view.status).toBe('done');
    expect(view.result.warnings).toContainEqual(
      'the mask is 64x32 but the picture is 128x128: the mask was scaled to cover the picture and centre-cropped',
    );
  });
});
