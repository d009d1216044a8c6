// /inpaint and the Inpaint message command through the fake Discord on a real stack: a copy of the
// picture scribbled on becomes the mask (only the scribbled region changes), a black/white mask is
// used as it is, and a mask that marks nothing is an ephemeral error.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/discord/fake-discord.ts';
import { isRed, pixel, rgbOf, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import {
  ANN,
  ART_CHANNEL,
  type DiscordHarness,
  ephemeralTexts,
  isResult,
  refusedRequests,
  responseOf,
  startDiscordHarness,
} from './discord-harness.ts';

let h: DiscordHarness;
let original: Buffer;
let scribbled: Buffer;
let mask: Buffer;

/** The scribbled region: a square in the middle. */
const BOX = { x0: 40, y0: 40, x1: 88, y1: 88 };
/** Mask dilation plus blur: pixels this far outside the box may blend. */
const MARGIN = 14;

beforeAll(async () => {
  h = await startDiscordHarness({ name: 'inpaint' });
  // A sky with a gentle gradient (so "unchanged" means every pixel, not one colour).
  const width = 128;
  const height = 128;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rgb.set([80 + (x >> 2), 140 + (y >> 3), 225], (y * width + x) * 3);
  original = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  const stroke = Buffer.from(
    `<svg width="128" height="128"><rect x="${BOX.x0}" y="${BOX.y0}" width="${BOX.x1 - BOX.x0}" height="${BOX.y1 - BOX.y0}" fill="#101010"/></svg>`,
  );
  scribbled = await sharp(original)
    .composite([{ input: stroke }])
    .png()
    .toBuffer();
  const white = Buffer.from(stroke.toString().replace('#101010', '#ffffff'));
  mask = await sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .composite([{ input: white }])
    .png()
    .toBuffer();
}, 120_000);

afterAll(async () => {
  if (h) expect(refusedRequests(h)).toEqual([]);
  await h?.close();
});

function jobIdOf(m: FakeMessage): string {
  return /job (\S+)/.exec(m.embeds[0]?.footer?.text ?? '')?.[1] ?? '';
}

function outside(x: number, y: number): boolean {
  return x < BOX.x0 - MARGIN || x >= BOX.x1 + MARGIN || y < BOX.y0 - MARGIN || y >= BOX.y1 + MARGIN;
}

async function expectOnlyBoxChanged(result: FakeMessage): Promise<void> {
  const png = result.attachments.find((a) => a.filename.endsWith('.png'))!;
  const [before, after] = await Promise.all([rgbOf(original), rgbOf(png.bytes)]);
  expect([after.width, after.height]).toEqual([128, 128]);
  let worst = 0;
  for (let y = 0; y < 128; y++)
    for (let x = 0; x < 128; x++) {
      if (!outside(x, y)) continue;
      const a = pixel(before, x, y);
      const b = pixel(after, x, y);
      worst = Math.max(worst, ...a.map((v, i) => Math.abs(v - b[i])));
    }
  expect(worst).toBeLessThanOrEqual(2);
  // Inside, the prompt's red circle was painted.
  expect(share(after, isRed, BOX)).toBeGreaterThan(0.08);
}

describe('/inpaint', () => {
  it('with a scribbled copy changes only the scribbled region', async () => {
    const sent = await h.fake.slashCommand({
      name: 'inpaint',
      options: {
        image: h.fake.addAttachment(original, 'sky.png', 'image/png'),
        mask: h.fake.addAttachment(scribbled, 'sky-scribbled.png', 'image/png'),
        prompt: 'a red circle on a blue sky --seed 11',
      },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    const result = await responseOf(h, sent.id, isResult, 'the inpainted picture');
    const png = result.attachments.find((a) => a.filename.endsWith('.png'))!;
    await writeFile(path.join(os.tmpdir(), 'discord-inpaint.png'), png.bytes);
    await expectOnlyBoxChanged(result);
    // The computed mask and the downloaded picture went in as artifacts.
    const state = await h.stack.system.orchestrator.state(jobIdOf(result));
    expect(state?.job.kind).toBe('inpaint');
    expect(state?.job.inputs.image?.type).toBe('artifact');
    expect(state?.job.inputs.mask?.type).toBe('artifact');
  }, 60_000);

  it('with a black/white mask passes both attachments on for fetch-media', async () => {
    const sent = await h.fake.slashCommand({
      name: 'inpaint',
      options: {
        image: h.fake.addAttachment(original, 'sky.png', 'image/png'),
        mask: h.fake.addAttachment(mask, 'mask.png', 'image/png'),
        prompt: 'a red circle on a blue sky --seed 11',
      },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    const result = await responseOf(h, sent.id, isResult, 'the inpainted picture');
    await expectOnlyBoxChanged(result);
    const state = await h.stack.system.orchestrator.state(jobIdOf(result));
    expect(state?.job.inputs.image).toMatchObject({ type: 'platform', platform: 'discord' });
    expect(state?.job.inputs.mask).toMatchObject({ type: 'platform', platform: 'discord' });
  }, 60_000);

  it('refuses a scribbled copy that does not differ from the picture, ephemerally', async () => {
    const sent = await h.fake.slashCommand({
      name: 'inpaint',
      options: {
        image: h.fake.addAttachment(original, 'sky.png', 'image/png'),
        mask: h.fake.addAttachment(original, 'same.png', 'image/png'),
        prompt: 'a red circle',
      },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    await waitFor(async () => (ephemeralTexts(h, sent.id).length > 0 ? true : undefined), 'the error');
    expect(ephemeralTexts(h, sent.id)[0]).toContain('mask');
    expect(ephemeralTexts(h, sent.id)[0]).toContain('marks nothing to repaint');
    // The "thinking" message is gone: only the user saw the error.
    await waitFor(
      async () => (h.fake.originalResponse(sent.id)?.deleted !== false ? true : undefined),
      'no public message',
    );
  }, 30_000);
});

describe('the Inpaint message command', () => {
  it('takes the message’s picture and scribbled copy, asks for the prompt, and inpaints', async () => {
    const message = h.fake.postUserMessage({
      channelId: ART_CHANNEL,
      author: ANN,
      content: 'fix this',
      attachments: [
        { bytes: original, filename: 'sky.png', contentType: 'image/png' },
        { bytes: scribbled, filename: 'sky-scribbled.png', contentType: 'image/png' },
      ],
    });
    const menu = await h.fake.messageContextMenu({ name: 'Inpaint', targetMessage: message.id, user: ANN });
    await waitFor(async () => h.fake.interaction(menu.id).modal ?? undefined, 'the prompt form');
    const submit = await h.fake.submitModal({
      fromInteraction: menu.id,
      fields: { prompt: 'a red circle on a blue sky --seed 11' },
      user: ANN,
    });
    const result = await responseOf(h, submit.id, isResult, 'the inpainted picture');
    await expectOnlyBoxChanged(result);
  }, 60_000);

  it('on a message with one picture says what it needs', async () => {
    const message = h.fake.postUserMessage({
      channelId: ART_CHANNEL,
      author: ANN,
      attachments: [{ bytes: original, filename: 'sky.png', contentType: 'image/png' }],
    });
    const menu = await h.fake.messageContextMenu({ name: 'Inpaint', targetMessage: message.id, user: ANN });
    await waitFor(async () => (ephemeralTexts(h, menu.id).length > 0 ? true : undefined), 'the answer');
    expect(ephemeralTexts(h, menu.id)[0]).toContain('two pictures');
  });
});
