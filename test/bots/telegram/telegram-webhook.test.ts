// Webhook mode and inbound hooks, end to end: the bot registers its webhook with the secret token,
// Telegram's posts reach it through the real HTTP server, a post without the right
// X-Telegram-Bot-Api-Secret-Token is refused with 401; a hook with a Telegram destination posts its
// result into that chat. Also the replier's answer when a result is over the upload limit, and the
// way it sends each kind of clip.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { JobMessages } from '../../../bots/shared/job-messages.ts';
import { createTelegramReplier } from '../../../bots/telegram/replier.ts';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.ts';
import { createJob } from '../../../core/job/job.ts';
import { encodeVideo } from '../../../renderer/video/encode-video.ts';
import { probeVideo } from '../../../renderer/video/probe-video.ts';
import { cornerShare, isBlue, isRed, share } from '../../helpers/picture.ts';
import { inChat, nextPhoto, textIn } from './bot-calls.ts';
import { startTelegramHarness, type TelegramHarness, WEBHOOK_SECRET } from './telegram-harness.ts';

const HOOK_SECRET = 'hook-secret-telegram-0123';
const CHANNEL = -100555;
let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({
    name: 'webhook',
    webhook: true,
    hooks: (config) =>
      parseHookConfigs(
        [
          {
            name: 'alerts',
            secret: HOOK_SECRET,
            template: { prompt: '{{title}} on a blue sky', seed: '{{seed}}' },
            destination: { type: 'telegram', chatId: String(CHANNEL) },
          },
        ],
        config,
      ),
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('webhook mode', () => {
  it('registers the webhook with its secret token, takes updates posted there, and never polls', async () => {
    const { fake } = h;
    const set = fake.callsOf('setWebhook').at(-1)!;
    expect(set.params).toMatchObject({
      url: `${h.http!.url}/telegram/webhook`,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    const amy = fake.user(4001, 'Amy');
    const chat = fake.privateChat(amy);
    await fake.sendText(chat, amy, '/imagine a red circle on a blue sky --seed 11');
    expect(fake.webhookDeliveries.at(-1)?.status).toBe(200);
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('seed 11');
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
  });

  it('refuses a post without the right X-Telegram-Bot-Api-Secret-Token with 401, and does nothing with it', async () => {
    const { fake } = h;
    const bea = fake.user(4002, 'Bea');
    const chat = fake.privateChat(bea);
    const update = {
      update_id: 999_001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: bea,
        text: '/imagine a forged request',
        entities: [{ type: 'bot_command', offset: 0, length: 8 }],
      },
    };
    const url = `${h.http!.url}/telegram/webhook`;
    for (const headers of [
      { 'x-telegram-bot-api-secret-token': 'not-the-secret' },
      {} as Record<string, string>,
      { 'x-telegram-bot-api-secret-token': `${WEBHOOK_SECRET}x` },
    ]) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toContain('X-Telegram-Bot-Api-Secret-Token');
    }
    // With the secret the same update is taken: the bot answers in the chat.
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify({
        ...update,
        update_id: 999_002,
        message: {
          ...update.message,
          text: '/help',
          entities: [{ type: 'bot_command', offset: 0, length: 5 }],
        },
      }),
    });
    expect(ok.status).toBe(200);
    await textIn(fake, chat, /^Ways to ask/);
    // The refused ones never reached the bot: no status message, no job.
    expect(
      fake.callsOf('sendMessage').filter((c) => inChat(chat)(c) && String(c.params.text).startsWith('⏳')),
    ).toHaveLength(0);
  });
});

describe('a hook with a Telegram destination', () => {
  it('posts the result into the chat it names', async () => {
    const { fake } = h;
    const channel = fake.group(CHANNEL, 'alerts');
    const body = JSON.stringify({ title: 'a red circle', seed: 21 });
    const res = await fetch(`${h.http!.url}/hooks/alerts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHookBody(HOOK_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(res.status).toBe(202);
    const result = await nextPhoto(fake, channel, 0, 'the hook result in the channel');
    expect(result.caption).toContain('prompt: a red circle on a blue sky');
    expect(result.caption).toContain('seed 21');
    expect(share(result.rgb, isRed)).toBeGreaterThan(0.03);
    expect(cornerShare(result.rgb, isBlue)).toBeGreaterThan(0.9);
    // No one in the chat asked, so there are no buttons to press.
    expect(result.call.params.reply_markup).toBeUndefined();
  });

  it('is refused at start without a Telegram token', () => {
    expect(() =>
      parseHookConfigs(
        [
          {
            name: 'x',
            secret: HOOK_SECRET,
            template: { prompt: 'x' },
            destination: { type: 'telegram', chatId: 5 },
          },
        ],
        { telegram: {} } as never,
      ),
    ).toThrow('HOOKS.0.destination needs TELEGRAM_BOT_TOKEN to post into a Telegram chat');
  });
});

describe('the replier', () => {
  it('says so, with the size and the limit, when a result is over the upload limit', async () => {
    const { fake, stack, config } = h;
    const cy = fake.user(4003, 'Cy');
    const chat = fake.privateChat(cy);
    // Noise does not compress: about 3 MB of PNG.
    const noise = randomBytes(1024 * 1024 * 3);
    const png = await sharp(noise, { raw: { width: 1024, height: 1024, channels: 3 } })
      .png()
      .toBuffer();
    const stored = await stack.artifacts.put(png, 'image/png');
    const job = createJob(
      {
        kind: 'imagine',
        owner: 'telegram:4003',
        origin: { surface: 'telegram', chatId: chat.id },
        params: { prompt: 'noise', seed: 1 },
      },
      { limits: config.limits },
    );
    const replier = createTelegramReplier({
      api: createTelegramApi(config.telegram),
      jobMessages: new JobMessages(stack.system.redis, stack.system.orchestrator.keys.prefix, 3_600_000),
      maxUploadBytes: 1024 * 1024,
    });
    await replier(
      job,
      { ok: true, images: [{ artifact: stored.id, seed: 1, contentType: 'image/png' }], warnings: [] },
      stack.artifacts,
      new AbortController().signal,
    );
    const told = await textIn(fake, chat, /over the 1 MB a bot may send on Telegram/);
    expect(told.text).toMatch(
      /the result is 3(\.\d)? MB, over the 1 MB a bot may send on Telegram: ask for a smaller size$/,
    );
    expect(told.text).toContain('seed 1');
    expect(fake.callsOf('sendPhoto').filter(inChat(chat))).toHaveLength(0);
  });

  /** Posts `bytes` as the result of a fresh job in the chat, through a replier on the harness's stack. */
  async function reply(chatId: number, userId: number, bytes: Buffer, contentType: string) {
    const { stack, config } = h;
    const stored = await stack.artifacts.put(bytes, contentType);
    const job = createJob(
      {
        kind: 'imagine',
        owner: `telegram:${userId}`,
        origin: { surface: 'telegram', chatId },
        params: { prompt: 'a result', seed: 2 },
      },
      { limits: config.limits },
    );
    const replier = createTelegramReplier({
      api: createTelegramApi(config.telegram),
      jobMessages: new JobMessages(stack.system.redis, stack.system.orchestrator.keys.prefix, 3_600_000),
      maxUploadBytes: config.telegram.maxUploadBytes,
    });
    await replier(
      job,
      { ok: true, images: [{ artifact: stored.id, seed: 2, contentType }], warnings: [] },
      stack.artifacts,
      new AbortController().signal,
    );
    return job;
  }

  it("sends an animate job's clip: MP4 and WebM with sendVideo, GIF with sendAnimation, after upload_video", async () => {
    const { fake, stack, config } = h;
    const dot = fake.user(4004, 'Dot');
    const chat = fake.privateChat(dot);
    // Four 64x48 frames of a square moving right, encoded by the renderer's own encoder.
    const frames = Array.from({ length: 4 }, (_, i) => {
      const rgb = Buffer.alloc(64 * 48 * 3, 40);
      for (let y = 16; y < 32; y++)
        for (let x = 8 + i * 8; x < 24 + i * 8; x++) rgb.fill(220, (y * 64 + x) * 3, (y * 64 + x) * 3 + 1);
      return rgb;
    });
    const job = createJob(
      {
        kind: 'animate',
        owner: 'telegram:4004',
        origin: { surface: 'telegram', chatId: chat.id },
        params: { prompt: 'a square', seed: 4, width: 64, height: 64, video: { frames: 4, fps: 4 } },
      },
      { limits: config.limits },
    );
    const replier = createTelegramReplier({
      api: createTelegramApi(config.telegram),
      jobMessages: new JobMessages(stack.system.redis, stack.system.orchestrator.keys.prefix, 3_600_000),
      maxUploadBytes: config.telegram.maxUploadBytes,
    });
    const still = await stack.artifacts.put(
      await sharp(frames[0], { raw: { width: 64, height: 48, channels: 3 } })
        .png()
        .toBuffer(),
      'image/png',
    );
    const sent: Record<string, { method: string; bytes: Buffer; params: Record<string, unknown> }> = {};
    for (const format of ['mp4', 'webm', 'gif'] as const) {
      const clip = await encodeVideo({ width: 64, height: 48, fps: 4, frames }, { format });
      const stored = await stack.artifacts.put(clip.bytes, clip.contentType);
      const before = fake.calls.length;
      await replier(
        job,
        {
          ok: true,
          images: [{ artifact: still.id, seed: 4, contentType: 'image/png' }],
          video: {
            artifact: stored.id,
            contentType: clip.contentType,
            format,
            frames: clip.frames,
            fps: clip.fps,
            width: clip.width,
            height: clip.height,
            bytes: clip.bytes.length,
          },
          warnings: [],
        },
        stack.artifacts,
        new AbortController().signal,
      );
      const calls = fake.calls.slice(before).filter(inChat(chat));
      const action = calls.findIndex(
        (c) => c.method === 'sendChatAction' && c.params.action === 'upload_video',
      );
      const upload = calls.findIndex((c) => c.method === 'sendVideo' || c.method === 'sendAnimation');
      expect(action).toBeGreaterThanOrEqual(0);
      expect(upload).toBeGreaterThan(action);
      const call = calls[upload];
      expect(call.ok).toBe(true);
      const field = call.method === 'sendVideo' ? 'video' : 'animation';
      sent[format] = { method: call.method, bytes: call.files[field].bytes, params: call.params };
    }
    expect(Object.values(sent).map((s) => s.method)).toEqual(['sendVideo', 'sendVideo', 'sendAnimation']);
    const probes = {
      mp4: await probeVideo(sent.mp4.bytes, 'mp4'),
      webm: await probeVideo(sent.webm.bytes, 'webm'),
      gif: await probeVideo(sent.gif.bytes, 'gif'),
    };
    expect([probes.mp4.codec, probes.webm.codec, probes.gif.codec]).toEqual(['h264', 'vp9', 'gif']);
    for (const probe of Object.values(probes)) {
      expect(probe.frames).toBe(4);
      expect([probe.width, probe.height]).toEqual([64, 48]);
    }
    expect(sent.mp4.params.supports_streaming).toBe('true');
    expect(String(sent.gif.params.caption)).toContain('🎞 4 frames · 4 fps · 1.0 s · motion static');
    expect(String(sent.gif.params.caption)).toContain('64x48 gif');
    expect(
      (sent.webm.params.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
        .flat()
        .map((b) => b.text),
    ).toEqual(['🔄 Reroll', '📄 First frame PNG']);
    // The frame-0 still is not sent as a photo: the clip is the result.
    expect(fake.callsOf('sendPhoto').filter(inChat(chat))).toHaveLength(0);
  });

  it('sends a picture over the 10 MB Telegram takes as a photo as a file instead', async () => {
    const { fake } = h;
    const ed = fake.user(4005, 'Ed');
    const chat = fake.privateChat(ed);
    const png = await sharp(randomBytes(2048 * 2048 * 3), { raw: { width: 2048, height: 2048, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(10 * 1024 * 1024);
    await reply(chat.id, ed.id, png, 'image/png');
    const sent = await fake.waitForCall('sendDocument', inChat(chat));
    expect(sent.files.document.bytes.equals(png)).toBe(true);
    expect(fake.callsOf('sendPhoto').filter(inChat(chat))).toHaveLength(0);
  });
});
