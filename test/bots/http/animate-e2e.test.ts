// Animate end to end through a real renderer on the toy model: /v1/jobs with kind animate (progress
// per frame with the latest frame as preview, the clip's URL in the job view and the callback, the
// byte budget told as a warning) and EasyAnimate's infer_forward answering with an MP4 as base64.
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltInModels } from '../../../models/built-in.ts';
import { decodeVideo } from '../../../renderer/video/decode-video.ts';
import { probeVideo } from '../../../renderer/video/probe-video.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';
import { readSse } from './sse.ts';

const MODELS_DIR = path.join(os.tmpdir(), 'imagine-bot-test-models');
/** Small enough that a 128x128 GIF of the toy's pictures does not fit at first. */
const HTTP_BUDGET = 6_000;

describe('animate through the HTTP surface on the toy model', () => {
  let h: Harness;

  beforeAll(async () => {
    await ensureBuiltInModels(MODELS_DIR, () => undefined);
    h = await startHarness({
      name: 'animate',
      env: { MODELS_DIR, VIDEO_MAX_BYTES_HTTP: String(HTTP_BUDGET) },
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

  const bytesAt = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

  it('POST /v1/jobs kind animate: progress per frame, an MP4 of the asked frames and fps in the job view', async () => {
    const res = await h.json('/v1/jobs', {
      kind: 'animate',
      prompt: 'a red circle on a blue sky --motion pan-left --frames 6 --fps 8 --steps 4 --seed 3',
      params: { width: 128, height: 128 },
    });
    expect(res.status).toBe(202);
    const { id } = await bodyOf(res);
    const events = await readSse(await h.fetch(`/v1/jobs/${id}/events`));
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    const all = events.filter((e) => e.event === 'progress').map((e) => e.data);
    // Steps inside each frame (frame 0 a full txt2img of 4 steps, the others img2img at 0.45: one step)...
    const steps = all.filter((p) => p.frameStep !== undefined);
    expect(steps.filter((p) => p.step === 0).map((p) => p.frameStep)).toEqual([1, 2, 3]);
    for (const p of steps) expect(p).toMatchObject({ total: 6, frameSteps: p.step === 0 ? 4 : 1 });
    // ...and one event per finished frame, counted over the frames, with that frame as the preview.
    const progress = all.filter((p) => p.frameStep === undefined);
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const p of progress) expect(p).toMatchObject({ total: 6, previewUrl: expect.any(String) });
    const preview = await bytesAt(progress[5].previewUrl);
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'jpeg', width: 128, height: 128 });

    const job = await bodyOf(h.fetch(`/v1/jobs/${id}`));
    expect(job.status).toBe('done');
    expect(job.params.video).toMatchObject({ frames: 6, fps: 8, motion: 'pan-left', format: 'mp4' });
    const video = job.result.video;
    expect(video).toMatchObject({
      contentType: 'video/mp4',
      format: 'mp4',
      frames: 6,
      fps: 8,
      width: 128,
      height: 128,
      url: `${h.url}/v1/artifacts/${video.artifact}`,
    });
    const mp4 = await bytesAt(video.url);
    expect(mp4.length).toBe(video.bytes);
    expect(await probeVideo(mp4, 'mp4')).toMatchObject({
      codec: 'h264',
      frames: 6,
      fps: 8,
      width: 128,
      height: 128,
    });
    // The still is frame 0, with the clip's parameters.
    const still = await bytesAt(job.result.images[0].url);
    expect(await sharp(still).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    expect(job.result.warnings).toEqual([]);
    expect(job.components.map((c: { name: string }) => c.name)).toContain('encode-video');
  });

  it('a GIF over the HTTP byte budget is made smaller and the result says so', async () => {
    const res = await h.json('/v1/jobs', {
      kind: 'animate',
      prompt: 'a yellow triangle on the grass --motion zoom-in --frames 8 --steps 3 --seed 4',
      params: { width: 128, height: 128, video: { format: 'gif' } },
    });
    const { id } = await bodyOf(res);
    const job = await waitFor(async () => {
      const j = await bodyOf(h.fetch(`/v1/jobs/${id}`));
      return j.status === 'done' || j.status === 'failed' ? j : undefined;
    }, 'the gif job');
    expect(job.status).toBe('done');
    expect(job.result.video).toMatchObject({ contentType: 'image/gif', frames: 8 });
    expect(job.result.video.bytes).toBeLessThanOrEqual(HTTP_BUDGET);
    expect(job.result.warnings.join(' ')).toMatch(
      /^the gif was [\d.]+ MB, over the 0\.01 MB limit here, so it was encoded again with/,
    );
  });

  it('an animate job may start from a given picture: frame 0 is that picture', async () => {
    const res = await h.json('/v1/jobs', {
      kind: 'animate',
      prompt: 'a field --motion pan-right --frames 3 --strength-schedule 0:0',
      image: dataUri(await pngOf(128, 128, { r: 30, g: 170, b: 80 })),
      params: { width: 128, height: 128 },
    });
    expect(res.status).toBe(202);
    const { id } = await bodyOf(res);
    const job = await waitFor(async () => {
      const j = await bodyOf(h.fetch(`/v1/jobs/${id}`));
      return j.status === 'done' || j.status === 'failed' ? j : undefined;
    }, 'the animate job from a picture');
    expect(job.status).toBe('done');
    expect(job.components.map((c: { name: string }) => c.name)).toContain('fetch-media');
    const still = await sharp(await bytesAt(job.result.images[0].url))
      .removeAlpha()
      .raw()
      .toBuffer();
    expect([...still.subarray(0, 3)]).toEqual([30, 170, 80]);
    const decoded = await decodeVideo(await bytesAt(job.result.video.url), 'mp4');
    expect(decoded.frames).toHaveLength(3);
    const [r, g, b] = decoded.frames[2].subarray((64 * 128 + 64) * 3);
    expect(Math.abs(r - 30) + Math.abs(g - 170) + Math.abs(b - 80)).toBeLessThan(24);
  });

  it('video flags on a picture job are refused, naming animate', async () => {
    const res = await h.json('/v1/jobs', { prompt: 'waves --motion zoom-in' });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.message).toContain('--motion makes a video, which only animate jobs do');
  });

  it('EasyAnimate infer_forward answers with the MP4 as base64: length_slider frames at 8 fps', async () => {
    const res = await h.json('/easyanimate/infer_forward', {
      prompt_textbox: 'a red circle on a blue sky',
      length_slider: 5,
      width_slider: 128,
      height_slider: 128,
      sample_step_slider: 3,
      seed_textbox: 7,
    });
    expect(res.status).toBe(200);
    const answer = await bodyOf(res);
    expect(answer).toMatchObject({ message: 'Success', seed: 7 });
    const mp4 = Buffer.from(answer.base64_encoding, 'base64');
    expect(await probeVideo(mp4, 'mp4')).toMatchObject({
      codec: 'h264',
      frames: 5,
      fps: 8,
      width: 128,
      height: 128,
    });
    expect(answer.save_sample_path).toMatch(/\/v1\/artifacts\//);
    const withFps = await bodyOf(
      h.json('/easyanimate/infer_forward', {
        prompt_textbox: 'a red circle on a blue sky',
        length_slider: 4,
        fps: 12,
        width_slider: 128,
        height_slider: 128,
        sample_step_slider: 2,
      }),
    );
    const probe = await probeVideo(Buffer.from(withFps.base64_encoding, 'base64'), 'mp4');
    expect(probe).toMatchObject({ frames: 4, fps: 12 });
  });
});
