// Webhook mode and inbound hooks, end to end: the bot registers its webhook with the secret token,
// Telegram's posts reach it through the real HTTP server, a post without the right
// X-Telegram-Bot-Api-Secret-Token is refused with 401; a hook with a Telegram destination posts its
// result into that chat. Also the replier's answer when a result is over the upload limit.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { JobMessages } from '../../../bots/shared/job-messages.ts';
import { stackKeyPrefix } from '../../../bots/shared/stack-key-prefix.ts';
import { createTelegramReplier } from '../../../bots/telegram/replier.ts';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.ts';
import { createJob } from '../../../core/job/job.ts';
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
      jobMessages: new JobMessages(stack.system.redis, stackKeyPrefix(stack.system)),
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
      jobMessages: new JobMessages(stack.system.redis, stackKeyPrefix(stack.system)),
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

  it('sends a video result as a video, after the upload_video action, with a reroll button', async () => {
    const { fake } = h;
    const dot = fake.user(4004, 'Dot');
    const chat = fake.privateChat(dot);
    const mp4 = Buffer.from('a short mp4');
    await reply(chat.id, dot.id, mp4, 'video/mp4');
    const sent = await fake.waitForCall('sendVideo', inChat(chat));
    expect(sent.files.video.bytes.equals(mp4)).toBe(true);
    expect(String(sent.params.caption)).toContain('seed 2');
    expect(
      (sent.params.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
        .flat()
        .map((b) => b.text),
    ).toEqual(['🔄 Reroll']);
    const action = fake
      .callsOf('sendChatAction')
      .find((c) => inChat(chat)(c) && c.params.action === 'upload_video');
    expect(action!.at).toBeLessThanOrEqual(sent.at);
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
