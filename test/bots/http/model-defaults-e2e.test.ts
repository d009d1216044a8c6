// Per-model defaults through the HTTP surfaces on real renders: the tiny SDXL model (natural size
// 256x256 from its configs) draws at its own size when none is given and --ar fits its area; a
// Turbo-like model runs its imagine.json's 1 step at CFG 0 unless told otherwise; /v1/models and
// /sdapi/v1/sd-models say each model's family.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../../renderer/image/png-text.ts';
import { defaultsModels, TINY_XL_PRESENT, TURBO_SETTINGS } from '../../helpers/defaults-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { readSse } from './sse.ts';

let h: Harness;

beforeAll(async () => {
  if (!TINY_XL_PRESENT) return;
  h = await startHarness({
    name: 'model-defaults',
    // No DEFAULT_STEPS or DEFAULT_WIDTH: set, they would hold for every model.
    env: { MODELS_DIR: await defaultsModels() },
    stack: { renderer: true, components: true, admit: true },
  });
  await waitFor(
    async () =>
      (await h.stack.registry.live()).some((w) => w.modelDefaults?.['tiny-xl']) ? true : undefined,
    'the renderer heartbeat with its models',
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await h?.close();
});

/** Submits to /v1/jobs, follows the job to its end, and returns what came of it. */
async function render(body: Record<string, unknown>) {
  const res = await h.json('/v1/jobs', body);
  expect(res.status).toBe(202);
  const accepted = await bodyOf(res);
  const events = await readSse(await h.fetch(`/v1/jobs/${accepted.id}/events`));
  const done = events.at(-1);
  expect(done?.event, JSON.stringify(done?.data)).toBe('done');
  const png = Buffer.from(await (await fetch(done?.data.result.images[0].url)).arrayBuffer());
  const { width, height } = await sharp(png).metadata();
  return {
    accepted,
    size: [width, height],
    infotext: readPngText(png).parameters ?? '',
    totals: events.filter((e) => e.event === 'progress').map((e) => e.data.total),
  };
}

describe.skipIf(!TINY_XL_PRESENT)('per-model defaults over HTTP', () => {
  it('/v1/models and /sdapi/v1/sd-models say each model family; /v1/models its natural size and defaults', async () => {
    const { models } = await bodyOf(h.fetch('/v1/models'));
    const byName = Object.fromEntries(models.map((m: { name: string }) => [m.name, m]));
    expect(byName['tiny-xl']).toMatchObject({ family: 'sdxl', width: 256, height: 256 });
    expect(byName['tiny-xl'].defaults).toBeUndefined();
    expect(byName.toy).toMatchObject({ family: 'toy', width: 512, height: 512 });
    expect(byName['toy-turbo']).toMatchObject({ family: 'toy', defaults: TURBO_SETTINGS });
    const a1111 = await bodyOf(h.fetch('/sdapi/v1/sd-models'));
    expect(a1111.find((m: { title: string }) => m.title === 'tiny-xl')).toMatchObject({ family: 'sdxl' });
  });

  it('an SDXL job without a size renders at the model natural size; --ar 16:9 fits its area', async () => {
    const plain = await render({
      prompt: 'a red circle on a blue sky --seed 3 --steps 2',
      params: { model: 'tiny-xl' },
    });
    expect(plain.accepted.params).toMatchObject({ width: 256, height: 256 });
    expect(plain.size).toEqual([256, 256]);
    expect(plain.infotext).toContain('Size: 256x256');
    // 16:9 over 256x256 pixels, sides down to multiples of 8 (at the server's 512x512 it would be 680x384).
    const wide = await render({
      prompt: 'a red circle --ar 16:9 --seed 3 --steps 2',
      params: { model: 'tiny-xl' },
    });
    expect(wide.size).toEqual([336, 192]);
    expect(wide.infotext).toContain('Size: 336x192');
    // A size the user gives is kept.
    const sized = await render({
      prompt: 'a red circle --size 128x64 --steps 2',
      params: { model: 'tiny-xl' },
    });
    expect(sized.size).toEqual([128, 64]);
  });

  it('a Turbo-like model runs its own steps, CFG and sampler; typed flags win', async () => {
    const turbo = await render({ prompt: 'a red circle --size 64x64', params: { model: 'toy-turbo' } });
    expect(turbo.accepted.params).toMatchObject({ steps: 1, guidance: 0, sampler: 'euler_a' });
    expect(turbo.totals.every((t: number) => t === 1)).toBe(true);
    expect(turbo.infotext).toContain('Steps: 1, Sampler: Euler a, CFG scale: 0,');
    const three = await render({
      prompt: 'a red circle --size 64x64 --steps 3',
      params: { model: 'toy-turbo' },
    });
    expect(three.infotext).toContain('Steps: 3, Sampler: Euler a, CFG scale: 0,');
    expect(three.totals.at(-1)).toBe(3);
  });

  it('A1111 txt2img without width, height or cfg_scale takes the model own, and says so in its info', async () => {
    const xl = await bodyOf(
      h.json('/sdapi/v1/txt2img', {
        prompt: 'a red circle',
        seed: 2,
        steps: 2,
        override_settings: { sd_model_checkpoint: 'tiny-xl' },
      }),
    );
    const picture = await sharp(Buffer.from(xl.images[0], 'base64')).metadata();
    expect([picture.width, picture.height]).toEqual([256, 256]);
    expect(JSON.parse(xl.info)).toMatchObject({ width: 256, height: 256, cfg_scale: 7 });
    const turbo = await bodyOf(
      h.json('/sdapi/v1/txt2img', {
        prompt: 'a red circle',
        width: 64,
        height: 64,
        override_settings: { sd_model_checkpoint: 'toy-turbo' },
      }),
    );
    expect(JSON.parse(turbo.info)).toMatchObject({ steps: 1, cfg_scale: 0 });
  });
});
