// /animate end to end through the fake Bot API with the real queue, renderer (toy model), ffmpeg and
// Redis: per-frame progress in the status message, "sending a video…", the clip sent with sendVideo
// (read back by ffmpeg), its caption and buttons, a photo animated, and a reply drawing the clip again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVideo } from '../../../renderer/video/decode-video.ts';
import { probeVideo } from '../../../renderer/video/probe-video.ts';
import type { RecordedCall } from '../../fakes/telegram/fake-bot-api.ts';
import type { FakeChat, FakeMessage } from '../../fakes/telegram/fake-chats.ts';
import { isBlue, isRed, meanAbsDiff, type Rgb, rgbOf, share } from '../../helpers/picture.ts';
import { buttonData, buttons, inChat, textIn } from './bot-calls.ts';
import { blueSky } from './pictures.ts';
import { startTelegramHarness, type TelegramHarness } from './telegram-harness.ts';

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ name: 'animate' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** Small clips keep the file quick: 4 frames of 128x128 at 4 steps each. */
const SMALL = '--size 128x128 --frames 4 --steps 4';

/** The `after`-th clip the bot sent to the chat, with what ffmpeg reads in it. */
async function nextVideo(chat: FakeChat, after: number) {
  const { fake } = h;
  const call = await fake.waitUntil(
    () => fake.callsOf('sendVideo').filter((c) => c.ok && inChat(chat)(c))[after],
    `clip ${after + 1} in chat ${chat.id}`,
    60_000,
  );
  const bytes = call.files.video.bytes;
  const probe = await probeVideo(bytes, 'mp4');
  const decoded = await decodeVideo(bytes, 'mp4');
  const frames: Rgb[] = decoded.frames.map((data) => ({
    data,
    width: decoded.width,
    height: decoded.height,
  }));
  const message = call.result as FakeMessage & { caption?: string };
  return { call, message, probe, frames, caption: String(call.params.caption ?? '') };
}

const statusEdits = (chat: FakeChat, statusId: number): string[] =>
  h.fake
    .callsOf('editMessageText')
    .filter((c: RecordedCall) => c.ok && inChat(chat)(c) && c.params.message_id === statusId)
    .map((c) => String(c.params.text));

describe('the Telegram bot, asked for a clip', () => {
  it('/animate answers with an H.264 video of the asked frames, after per-frame progress and "sending a video"', async () => {
    const { fake } = h;
    const ivy = fake.user(5001, 'Ivy');
    const chat = fake.privateChat(ivy);
    const asked = await fake.sendText(
      chat,
      ivy,
      // 96 steps a frame: a render long enough for several progress edits 100 ms apart.
      '/animate a red circle on a blue sky --seed 21 --size 128x128 --frames 4 --steps 96 --fps 4 --motion zoom-in',
    );
    const clip = await nextVideo(chat, 0);

    // What ffmpeg reads in the bytes the bot posted.
    expect(clip.probe.codec).toBe('h264');
    expect(clip.probe.frames).toBe(4);
    expect([clip.probe.width, clip.probe.height]).toEqual([128, 128]);
    expect(clip.probe.fps).toBe(4);
    // What it shows: the prompt's red circle on a blue sky, in the first frame and the last.
    for (const frame of [clip.frames[0], clip.frames.at(-1)!]) {
      expect(share(frame, isRed, { x0: 48, y0: 48, x1: 80, y1: 80 })).toBeGreaterThan(0.5);
      expect(share(frame, isBlue, { x0: 0, y0: 0, x1: 128, y1: 16 })).toBeGreaterThan(0.8);
    }
    // The caption: the prompt, seed and parameters, and the clip's frames, rate, motion and file.
    expect(clip.caption).toContain('prompt: a red circle on a blue sky');
    expect(clip.caption).toMatch(/seed 21 · \w+ · 96 steps · cfg 1\.5 · 128x128 · toy/);
    expect(clip.caption).toMatch(
      /🎞 4 frames · 4 fps · 1\.0 s · motion zoom-in · strength 0\.45 · 128x128 mp4/,
    );
    expect(clip.call.params.duration).toBe('1');
    expect(clip.message.reply_to_message?.message_id).toBe(asked.message_id);
    // A clip is rerolled or its first frame taken as a PNG; variations and upscales are for pictures.
    expect(buttons(clip.message).map((b) => b.text)).toEqual(['🔄 Reroll', '📄 First frame PNG']);

    // "Sending a video…" was shown before the clip went out, never "sending a photo".
    const action = fake
      .callsOf('sendChatAction')
      .find((c) => inChat(chat)(c) && c.params.action === 'upload_video');
    expect(action!.at).toBeLessThanOrEqual(clip.call.at);
    expect(fake.callsOf('sendPhoto').filter(inChat(chat))).toHaveLength(0);

    // The status message counted frames and the steps inside them, then closed.
    const statusId = asked.message_id + 1;
    await textIn(fake, chat, /^✅ done$/, 'the status message to close');
    const texts = statusEdits(chat, statusId);
    expect(texts.some((t) => /^⏳ rendering \[█*░*\] \d+% frame [1-4]\/4 · step \d+\/\d+/.test(t))).toBe(
      true,
    );
    expect(texts.at(-1)).toBe('✅ done');

    // The first-frame button sends frame 0 as a PNG file.
    await fake.pressButton(chat, ivy, clip.message, buttonData(clip.message, /First frame/));
    const png = await fake.waitForCall('sendDocument', inChat(chat), 'the first frame as a file');
    expect(png.files.document.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(String(png.params.caption)).toBe('first frame · seed 21');
  });

  it('a reply to a clip draws it again as a clip with the change; reroll makes another clip with a new seed', async () => {
    const { fake } = h;
    const kit = fake.user(5002, 'Kit');
    const chat = fake.privateChat(kit);
    await fake.sendText(chat, kit, `/animate a red circle on a blue sky --seed 5 ${SMALL}`);
    const first = await nextVideo(chat, 0);

    await fake.sendText(chat, kit, '--frames 3', { replyTo: first.message.message_id });
    const edited = await nextVideo(chat, 1);
    expect(edited.probe.frames).toBe(3);
    expect(edited.caption).toContain('seed 5');
    expect(edited.caption).toContain('prompt: a red circle on a blue sky');
    expect(edited.caption).toMatch(/🎞 3 frames · 8 fps/);

    await fake.pressButton(chat, kit, edited.message, buttonData(edited.message, /Reroll/));
    const rerolled = await nextVideo(chat, 2);
    expect(rerolled.probe.frames).toBe(3);
    expect(rerolled.caption).not.toContain('seed 5 ');
    expect(rerolled.caption).toMatch(/🎞 3 frames/);
  });

  it('a photo with the caption /animate makes a clip that starts from the photo', async () => {
    const { fake } = h;
    const lou = fake.user(5003, 'Lou');
    const chat = fake.privateChat(lou);
    // Strength 0 keeps every moved frame as it is, so the clip shows the photo, not the prompt's circle.
    await fake.sendPhoto(chat, lou, await blueSky(), {
      caption: `/animate a red circle on a blue sky ${SMALL} --strength-schedule 0:0 --motion pan-left`,
    });
    const clip = await nextVideo(chat, 0);
    expect(clip.probe.frames).toBe(4);
    for (const frame of clip.frames) {
      expect(share(frame, isBlue)).toBeGreaterThan(0.95);
      expect(share(frame, isRed)).toBeLessThan(0.01);
    }
    expect(clip.caption).toMatch(/motion pan-left · strength 0:0/);
  });

  it('/animate as a reply to a picture animates that picture; to a result, with its prompt', async () => {
    const { fake } = h;
    const ora = fake.user(5006, 'Ora');
    const chat = fake.privateChat(ora);
    const photo = await fake.sendPhoto(chat, ora, await blueSky());
    await textIn(fake, chat, /^got the picture/);
    await fake.sendText(
      chat,
      ora,
      `/animate a red circle on a blue sky ${SMALL} --strength-schedule 0:0 --motion zoom-in`,
      { replyTo: photo.message_id },
    );
    const fromPhoto = await nextVideo(chat, 0);
    expect(fromPhoto.probe.frames).toBe(4);
    for (const frame of fromPhoto.frames) expect(share(frame, isRed)).toBeLessThan(0.01);

    // A picture result: a reply of flags only keeps the result's prompt, and the clip starts from it.
    await fake.sendText(chat, ora, '/imagine a red circle on a blue sky --seed 9 --steps 4');
    const picture = await fake.waitUntil(
      () => fake.callsOf('sendPhoto').find((c) => c.ok && inChat(chat)(c)),
      'the picture',
    );
    const pictureId = (picture.result as FakeMessage).message_id;
    await fake.sendText(chat, ora, `/animate ${SMALL} --strength-schedule 0:0`, { replyTo: pictureId });
    const fromResult = await nextVideo(chat, 1);
    expect(fromResult.caption).toContain('prompt: a red circle on a blue sky');
    // Frame 0 is the result picture itself (through Telegram's photo and H.264, so not to the bit).
    const shown = await rgbOf(picture.files.photo.bytes);
    expect(meanAbsDiff(fromResult.frames[0], shown)).toBeLessThan(8);
    expect(share(fromResult.frames[0], isRed, { x0: 48, y0: 48, x1: 80, y1: 80 })).toBeGreaterThan(0.25);
    const sentIds = fake.callsOf('getFile').map((c) => c.params.file_id) as string[];
    expect(sentIds).toContain((picture.result as { photo: { file_id: string }[] }).photo.at(-1)!.file_id);
  });

  it('an album captioned /animate is answered with what to send instead', async () => {
    const { fake } = h;
    const max = fake.user(5004, 'Max');
    const chat = fake.privateChat(max);
    await fake.sendPhoto(chat, max, await blueSky(), { mediaGroupId: 'a1', caption: '/animate a boat' });
    await fake.sendPhoto(chat, max, await blueSky(), { mediaGroupId: 'a1' });
    const answer = await textIn(fake, chat, /^❌ \/animate/);
    expect(answer.text).toBe(
      '❌ /animate starts from one photo; this album has 2: send the photo alone with the caption',
    );
  });
});

describe('a clip over the Telegram budget', () => {
  let small: TelegramHarness;
  /**
   * Bytes a clip may have here: under the first encode of the clip below (about 12 kB), and well over
   * the least the encoder's lowest bitrate makes of one second (about 6 kB). Which of bitrate and size the encoder gives up depends on the
   * pictures; test/renderer/video/encode-video.test.ts walks both steps on a clip of its own.
   */
  const BUDGET = 8000;

  beforeAll(async () => {
    small = await startTelegramHarness({
      name: 'animate-budget',
      env: { VIDEO_MAX_BYTES_TELEGRAM: String(BUDGET) },
    });
  }, 120_000);

  afterAll(async () => {
    await small?.close();
  });

  it('is encoded again to fit, and the caption says what was given up', async () => {
    const { fake } = small;
    const ned = fake.user(5005, 'Ned');
    const chat = fake.privateChat(ned);
    await fake.sendText(
      chat,
      ned,
      '/animate a red circle on a blue sky --seed 3 --size 512x512 --frames 8 --steps 4 --motion zoom-in:3 --strength-schedule 0:0',
    );
    const sent = await fake.waitUntil(
      () =>
        fake.callsOf('sendVideo').find((c) => c.ok && inChat(chat)(c)) ??
        fake.history(chat).find((m) => m.text?.startsWith('❌ ') && m.text !== '❌ failed'),
      'the clip',
      60_000,
    );
    expect('method' in sent ? 'a clip' : sent.text).toBe('a clip');
    const call = sent as RecordedCall;
    const bytes = call.files.video.bytes;
    expect(bytes.length).toBeLessThanOrEqual(BUDGET);
    const probe = await probeVideo(bytes, 'mp4');
    expect(probe.codec).toBe('h264');
    expect(probe.frames).toBe(8);
    // The caption and the video's size hints tell the clip as sent.
    expect(probe.width).toBeLessThanOrEqual(512);
    expect([Number(call.params.width), Number(call.params.height)]).toEqual([probe.width, probe.height]);
    expect(String(call.params.caption)).toContain(`· ${probe.width}x${probe.height} mp4`);
    expect(String(call.params.caption)).toMatch(
      /⚠ the mp4 was .*, over the .* limit here, so it was encoded again at \d+ kb\/s/,
    );
    if (probe.width < 256)
      expect(String(call.params.caption)).toContain(`at ${probe.width}x${probe.height} instead of 512x512`);
  });
});
