// /imagine and what follows it, end to end through the fake Bot API with the real queue, renderer
// (toy model) and Redis: the result photo and its caption, progress edits, buttons, replies that
// regenerate, flood limits, /queue and /cancel, settings and chat policy, and who may use the bot.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobMessages } from '../../../bots/shared/job-messages.ts';
import { messageKey } from '../../../bots/telegram/message-key.ts';
import { createTelegramSurface } from '../../../bots/telegram/start-telegram.ts';
import { parseConfig } from '../../../core/config/config.ts';
import { FakeBotApi } from '../../fakes/telegram/fake-bot-api.ts';
import { cornerShare, isBlue, isRed, isYellow, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { buttonData, buttons, inChat, nextPhoto, photosIn, textIn } from './bot-calls.ts';
import { startTelegramHarness, type TelegramHarness } from './telegram-harness.ts';

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ name: 'imagine' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const seedOf = (caption: string) => Number(/seed (\d+)/.exec(caption)?.[1]);

describe('the Telegram bot, asked for pictures', () => {
  it('/imagine answers with a photo of the prompt whose caption has the seed, after a status message edited with progress', async () => {
    const { fake } = h;
    const alice = fake.user(1001, 'Alice');
    const chat = fake.privateChat(alice);
    const asked = await fake.sendText(
      chat,
      alice,
      '/imagine a red circle on a blue sky --seed 1234 --size 256x256 --steps 60',
    );
    const result = await nextPhoto(fake, chat, 0);

    expect(result.caption).toContain('seed 1234');
    expect(result.caption).toContain('prompt: a red circle on a blue sky');
    expect(result.caption).toMatch(/60 steps · cfg 1\.5 · 256x256 · toy/);
    expect(result.message.reply_to_message?.message_id).toBe(asked.message_id);
    // What the photo shows: a red circle in the middle of a blue sky.
    expect([result.rgb.width, result.rgb.height]).toEqual([256, 256]);
    expect(share(result.rgb, isRed, { x0: 96, y0: 96, x1: 160, y1: 160 })).toBeGreaterThan(0.5);
    expect(cornerShare(result.rgb, isBlue)).toBeGreaterThan(0.9);
    // Buttons: reroll, variations, upscale, PNG; each within Telegram's 64 bytes (the fake refuses more).
    expect(buttons(result.message).map((b) => b.text)).toEqual([
      '🔄 Reroll',
      '🎲 Variations',
      '🔍 Upscale',
      '📄 PNG',
    ]);

    // The status message replied to the request, showed progress with a bar, and was closed.
    const statusId = asked.message_id + 1;
    const status = await fake.waitUntil(
      () => (fake.message(chat, statusId)?.text === '✅ done' ? fake.message(chat, statusId) : undefined),
      'the status message to close',
    );
    expect(status.reply_to_message?.message_id).toBe(asked.message_id);
    const edits = fake
      .callsOf('editMessageText')
      .filter((c) => inChat(chat)(c) && c.params.message_id === statusId);
    const texts = edits.map((e) => String(e.params.text));
    expect(texts.some((t) => /^⏳ rendering \[█*░*\] \d+% step \d+\/60/.test(t))).toBe(true);
    expect(texts.at(-1)).toBe('✅ done');
    // While it ran, the status message had a cancel button.
    expect(buttons(edits[0].params as { reply_markup?: unknown }).map((b) => b.text)).toEqual(['✖ Cancel']);
    // "Uploading a photo…" was shown before the photo went out.
    const action = fake
      .callsOf('sendChatAction')
      .find((c) => inChat(chat)(c) && c.params.action === 'upload_photo');
    expect(action).toBeDefined();
    expect(action!.at).toBeLessThanOrEqual(result.call.at);
  });

  it('takes plain text in a private chat as a prompt', async () => {
    const { fake } = h;
    const bob = fake.user(1002, 'Bob');
    const chat = fake.privateChat(bob);
    await fake.sendText(chat, bob, 'a yellow square on a blue sky --seed 5');
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('seed 5');
    expect(share(result.rgb, isYellow)).toBeGreaterThan(0.05);
  });

  it('answers a bad flag with what to change, and queues nothing', async () => {
    const { fake } = h;
    const carol = fake.user(1003, 'Carol');
    const chat = fake.privateChat(carol);
    await fake.sendText(chat, carol, '/imagine a fox --sed 7');
    const answer = await textIn(fake, chat, /--sed/);
    expect(answer.text).toContain('did you mean --seed?');
    await fake.sendText(chat, carol, '/imagine');
    expect((await textIn(fake, chat, /is empty/)).text).toBe('❌ prompt is empty: describe what to draw');
    expect(photosIn(fake, chat)).toBe(0);
  });

  it('buttons make new jobs: reroll with a new seed, a variation and an upscale of the picture, the PNG as a file; only for the person who asked', async () => {
    const { fake } = h;
    const dan = fake.user(1004, 'Dan');
    const chat = fake.privateChat(dan);
    await fake.sendText(chat, dan, '/imagine a red circle on a blue sky --seed 77');
    const first = await nextPhoto(fake, chat, 0);
    const resultMessage = fake.message(chat, first.message.message_id)!;

    // Someone else's press is refused, with an alert.
    const eve = fake.user(1005, 'Eve');
    const refused = await fake.pressButton(chat, eve, resultMessage, buttonData(first.message, /Reroll/));
    const refusal = await fake.waitForCall(
      'answerCallbackQuery',
      (c) => c.params.callback_query_id === refused,
    );
    expect(refusal.params).toMatchObject({
      text: 'only the person who asked can use these buttons',
      show_alert: true,
    });

    const reroll = await fake.pressButton(chat, dan, resultMessage, buttonData(first.message, /Reroll/));
    const answered = await fake.waitForCall(
      'answerCallbackQuery',
      (c) => c.params.callback_query_id === reroll,
    );
    expect(answered.params.text).toContain('new seed');
    const second = await nextPhoto(fake, chat, 1, 'the rerolled photo');
    expect(seedOf(second.caption)).not.toBe(77);
    expect(second.caption).toContain('prompt: a red circle on a blue sky');
    // The reroll's status message answered the result it came from.
    await fake.waitUntil(
      () =>
        fake
          .history(chat)
          .find((m) => m.reply_to_message?.message_id === resultMessage.message_id && m.text === '✅ done'),
      'the reroll status message, replying to the result, to close',
    );

    await fake.pressButton(chat, dan, resultMessage, buttonData(first.message, /Variations/));
    const variation = await nextPhoto(fake, chat, 2, 'the variation');
    expect(variation.caption).toContain('strength 0.6');
    // A variation of a red circle on a sky is still one.
    expect(cornerShare(variation.rgb, isBlue)).toBeGreaterThan(0.5);

    await fake.pressButton(chat, dan, resultMessage, buttonData(first.message, /Upscale/));
    const upscaled = await nextPhoto(fake, chat, 3, 'the upscale');
    expect([upscaled.rgb.width, upscaled.rgb.height]).toEqual([256, 256]);

    await fake.pressButton(chat, dan, resultMessage, buttonData(first.message, /PNG/));
    const document = await fake.waitForCall('sendDocument', inChat(chat));
    expect(document.files.document.filename).toMatch(/seed77\.png$/);
    const png = document.files.document.bytes;
    expect((await sharp(png).metadata()).format).toBe('png');
    // The file is the full-quality picture the photo was made from.
    expect(png.equals(first.bytes)).toBe(true);
  });

  it('a reply to a result with new text draws it again with that text, keeping the old flags', async () => {
    const { fake } = h;
    const fay = fake.user(1006, 'Fay');
    const chat = fake.privateChat(fay);
    await fake.sendText(chat, fay, '/imagine a red circle on a blue sky --seed 31 --steps 7 --no blur');
    const first = await nextPhoto(fake, chat, 0);
    const reply = await fake.sendText(chat, fay, 'a yellow square on a blue sky', {
      replyTo: first.message.message_id,
    });
    const second = await nextPhoto(fake, chat, 1, 'the regenerated photo');
    expect(second.caption).toContain('prompt: a yellow square on a blue sky');
    expect(second.caption).toContain('seed 31 · euler_a · 7 steps');
    expect(second.caption).toContain('negative: blur');
    expect(second.message.reply_to_message?.message_id).toBe(reply.message_id);
    expect(share(second.rgb, isYellow)).toBeGreaterThan(0.05);
    expect(share(second.rgb, isRed)).toBeLessThan(0.01);

    // Flags only: the old prompt stays, the flag changes.
    await fake.sendText(chat, fay, '--seed 32', { replyTo: second.message.message_id });
    const third = await nextPhoto(fake, chat, 2, 'the photo with a new seed');
    expect(third.caption).toContain('prompt: a yellow square on a blue sky');
    expect(third.caption).toContain('seed 32 · euler_a · 7 steps');
  });

  it('waits out a 429 with retry_after from the Bot API and still delivers the photo', async () => {
    const { fake } = h;
    const gus = fake.user(1007, 'Gus');
    const chat = fake.privateChat(gus);
    fake.failNext('sendPhoto', { retryAfter: 1 });
    await fake.sendText(chat, gus, '/imagine a red circle --seed 9');
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('seed 9');
    const tries = fake.callsOf('sendPhoto').filter(inChat(chat));
    expect(tries.map((c) => [c.ok, c.errorCode])).toEqual([
      [false, 429],
      [true, undefined],
    ]);
    // Sent again only after the wait Telegram asked for, and the same bytes.
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(1000);
    expect(tries[1].files.photo.bytes.equals(tries[0].files.photo.bytes)).toBe(true);
    expect(h.logs.some((l) => /sendPhoto hit the flood limit, sending again in 1 s/.test(l))).toBe(true);
  });

  it('/queue lists a waiting job with its place, /cancel stops it and the status message says so', async () => {
    const { fake, stack } = h;
    const hal = fake.user(1008, 'Hal');
    const chat = fake.privateChat(hal);
    await stack.system.queues.gpu.pause();
    try {
      await fake.sendText(chat, hal, '/imagine a green triangle');
      const status = await textIn(fake, chat, /^⏳ queued: 1st in line/, 'the queued status');
      await fake.sendText(chat, hal, '/queue');
      const listed = await textIn(fake, chat, /^Your jobs:/);
      expect(listed.text).toContain('imagine "a green triangle": queued, 1 in line');
      await fake.sendText(chat, hal, '/cancel');
      await textIn(fake, chat, /^✖ cancelled$/, 'the cancel answer');
      await fake.waitUntil(
        () => (fake.message(chat, status.message_id)?.text === '✖ cancelled' ? true : undefined),
        'the status message to close',
      );
      await fake.sendText(chat, hal, '/queue');
      await textIn(fake, chat, /no pictures in progress/);
    } finally {
      await stack.system.queues.gpu.resume();
    }
    expect(photosIn(fake, chat)).toBe(0);
  });

  it("the status message's cancel button stops the job, for the person who asked only", async () => {
    const { fake, stack } = h;
    const ned = fake.user(1016, 'Ned');
    const chat = fake.privateChat(ned);
    await stack.system.queues.gpu.pause();
    try {
      await fake.sendText(chat, ned, '/imagine a white square');
      const status = await textIn(fake, chat, /^⏳ queued/, 'the queued status');
      await fake.waitUntil(
        () => (buttons(fake.message(chat, status.message_id)!).length > 0 ? true : undefined),
        'the cancel button',
      );
      const shown = fake.message(chat, status.message_id)!;
      const other = await fake.pressButton(chat, fake.user(1017, 'Oz'), shown, buttonData(shown, /Cancel/));
      expect(
        (await fake.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === other)).params
          .show_alert,
      ).toBe(true);
      const own = await fake.pressButton(chat, ned, shown, buttonData(shown, /Cancel/));
      expect(
        (await fake.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === own)).params
          .text,
      ).toBe('cancelled');
      await fake.waitUntil(
        () => (fake.message(chat, status.message_id)?.text === '✖ cancelled' ? true : undefined),
        'the status message to close',
      );
    } finally {
      await stack.system.queues.gpu.resume();
    }
    expect(photosIn(fake, chat)).toBe(0);
  });
});

describe('settings and chat policy', () => {
  it('a private chat sets its own defaults; the result says what they added', async () => {
    const { fake } = h;
    const jo = fake.user(1010, 'Jo');
    const chat = fake.privateChat(jo);
    await fake.sendText(chat, jo, '/settings prefix a red circle');
    expect((await textIn(fake, chat, /^✅ your defaults/)).text).toContain('prompt prefix: a red circle');
    await fake.sendText(chat, jo, '/settings negative yellow');
    await textIn(fake, chat, /negative prompt: yellow/);
    await fake.sendText(chat, jo, '/imagine on a blue sky --seed 3');
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('prompt: a red circle, on a blue sky');
    expect(result.caption).toContain('negative: yellow');
    expect(result.caption).toMatch(/added by this chat's settings: prefix "a red circle", negative "yellow"/);
    expect(share(result.rgb, isRed)).toBeGreaterThan(0.05);
    await fake.sendText(chat, jo, '/settings steps 5000');
    expect((await textIn(fake, chat, /^❌ .*steps/)).text).toContain('must be between 1 and 1000');
  });

  it("in a group only admins change the chat's settings and policy, and the policy is enforced", async () => {
    const { fake } = h;
    const group = fake.group(-1001234, 'painters');
    const admin = fake.user(1011, 'Kim');
    const member = fake.user(1012, 'Lee');
    fake.setMemberStatus(group, admin, 'administrator');
    await fake.sendText(group, member, '/settings prefix watercolor');
    await textIn(fake, group, /only the chat's admins change its settings/);
    await fake.sendText(group, admin, '/settings size 128x128');
    expect((await textIn(fake, group, /^✅ this chat's defaults/)).text).toContain('width: 128\nheight: 128');
    await fake.sendText(group, admin, '/settings policy who admins');
    await textIn(fake, group, /who may ask: admins/);
    await fake.sendText(group, member, '/imagine a red circle');
    await textIn(fake, group, /only the chat's admins may ask/);
    await fake.sendText(group, admin, '/settings policy kinds imagine,cartoon');
    expect((await textIn(fake, group, /policy kinds/)).text).toContain('must list some of imagine, remix');
    await fake.sendText(group, admin, '/imagine a red circle --seed 4');
    const result = await nextPhoto(fake, group, 0);
    expect(result.caption).toContain('seed 4');
    // A member's own settings are theirs to change in any chat.
    await fake.sendText(group, member, '/settings me steps 6');
    expect((await textIn(fake, group, /^✅ your defaults/)).text).toContain('steps: 6');
  });

  it('TELEGRAM_ALLOWED_USERS and TELEGRAM_ALLOWED_CHATS: anyone else is told, and nothing is queued', async () => {
    const fake = await FakeBotApi.start();
    const config = parseConfig({
      DATA_DIR: h.config.dataDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_ALLOWED_USERS: '2001',
      TELEGRAM_ALLOWED_CHATS: '-100777',
    });
    const bot = createTelegramSurface({ config, stack: h.stack, log: () => undefined });
    await bot.start();
    try {
      const stranger = fake.user(2002, 'Stranger');
      const strangerChat = fake.privateChat(stranger);
      await fake.sendText(strangerChat, stranger, '/imagine a red circle');
      expect((await textIn(fake, strangerChat, /^⛔/)).text).toContain('TELEGRAM_ALLOWED_CHATS');
      // A listed user may ask anywhere; anyone may ask in a listed chat.
      const friend = fake.user(2001, 'Friend');
      await fake.sendText(fake.privateChat(friend), friend, '/help');
      await textIn(fake, fake.privateChat(friend), /^Ways to ask/);
      const club = fake.group(-100777, 'club');
      await fake.sendText(club, stranger, '/help');
      await textIn(fake, club, /^Ways to ask/);
      expect(fake.callsOf('sendMessage').filter((c) => String(c.params.text).startsWith('⏳'))).toHaveLength(
        0,
      );
    } finally {
      await bot.stop();
      await fake.close();
    }
  });
});

describe('several pictures, restarts and other messages', () => {
  it('--n 2 answers with one grid photo, a seed per picture, and buttons per picture', async () => {
    const { fake } = h;
    const kay = fake.user(1013, 'Kay');
    const chat = fake.privateChat(kay);
    await fake.sendText(chat, kay, '/imagine a red circle on a blue sky --n 2 --seed 40');
    const grid = await nextPhoto(fake, chat, 0);
    expect([grid.rgb.width, grid.rgb.height]).toEqual([256, 128]);
    expect(grid.caption).toContain('seeds 40, 41');
    expect(buttons(grid.message).map((b) => b.text)).toEqual([
      '🔄 Reroll',
      '📄 PNGs',
      'V1',
      'V2',
      'U1',
      'U2',
    ]);
    // V2 varies the second picture: the variation's job works on that picture.
    await fake.pressButton(
      chat,
      kay,
      fake.message(chat, grid.message.message_id)!,
      buttonData(grid.message, /^V2$/),
    );
    const variation = await nextPhoto(fake, chat, 1, 'the variation of picture 2');
    expect(variation.caption).toContain('strength 0.6');
    const links = new JobMessages(h.stack.system.redis, h.stack.system.orchestrator.keys.prefix, 3_600_000);
    // The replier links a result to its job once Telegram has answered the upload: wait for it.
    const gridJob = await waitFor(
      () => links.jobOf(messageKey(chat.id, grid.message.message_id)),
      'the grid linked to its job',
    );
    const variationJob = await waitFor(
      () => links.jobOf(messageKey(chat.id, variation.message.message_id)),
      'the variation linked to its job',
    );
    const [parent, child] = await Promise.all([
      h.stack.system.orchestrator.state(gridJob!),
      h.stack.system.orchestrator.state(variationJob!),
    ]);
    expect(child?.job.kind).toBe('variation');
    expect(child?.job.parent).toEqual({ jobId: gridJob, index: 1 });
    const pictures = (parent?.outputs['encode-image'] as { images: { artifact: string }[] }).images;
    expect(child?.job.inputs.image).toEqual({ type: 'artifact', id: pictures[1].artifact });
  });

  it('buttons and replies keep working after the bot restarts (the links are in Redis)', async () => {
    const { fake } = h;
    const lou = fake.user(1014, 'Lou');
    const chat = fake.privateChat(lou);
    await fake.sendText(chat, lou, '/imagine a red circle on a blue sky --seed 50');
    const first = await nextPhoto(fake, chat, 0);
    await h.bot.stop();
    h.bot = createTelegramSurface({ config: h.config, stack: h.stack, log: (l) => h.logs.push(l) });
    await h.bot.start();
    await fake.sendText(chat, lou, 'a yellow square on a blue sky', { replyTo: first.message.message_id });
    const second = await nextPhoto(fake, chat, 1, 'the regenerated photo after the restart');
    expect(second.caption).toContain('prompt: a yellow square on a blue sky');
    expect(second.caption).toContain('seed 50');
    await fake.pressButton(
      chat,
      lou,
      fake.message(chat, first.message.message_id)!,
      buttonData(first.message, /Reroll/),
    );
    const third = await nextPhoto(fake, chat, 2, 'the reroll after the restart');
    expect(third.caption).toContain('prompt: a red circle on a blue sky');
  });

  it('in a forum group, the status and the result stay in the topic the request came from', async () => {
    const { fake } = h;
    const forum = fake.group(-1001016, 'forum');
    const pat = fake.user(1018, 'Pat');
    const asked = fake.state.chats.post(forum, pat, {
      text: '/imagine a red circle --seed 60',
      entities: [{ type: 'bot_command', offset: 0, length: 8 }],
      is_topic_message: true,
      message_thread_id: 7,
    });
    await fake.inject({ message: asked });
    const result = await nextPhoto(fake, forum, 0);
    expect(result.call.params.message_thread_id).toBe('7');
    const status = fake
      .callsOf('sendMessage')
      .find((c) => inChat(forum)(c) && String(c.params.text).startsWith('⏳'));
    expect(status?.params.message_thread_id).toBe(7);
  });

  it('answers a sticker in a private chat with what it can do', async () => {
    const { fake } = h;
    const max = fake.user(1015, 'Max');
    const chat = fake.privateChat(max);
    const sticker = fake.state.chats.post(chat, max, { sticker: { file_id: 'S1', width: 512, height: 512 } });
    await fake.inject({ message: sticker });
    expect((await textIn(fake, chat, /^send a prompt/)).text).toContain('/help');
  });
});
