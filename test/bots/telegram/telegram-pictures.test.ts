// Pictures into the Telegram bot, end to end through the fake Bot API with the real queue, renderer
// (toy model) and Redis: a photo with a caption is remixed; a picture and a mask (an album of two, a
// mask sent as a reply, a scribbled copy sent as a reply, or files instead of photos) are inpainted:
// the result changes only inside the mask, and shows there what the prompt asks. Files over the Bot
// API's download limit, empty masks and other files are refused with a message.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/telegram/fake-chats.ts';
import { cornerShare, isBlue, isRed, rgbOf, share } from '../../helpers/picture.ts';
import { inChat, nextPhoto, photosIn, textIn } from './bot-calls.ts';
import { blackMask, blueSky, boxMask, inset, maxDiffOutside, REGION, scribbledCopy } from './pictures.ts';
import { startTelegramHarness, type TelegramHarness } from './telegram-harness.ts';

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ name: 'pictures' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** The bytes Telegram keeps of a photo message (its largest size, JPEG), as the bot downloads them. */
function storedPhoto(message: FakeMessage): Buffer {
  const sizes = message.photo as { file_id: string }[];
  return h.fake.fileBytes(sizes.at(-1)!.file_id)!;
}

/** The inpaint changed nothing outside the mask (beyond the blur and growth margin) and drew red inside. */
async function expectRedOnlyInside(result: Buffer, input: Buffer, margin: number) {
  const [out, original] = await Promise.all([rgbOf(result), rgbOf(input)]);
  expect([out.width, out.height]).toEqual([original.width, original.height]);
  expect(maxDiffOutside(out, original, REGION, margin)).toBeLessThanOrEqual(1);
  expect(share(out, isRed, inset(REGION, 8))).toBeGreaterThan(0.15);
  expect(cornerShare(out, isBlue)).toBeGreaterThan(0.95);
}

describe('pictures sent to the Telegram bot', () => {
  it('a photo with a caption is remixed: the photo is fetched through the Bot API and drawn over, keeping its aspect', async () => {
    const { fake } = h;
    const ann = fake.user(3001, 'Ann');
    const chat = fake.privateChat(ann);
    const wide = await sharp({
      create: { width: 192, height: 96, channels: 3, background: { r: 40, g: 90, b: 220 } },
    })
      .png()
      .toBuffer();
    const sent = await fake.sendPhoto(chat, ann, wide, { caption: 'a red circle --strength 0.8 --seed 8' });
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('strength 0.8');
    expect(result.caption).toContain('176x88');
    expect([result.rgb.width, result.rgb.height]).toEqual([176, 88]);
    expect(share(result.rgb, isRed)).toBeGreaterThan(0.03);
    expect(cornerShare(result.rgb, isBlue)).toBeGreaterThan(0.8);
    // The queue's media resolver downloaded the photo's largest size from the Bot API's file path.
    const largest = (sent.photo as { file_id: string }[]).at(-1)!;
    const getFile = fake.callsOf('getFile').find((c) => c.params.file_id === largest.file_id);
    expect(getFile?.ok).toBe(true);
    expect(fake.downloads).toContain((getFile!.result as { file_path: string }).file_path);
  });

  it('an album of two photos (the picture, then the mask) is an inpaint that changes only the masked region', async () => {
    const { fake } = h;
    const ben = fake.user(3002, 'Ben');
    const chat = fake.privateChat(ben);
    const image = await fake.sendPhoto(chat, ben, await blueSky(), {
      mediaGroupId: 'g1',
      caption: 'a red circle --seed 2',
    });
    await fake.sendPhoto(chat, ben, await boxMask(), { mediaGroupId: 'g1' });
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain('prompt: a red circle');
    expect(result.message.reply_to_message?.message_id).toBe(image.message_id);
    await expectRedOnlyInside(result.bytes, storedPhoto(image), 10);
  });

  it('a mask sent as a reply to a picture is an inpaint of that picture', async () => {
    const { fake } = h;
    const cat = fake.user(3003, 'Cat');
    const chat = fake.privateChat(cat);
    const image = await fake.sendPhoto(chat, cat, await blueSky());
    // A picture alone is not a request: the bot says what it can do with it.
    expect((await textIn(fake, chat, /^got the picture/)).text).toContain('reply to it with a mask');
    await fake.sendPhoto(chat, cat, await boxMask(), {
      caption: 'a red circle --seed 3',
      replyTo: image.message_id,
    });
    const result = await nextPhoto(fake, chat, 0);
    await expectRedOnlyInside(result.bytes, storedPhoto(image), 10);
  });

  it('a copy scribbled on with the drawing tool, sent as a reply, is an inpaint where the copy differs', async () => {
    const { fake } = h;
    const dee = fake.user(3004, 'Dee');
    const chat = fake.privateChat(dee);
    const image = await fake.sendPhoto(chat, dee, await blueSky());
    // The user draws on the photo as Telegram shows it (the JPEG it keeps), and sends the copy back.
    const scribbled = await scribbledCopy(storedPhoto(image));
    await fake.sendPhoto(chat, dee, scribbled, {
      caption: 'a red circle --seed 4',
      replyTo: image.message_id,
    });
    const result = await nextPhoto(fake, chat, 0);
    // The strokes' edge, the mask's growth and its blur make the margin.
    await expectRedOnlyInside(result.bytes, storedPhoto(image), 12);
    // The yellow pen itself is gone: the region was painted from the prompt, not kept.
    const out = await rgbOf(result.bytes);
    const yellowish = share(out, ([r, g, b]) => r > 200 && g > 180 && b < 100, inset(REGION, 6));
    expect(yellowish).toBeLessThan(0.05);
  });

  it('pictures sent as files (uncompressed) work the same, and outside the mask stay exactly as sent', async () => {
    const { fake } = h;
    const eli = fake.user(3005, 'Eli');
    const chat = fake.privateChat(eli);
    const png = await blueSky();
    await fake.sendDocument(chat, eli, png, {
      fileName: 'sky.png',
      mimeType: 'image/png',
      mediaGroupId: 'g2',
      caption: 'a red circle --seed 5',
    });
    await fake.sendDocument(chat, eli, await boxMask(), {
      fileName: 'mask.png',
      mimeType: 'image/png',
      mediaGroupId: 'g2',
    });
    const result = await nextPhoto(fake, chat, 0);
    await expectRedOnlyInside(result.bytes, png, 10);
  });

  it('a picture sent as a file with a caption is remixed at its own aspect ratio', async () => {
    const { fake } = h;
    const flo = fake.user(3010, 'Flo');
    const chat = fake.privateChat(flo);
    const tall = await sharp({
      create: { width: 96, height: 192, channels: 3, background: { r: 40, g: 90, b: 220 } },
    })
      .png()
      .toBuffer();
    await fake.sendDocument(chat, flo, tall, {
      fileName: 'tall.png',
      mimeType: 'image/png',
      caption: 'a red circle --strength 0.95 --seed 9',
    });
    const result = await nextPhoto(fake, chat, 0);
    expect([result.rgb.width, result.rgb.height]).toEqual([88, 176]);
    expect(share(result.rgb, isRed)).toBeGreaterThan(0.03);
  });

  it('a mask of another size is resized to the picture, and the user is told', async () => {
    const { fake } = h;
    const fox = fake.user(3006, 'Fox');
    const chat = fake.privateChat(fox);
    const image = await fake.sendDocument(chat, fox, await blueSky(), {
      fileName: 'sky.png',
      mimeType: 'image/png',
    });
    await fake.sendDocument(chat, fox, await boxMask(64), {
      fileName: 'mask.png',
      mimeType: 'image/png',
      caption: 'a red circle --seed 6',
      replyTo: image.message_id,
    });
    const note = 'the mask is 64x64, the picture 128x128: the mask was resized to fit';
    await textIn(fake, chat, new RegExp(`⚠ ${note}`), 'the resize note on the status message');
    const result = await nextPhoto(fake, chat, 0);
    expect(result.caption).toContain(`⚠ ${note}`);
    await expectRedOnlyInside(result.bytes, await blueSky(), 10);
  });

  it('an empty mask is refused with a message that says so, and nothing is queued', async () => {
    const { fake } = h;
    const gil = fake.user(3007, 'Gil');
    const chat = fake.privateChat(gil);
    await fake.sendPhoto(chat, gil, await blueSky(), { mediaGroupId: 'g3', caption: 'a red circle' });
    await fake.sendPhoto(chat, gil, await blackMask(), { mediaGroupId: 'g3' });
    const refused = await textIn(fake, chat, /^❌/);
    expect(refused.text).toBe(
      '❌ mask is empty: paint the part to repaint white (the rest black) and send it again',
    );
    // A scribbled copy identical to the picture is an empty mask too.
    const image = await fake.sendPhoto(chat, gil, await blueSky());
    await fake.sendPhoto(chat, gil, storedPhoto(image), {
      caption: 'a red circle',
      replyTo: image.message_id,
    });
    await textIn(fake, chat, /your copy does not differ from the picture/);
    expect(
      fake.callsOf('sendMessage').filter((c) => inChat(chat)(c) && String(c.params.text).startsWith('⏳')),
    ).toHaveLength(0);
  });

  it('a file over the 20 MB download limit is refused with a message, before anything is downloaded', async () => {
    const { fake } = h;
    const hob = fake.user(3008, 'Hob');
    const chat = fake.privateChat(hob);
    const before = fake.downloads.length;
    const photo = await fake.sendPhoto(chat, hob, await blueSky(), {
      caption: 'a red circle',
      declaredSize: 25 * 1024 * 1024,
    });
    const refused = await textIn(fake, chat, /^❌/);
    expect(refused.text).toBe(
      '❌ picture is 25 MB, over the 20 MB a bot may download from Telegram: send a smaller picture',
    );
    const document = await fake.sendDocument(chat, hob, await blueSky(), {
      fileName: 'huge.png',
      mimeType: 'image/png',
      caption: 'a red circle',
      declaredSize: 30 * 1024 * 1024,
    });
    await textIn(fake, chat, /picture is 30 MB, over the 20 MB/);
    expect(fake.downloads.length).toBe(before);
    const ids = [
      ...(photo.photo as { file_id: string }[]).map((p) => p.file_id),
      (document.document as { file_id: string }).file_id,
    ];
    expect(fake.callsOf('getFile').filter((c) => ids.includes(String(c.params.file_id)))).toHaveLength(0);
    expect(photosIn(fake, chat)).toBe(0);
  });

  it('refuses a file that is not a picture, and an album of more than two, saying what to send', async () => {
    const { fake } = h;
    const ida = fake.user(3009, 'Ida');
    const chat = fake.privateChat(ida);
    await fake.sendDocument(chat, ida, Buffer.from('hello'), {
      fileName: 'notes.txt',
      mimeType: 'text/plain',
      caption: 'a red circle',
    });
    await textIn(fake, chat, /that file is not a picture: send a PNG, JPEG or WebP/);
    for (let i = 0; i < 3; i++)
      await fake.sendPhoto(chat, ida, await blueSky(), {
        mediaGroupId: 'g4',
        ...(i === 0 ? { caption: 'a red circle' } : {}),
      });
    await textIn(
      fake,
      chat,
      /an album for inpainting has two pictures, the picture and then its mask; this one has 3/,
    );
  });

  it('in a group, only pictures meant for the bot count: a command or a mention in the caption', async () => {
    const { fake } = h;
    const group = fake.group(-1003001, 'photos');
    const jay = fake.user(3011, 'Jay');
    await fake.sendPhoto(group, jay, await blueSky(), { caption: 'look at this sky' });
    await fake.sendPhoto(group, jay, await blueSky(), {
      caption: '/imagine a red circle --strength 0.95 --seed 12',
    });
    const first = await nextPhoto(fake, group, 0);
    expect(first.caption).toContain('seed 12');
    await fake.sendPhoto(group, jay, await blueSky(), {
      caption: `@${fake.bot.username} a red circle --strength 0.95 --seed 13`,
    });
    const second = await nextPhoto(fake, group, 1);
    expect(second.caption).toContain('prompt: a red circle');
    expect(second.caption).toContain('seed 13');
    // The chatter got no answer at all.
    const answered = fake.history(group).filter((m) => m.from?.id === fake.bot.id && m.reply_to_message);
    expect(answered.map((m) => m.reply_to_message?.caption)).not.toContain('look at this sky');
  });
});
