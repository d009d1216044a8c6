// The A1111 routes on a real render on the toy model: an empty prompt draws, and /sdapi/v1/interrupt
// during a render makes the pending txt2img answer 200 with the picture as far as it got, as A1111 does.
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltInModels } from '../../../models/built-in.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

const MODELS_DIR = path.join(os.tmpdir(), 'imagine-bot-test-models');

/** Mean difference between neighbouring pixels at 64x64: large for noise, small for a drawn scene. */
async function roughness(picture: Buffer): Promise<number> {
  const { data } = await sharp(picture)
    .resize(64, 64)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 63; x++)
      for (let c = 0; c < 3; c++)
        sum += Math.abs(data[(y * 64 + x) * 3 + c] - data[(y * 64 + x + 1) * 3 + c]);
  return sum / (64 * 63 * 3);
}

describe('A1111 routes on a real render', () => {
  let h: Harness;
  beforeAll(async () => {
    await ensureBuiltInModels(MODELS_DIR, () => undefined);
    h = await startHarness({
      name: 'a1111-interrupt',
      // Enough steps that the render is still running when the interrupt comes.
      env: { MODELS_DIR, LIMIT_MAX_STEPS: '1000' },
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

  it('draws an empty prompt, as A1111 does (the toy model picks a scene by the seed)', async () => {
    const res = await h.json('/sdapi/v1/txt2img', { prompt: '', steps: 2, width: 64, height: 64, seed: 3 });
    expect(res.status).toBe(200);
    const answer = await bodyOf(res);
    expect(answer.images).toHaveLength(1);
    // A1111's cfg_scale 7 gives way to the model's own default (the toy's imagine.json says 1.5).
    expect(JSON.parse(answer.info)).toMatchObject({ prompt: '', seed: 3, cfg_scale: 1.5 });
  });

  it('interrupt answers the pending request with 200 and the picture drawn so far', async () => {
    const pending = h.json('/sdapi/v1/txt2img', {
      prompt: 'a red circle on a blue sky',
      steps: 1000,
      width: 512,
      height: 512,
      seed: 9,
    });
    const running = await waitFor(async () => {
      const p = await bodyOf(h.fetch('/sdapi/v1/progress'));
      return p.current_image ? p : undefined;
    }, 'a preview of the running render');
    expect(running.state.sampling_step).toBeLessThan(1000);
    expect(await bodyOf(h.json('/sdapi/v1/interrupt', {}))).toEqual({});
    const res = await pending;
    expect(res.status).toBe(200);
    const answer = await bodyOf(res);
    expect(answer.images).toHaveLength(1);
    const picture = Buffer.from(answer.images[0], 'base64');
    expect(await sharp(picture).metadata()).toMatchObject({ format: 'png', width: 512, height: 512 });
    // Still noisy: it stopped long before the end (a finished toy picture is smooth, about 2).
    expect(await roughness(picture)).toBeGreaterThan(20);
    const info = JSON.parse(answer.info);
    expect(info).toMatchObject({
      prompt: 'a red circle on a blue sky',
      seed: 9,
      all_seeds: [9],
      steps: 1000,
    });
    expect(info.infotexts[0]).toContain('Seed: 9');
    const id = /task\((.+)\)/.exec(running.state.job)?.[1] ?? '';
    expect((await h.stack.system.orchestrator.state(id))?.status).toBe('cancelled');
    expect((await bodyOf(h.fetch('/sdapi/v1/progress'))).state.interrupted).toBe(true);
  }, 60_000);
});
