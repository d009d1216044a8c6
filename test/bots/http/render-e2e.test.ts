// End to end through a real renderer on the built-in toy model: the job API, A1111 and EasyAnimate.
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltInModels } from '../../../models/built-in.ts';
import { verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';
import { readPngText } from '../../../renderer/image/png-text.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { type LocalServer, readBody, startLocalServer } from '../../queue/media/local-server.ts';
import { bodyOf, CALLBACK_SECRET, type Harness, startHarness } from './http-harness.ts';
import { pngOf } from './pictures.ts';
import { readSse } from './sse.ts';

const MODELS_DIR = path.join(os.tmpdir(), 'imagine-bot-test-models');

describe('rendering through the HTTP surface on the toy model', () => {
  let h: Harness;
  let receiver: LocalServer;
  const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    await ensureBuiltInModels(MODELS_DIR, () => undefined);
    receiver = await startLocalServer((req, res) => {
      void readBody(req).then((body) => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    h = await startHarness({
      name: 'render',
      env: { MODELS_DIR },
      stack: {
        renderer: true,
        components: true,
        admit: true,
        services: { fetch: { maxBytes: 1 << 20, timeoutMs: 5000, allowPrivate: true } },
      },
    });
    await waitFor(
      async () => ((await h.stack.registry.live()).length > 0 ? true : undefined),
      'the renderer heartbeat',
    );
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('POST /v1/jobs to a picture: SSE to done, artifact URL, signed callback with the result', async () => {
    expect((await h.fetch('/readyz')).status).toBe(200);
    expect((await bodyOf(h.fetch('/v1/models'))).models.map((m: { name: string }) => m.name)).toContain(
      'toy',
    );
    const res = await h.json('/v1/jobs', {
      prompt: 'a red circle --seed 11 --steps 2',
      params: { width: 64, height: 64 },
      callbackUrl: `${receiver.origin}/done`,
    });
    expect(res.status).toBe(202);
    const { id } = await bodyOf(res);
    const events = await readSse(await h.fetch(`/v1/jobs/${id}/events`));
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(events.some((e) => e.event === 'status' && e.data.status === 'rendering')).toBe(true);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress)
      expect(p).toMatchObject({ type: 'progress', step: expect.any(Number), total: 2 });
    const [image] = done?.data.result.images ?? [];
    expect(image).toMatchObject({
      seed: 11,
      contentType: 'image/png',
      url: `${h.url}/v1/artifacts/${image.artifact}`,
    });
    const png = Buffer.from(await (await fetch(image.url)).arrayBuffer());
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 64, height: 64 });
    expect(readPngText(png).parameters).toContain('Steps: 2');

    const delivery = await waitFor(
      async () => deliveries.find((d) => JSON.parse(d.body).jobId === id),
      'the callback',
    );
    expect(verifyWebhook(CALLBACK_SECRET, delivery.headers as Record<string, string>, delivery.body).ok).toBe(
      true,
    );
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'job.done',
      status: 'done',
      images: [{ artifact: image.artifact, seed: 11 }],
    });
    const job = await waitFor(async () => {
      const j = await bodyOf(h.fetch(`/v1/jobs/${id}`));
      return j.status === 'done' ? j : undefined;
    }, 'done');
    expect(job.result.images[0].artifact).toBe(image.artifact);
    // The job's output carries the picture's infotext, so no surface has to read the PNG for it.
    expect(job.result.images[0].infotext).toBe(readPngText(png).parameters);
    expect(job.callback.attempts[0]).toMatchObject({ attempt: 1, status: 204 });
  });

  it('A1111 txt2img and img2img answer with base64 pictures, parameters and info', async () => {
    const t2i = await h.json('/sdapi/v1/txt2img', {
      prompt: 'a boat',
      steps: 2,
      width: 64,
      height: 64,
      seed: 3,
      batch_size: 2,
      sampler_name: 'Euler',
    });
    expect(t2i.status).toBe(200);
    const answer = await bodyOf(t2i);
    expect(answer.images).toHaveLength(2);
    const first = Buffer.from(answer.images[0], 'base64');
    expect(await sharp(first).metadata()).toMatchObject({ width: 64, height: 64 });
    const info = JSON.parse(answer.info);
    expect(info).toMatchObject({
      prompt: 'a boat',
      seed: 3,
      steps: 2,
      sampler_name: 'Euler',
      width: 64,
      height: 64,
      batch_size: 2,
    });
    expect(info.all_seeds).toHaveLength(2);
    expect(info.infotexts[0]).toContain('Seed: 3');
    expect(answer.parameters).toMatchObject({ prompt: 'a boat', steps: 2, seed: 3, sampler_name: 'Euler' });

    const init = (await pngOf(64, 64)).toString('base64');
    const i2i = await h.json('/sdapi/v1/img2img', {
      prompt: 'blue',
      init_images: [init],
      denoising_strength: 0.5,
      steps: 2,
      width: 64,
      height: 64,
    });
    expect(i2i.status).toBe(200);
    const i2iAnswer = await bodyOf(i2i);
    expect(i2iAnswer.images).toHaveLength(1);
    expect(JSON.parse(i2iAnswer.info).denoising_strength).toBe(0.5);
    // Each infotext is the one the picture carries, the renderer's extras (denoising strength) included.
    const i2iPicture = Buffer.from(i2iAnswer.images[0], 'base64');
    expect(JSON.parse(i2iAnswer.info).infotexts).toEqual([readPngText(i2iPicture).parameters]);
    expect(readPngText(i2iPicture).parameters).toContain('Denoising strength: 0.5');
    expect(await bodyOf(h.fetch('/sdapi/v1/progress'))).toMatchObject({
      progress: 0,
      state: { job_count: 0 },
    });
  });

  it('EasyAnimate infer_forward answers a PNG for is_image', async () => {
    const res = await h.json('/easyanimate/infer_forward', {
      prompt_textbox: 'a mill',
      is_image: true,
      sample_step_slider: 2,
      width_slider: 64,
      height_slider: 64,
      base_model_path: 'none',
    });
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toMatchObject({ message: 'Success', seed: 43 });
    const png = Buffer.from(body.base64_encoding, 'base64');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 64, height: 64 });
  });
});
