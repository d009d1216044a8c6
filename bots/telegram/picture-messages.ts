// Messages with pictures: a photo (or image file) with a caption is a remix (with `/animate`, a clip
// starting from it); a picture sent as a reply to another picture is an inpaint of that picture (the
// reply is the mask or a scribbled copy); an album of two is an inpaint too (the picture, then the
// mask). In groups only messages meant for the bot count: a command, a mention, or a reply to the bot.
import type { Message } from 'telegraf/types';
import { parsePrompt } from '../../core/flags/parse.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { type IncomingPicture, pictureOf, requestText } from './incoming-picture.ts';
import { messageKey } from './message-key.ts';
import { inpaint, remix } from './picture-requests.ts';
import { answer } from './start-job.ts';

type PictureMessage = Message & { caption?: string; reply_to_message?: Message; media_group_id?: string };

const PICTURE_COMMANDS = new Set(['imagine', 'remix', 'inpaint', 'edit', 'animate']);

const NOT_AN_IMAGE = 'that file is not a picture: send a PNG, JPEG or WebP (as a photo or as a file)';

const HINT =
  'got the picture. Send it with a caption to remix it (e.g. "a watercolor --strength 0.6"), or reply to it with a mask (white = repaint) or a copy you scribbled on, with a caption saying what to draw there. An album of two (picture, then mask) works too.';

/** The caption's request, with the bot's @mention taken out; undefined when not meant for the bot. */
function captionRequest(message: PictureMessage, place: ChatPlace, botUsername: string, botId: number) {
  let caption = message.caption ?? '';
  const mention = `@${botUsername}`;
  const mentioned = caption.toLowerCase().includes(mention.toLowerCase());
  if (mentioned) caption = caption.replace(new RegExp(mention, 'ig'), ' ').trim();
  const { command, text } = requestText(caption);
  const toBot = message.reply_to_message?.from?.id === botId;
  const addressed =
    place.chatType === 'private' ||
    mentioned ||
    toBot ||
    (command !== undefined && PICTURE_COMMANDS.has(command));
  return addressed ? { command, text } : undefined;
}

async function promptOf(
  deps: TelegramBotDeps,
  replied: PictureMessage,
  botId: number,
  chatId: number,
): Promise<string> {
  if (replied.from?.id !== botId) return requestText(replied.caption).text;
  const jobId = await deps.jobMessages.jobOf(messageKey(chatId, replied.message_id));
  const state = jobId ? await deps.jobs.state(jobId) : undefined;
  return state?.job.params.prompt ?? '';
}

export class PictureMessages {
  constructor(
    private readonly deps: TelegramBotDeps,
    private readonly bot: { id: number; username: string },
  ) {}

  async single(place: ChatPlace, message: PictureMessage): Promise<void> {
    const picture = pictureOf(message);
    if (!picture) return;
    const request = captionRequest(message, place, this.bot.username, this.bot.id);
    if (!request) return;
    if (picture === 'not-an-image') return answer(this.deps, place, `❌ ${NOT_AN_IMAGE}`);
    // `/animate` in the caption: a clip that starts from this very picture, whatever it replies to.
    if (request.command === 'animate') return remix(this.deps, place, picture, request.text, 'animate');
    const replied = message.reply_to_message as PictureMessage | undefined;
    const base = pictureOf(replied);
    if (replied && base && base !== 'not-an-image') {
      const text = request.text || (await promptOf(this.deps, replied, this.bot.id, place.chatId));
      return inpaint(this.deps, place, base, picture, text);
    }
    if (request.text !== '' || request.command !== undefined)
      return remix(this.deps, place, picture, request.text);
    return answer(this.deps, place, HINT);
  }

  /**
   * `/animate` sent as a reply to a picture: a clip from that picture, with the reply's prompt (or,
   * without one, the picture's own caption or the prompt of the result it is). False when the reply
   * is to no picture.
   */
  async animateReplied(
    place: ChatPlace,
    replied: PictureMessage | undefined,
    text: string,
  ): Promise<boolean> {
    const base = pictureOf(replied);
    if (!replied || !base) return false;
    if (base === 'not-an-image') {
      await answer(this.deps, place, `❌ ${NOT_AN_IMAGE}`);
      return true;
    }
    let words = text;
    try {
      const { limits, defaults } = this.deps.config;
      words = parsePrompt(text, { limits, defaults, video: true }).prompt;
    } catch {
      // The request reads the text again and answers with every problem by its flag.
    }
    const own = words.trim() === '' ? await promptOf(this.deps, replied, this.bot.id, place.chatId) : '';
    await remix(this.deps, place, base, own ? `${own} ${text}` : text, 'animate');
    return true;
  }

  async album(place: ChatPlace, messages: PictureMessage[]): Promise<void> {
    if (messages.length === 1) return this.single(place, messages[0]);
    const captioned = messages.find((m) => m.caption) ?? messages[0];
    const request = captionRequest(captioned, place, this.bot.username, this.bot.id);
    if (!request) return;
    const pictures = messages.map((m) => pictureOf(m));
    if (pictures.some((p) => p === 'not-an-image')) return answer(this.deps, place, `❌ ${NOT_AN_IMAGE}`);
    if (request.command === 'animate')
      return answer(
        this.deps,
        place,
        `❌ /animate starts from one photo; this album has ${pictures.length}: send the photo alone with the caption`,
      );
    if (pictures.length > 2)
      return answer(
        this.deps,
        place,
        `❌ an album for inpainting has two pictures, the picture and then its mask; this one has ${pictures.length}`,
      );
    const [image, mask] = pictures as IncomingPicture[];
    return inpaint(this.deps, place, image, mask, request.text);
  }
}
