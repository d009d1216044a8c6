// The fake Bot API as telegraf sees it: telegraf runs unmodified against it (long polling, JSON and
// multipart calls, file downloads, webhooks), and the fake answers the way Telegram does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { Telegraf, Telegram } from 'telegraf';
import type { Message } from 'telegraf/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from './fake-bot-api.ts';

let fake: FakeBotApi;

async function picture(colour: string, width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
});

afterAll(async () => {
  await fake.close();
});

describe('the fake Telegram Bot API with telegraf', () => {
  let bot: Telegraf | undefined;
  afterEach(() => {
    bot?.stop('test over');
    bot = undefined;
  });

  function launch(setup: (b: Telegraf) => void): Promise<void> {
    bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    setup(bot);
    return new Promise<void>((resolve, reject) => {
      bot!.launch({ dropPendingUpdates: false }, resolve).catch(reject);
    });
  }

  it('delivers a command by long polling and records the reply the bot sends', async () => {
    await launch((b) =>
      b.command('start', (ctx) => ctx.reply(`hello ${ctx.from.first_name}: ${ctx.payload}`)),
    );
    const alice = fake.user(501, 'Alice');
    const chat = fake.privateChat(alice);
    const asked = await fake.sendText(chat, alice, '/start a fox');
    const call = await fake.waitForCall('sendMessage');
    expect(call.params).toMatchObject({ chat_id: 501, text: 'hello Alice: a fox' });
    const history = fake.history(chat);
    expect(history.map((m) => [m.message_id, m.from?.id, m.text])).toEqual([
      [asked.message_id, 501, '/start a fox'],
      [asked.message_id + 1, fake.bot.id, 'hello Alice: a fox'],
    ]);
    expect(fake.callsOf('getMe')).toHaveLength(1);
  });

  it('serves a photo the user sent through getFile and the file download path', async () => {
    const seen: { caption?: string; bytes: Buffer; sizes: number }[] = [];
    await launch((b) =>
      b.on('photo', async (ctx) => {
        const largest = ctx.message.photo.at(-1)!;
        const link = await ctx.telegram.getFileLink(largest.file_id);
        const bytes = Buffer.from(await (await fetch(link)).arrayBuffer());
        seen.push({ caption: ctx.message.caption, bytes, sizes: ctx.message.photo.length });
      }),
    );
    const bob = fake.user(502, 'Bob');
    const chat = fake.privateChat(bob);
    const sent = await fake.sendPhoto(chat, bob, await picture('#2050d0', 300, 200), {
      caption: 'make it red',
    });
    await fake.waitUntil(() => seen[0], 'the bot to download the photo');
    const photo = sent.photo as { file_id: string; width: number; height: number }[];
    expect(photo.map((p) => [p.width, p.height])).toEqual([
      [90, 60],
      [300, 200],
    ]);
    expect(seen[0].caption).toBe('make it red');
    expect(seen[0].bytes.equals(fake.fileBytes(photo[1].file_id)!)).toBe(true);
    // Telegram keeps photos as JPEG.
    expect((await sharp(seen[0].bytes).metadata()).format).toBe('jpeg');
    expect(fake.downloads).toHaveLength(1);
  });

  it('records a multipart photo upload byte for byte, with its caption and inline keyboard, and its button presses', async () => {
    const pressed: string[] = [];
    await launch((b) => {
      b.on('callback_query', async (ctx) => {
        pressed.push((ctx.callbackQuery as { data: string }).data);
        await ctx.answerCbQuery('on it');
      });
    });
    const carol = fake.user(503, 'Carol');
    const chat = fake.privateChat(carol);
    const png = await picture('#d02020');
    const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
    const sent = await telegram.sendPhoto(
      chat.id,
      { source: png, filename: 'result.png' },
      {
        caption: 'seed 7',
        reply_markup: { inline_keyboard: [[{ text: 'reroll', callback_data: 'r:job-1:0' }]] },
      },
    );
    const call = fake.callsOf('sendPhoto')[0];
    expect(call.files.photo.filename).toBe('result.png');
    expect(call.files.photo.bytes.equals(png)).toBe(true);
    expect(call.params.caption).toBe('seed 7');
    expect(call.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'reroll', callback_data: 'r:job-1:0' }]],
    });
    expect(sent.photo.at(-1)).toMatchObject({ width: 64, height: 48 });

    const query = await fake.pressButton(chat, carol, fake.message(chat, sent.message_id)!, 'r:job-1:0');
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer.params).toMatchObject({ callback_query_id: query, text: 'on it' });
    expect(pressed).toEqual(['r:job-1:0']);
  });

  it('records documents, videos and animations sent as multipart, each a file the bot can fetch again', async () => {
    const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
    const hana = fake.user(508, 'Hana');
    const chat = fake.privateChat(hana);
    const bytes = {
      document: Buffer.from('full quality png bytes'),
      video: Buffer.from('an mp4, as far as the fake cares'),
      animation: Buffer.from('a gif'),
    };
    const doc = await telegram.sendDocument(
      chat.id,
      { source: bytes.document, filename: 'a.png' },
      { caption: 'seed 1' },
    );
    const video = await telegram.sendVideo(chat.id, { source: bytes.video, filename: 'a.mp4' });
    const animation = await telegram.sendAnimation(chat.id, { source: bytes.animation, filename: 'a.gif' });
    expect(fake.callsOf('sendDocument').at(-1)!.files.document.bytes.equals(bytes.document)).toBe(true);
    expect(fake.callsOf('sendVideo').at(-1)!.files.video.bytes.equals(bytes.video)).toBe(true);
    expect(fake.callsOf('sendAnimation').at(-1)!.files.animation.bytes.equals(bytes.animation)).toBe(true);
    expect(doc.document).toMatchObject({ file_name: 'a.png', file_size: bytes.document.length });
    expect(fake.fileBytes(video.video.file_id)?.equals(bytes.video)).toBe(true);
    expect(fake.fileBytes(animation.animation.file_id)?.equals(bytes.animation)).toBe(true);
    // Telegram refuses uploads over its 50 MB limit.
    const small = await FakeBotApi.start({ maxUploadBytes: 1024 });
    try {
      const client = new Telegram(small.token, { apiRoot: small.apiRoot });
      const room = small.privateChat(hana);
      await expect(
        client.sendDocument(room.id, { source: Buffer.alloc(4096), filename: 'big.bin' }),
      ).rejects.toThrow(/Request Entity Too Large/);
    } finally {
      await small.close();
    }
  });

  it('embeds the replied-to message and collects albums by media_group_id', async () => {
    const got: Message[] = [];
    await launch((b) => b.on('message', (ctx) => void got.push(ctx.message)));
    const dan = fake.user(504, 'Dan');
    const chat = fake.privateChat(dan);
    const first = await fake.sendPhoto(chat, dan, await picture('#ffffff'), {
      mediaGroupId: 'album-1',
      caption: 'fill',
    });
    await fake.sendPhoto(chat, dan, await picture('#000000'), { mediaGroupId: 'album-1' });
    await fake.sendText(chat, dan, 'again but green', { replyTo: first.message_id });
    await fake.waitUntil(() => (got.length === 3 ? true : undefined), 'three messages');
    expect(got.map((m) => (m as { media_group_id?: string }).media_group_id)).toEqual([
      'album-1',
      'album-1',
      undefined,
    ]);
    expect((got[2] as Message.TextMessage).reply_to_message?.message_id).toBe(first.message_id);
  });

  it('answers the chosen method with 429 and retry_after once, then normally', async () => {
    const erin = fake.user(505, 'Erin');
    const chat = fake.privateChat(erin);
    const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
    fake.failNext('sendMessage', { retryAfter: 2 });
    const refused = await telegram.sendMessage(chat.id, 'first').catch((e) => e);
    expect(refused.code).toBe(429);
    expect(refused.parameters).toEqual({ retry_after: 2 });
    expect(refused.description).toBe('Too Many Requests: retry after 2');
    await telegram.sendMessage(chat.id, 'second');
    const calls = fake.callsOf('sendMessage').filter((c) => c.params.chat_id === chat.id);
    expect(calls.map((c) => [c.ok, c.errorCode])).toEqual([
      [false, 429],
      [true, undefined],
    ]);
  });

  it('refuses what Telegram refuses: big downloads, long callback data, unchanged edits, unknown chats, wrong tokens', async () => {
    const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
    const frank = fake.user(506, 'Frank');
    const chat = fake.privateChat(frank);
    const big = fake.registerFile(Buffer.from('tiny'), { declaredSize: 25 * 1024 * 1024 });
    await expect(telegram.getFile(big.file_id)).rejects.toThrow(/file is too big/);
    await expect(
      telegram.sendMessage(chat.id, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'x'.repeat(65) }]] },
      }),
    ).rejects.toThrow(/BUTTON_DATA_INVALID/);
    const status = await telegram.sendMessage(chat.id, 'rendering 1/8');
    await telegram.editMessageText(chat.id, status.message_id, undefined, 'rendering 2/8');
    expect(fake.message(chat, status.message_id)?.text).toBe('rendering 2/8');
    await expect(
      telegram.editMessageText(chat.id, status.message_id, undefined, 'rendering 2/8'),
    ).rejects.toThrow(/message is not modified/);
    await expect(telegram.sendMessage(999_999, 'hello')).rejects.toThrow(/chat not found/);
    await expect(telegram.sendChatAction(chat.id, 'upload_photo')).resolves.toBe(true);
    const stranger = new Telegram('1:wrong', { apiRoot: fake.apiRoot });
    await expect(stranger.getMe()).rejects.toThrow(/Unauthorized/);
  });

  it('posts updates to the webhook with the secret token once one is set, and getUpdates is refused meanwhile', async () => {
    const received: { secret?: string; update: { update_id: number; message?: { text?: string } } }[] = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({
          secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
          update: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/telegram/webhook`;
    const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
    try {
      await telegram.setWebhook(url, { secret_token: 'hook-secret_1' });
      await expect(telegram.getUpdates(0, 10, 0, [])).rejects.toThrow(/Conflict/);
      const gina = fake.user(507, 'Gina');
      await fake.sendText(fake.privateChat(gina), gina, 'by webhook');
      expect(received).toHaveLength(1);
      expect(received[0].secret).toBe('hook-secret_1');
      expect(received[0].update.message?.text).toBe('by webhook');
      expect(fake.webhookDeliveries.at(-1)?.status).toBe(200);
    } finally {
      await telegram.deleteWebhook();
      hook.close();
    }
  });
});
