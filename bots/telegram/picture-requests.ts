// Requests that start from a picture: a remix (img2img) of a photo, a clip animated from it, and an inpaint from a picture and
// a mask, where the mask is either black and white (white = repaint) or a scribbled copy of the picture
// (the mask is where the copy differs). Without a size flag the job keeps the picture's aspect ratio.
import sharp from 'sharp';
import { ValidationError } from '../../core/errors.ts';
import { sizeForRatio } from '../../core/flags/aspect.ts';
import type { Inputs } from '../../core/job/references.ts';
import { userMessage } from '../shared/chat-jobs.ts';
import { fitMask, looksLikeMask, maskFromScribble } from '../shared/masks.ts';
import { ask, chatScope, userScope } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import type { IncomingPicture } from './incoming-picture.ts';
import { answer } from './start-job.ts';
import { downloadTelegramFile, tooLargeToDownload } from './telegram-files.ts';

const INPUT_TTL_MS = 24 * 3600 * 1000;

/** The size with the picture's aspect ratio over the area of the chat's (or user's, or server's) default size. */
async function sizeLike(deps: TelegramBotDeps, place: ChatPlace, width?: number, height?: number) {
  if (!width || !height) return {};
  const [scope, user] = await Promise.all([
    deps.settings.get(chatScope(place.chatId)),
    deps.settings.get(userScope(place.userId)),
  ]);
  const w = user.width ?? scope.width ?? deps.config.defaults.width;
  const h = user.height ?? scope.height ?? deps.config.defaults.height;
  const size = sizeForRatio(width, height, w * h, deps.config.limits.sideMultiple);
  return Math.min(size.width, size.height) >= deps.config.limits.minSide ? size : {};
}

/** The picture's size and type, or a ValidationError saying what to send. */
async function readablePicture(bytes: Buffer, what: string) {
  try {
    const meta = await sharp(bytes).metadata();
    return {
      width: meta.autoOrient?.width ?? meta.width ?? 0,
      height: meta.autoOrient?.height ?? meta.height ?? 0,
      contentType: `image/${meta.format === 'jpeg' ? 'jpeg' : (meta.format ?? 'png')}`,
    };
  } catch {
    throw new ValidationError([
      { field: what, problem: 'is not a picture we can read: send a PNG, JPEG or WebP' },
    ]);
  }
}

function checkSize(deps: TelegramBotDeps, picture: IncomingPicture, what: string): void {
  const max = deps.config.telegram.maxDownloadBytes;
  if (picture.size !== undefined && picture.size > max) throw tooLargeToDownload(what, max, picture.size);
}

/** A remix of the picture, or (kind `animate`) a clip whose first frame is the picture. */
export async function remix(
  deps: TelegramBotDeps,
  place: ChatPlace,
  picture: IncomingPicture,
  text: string,
  kind: 'remix' | 'animate' = 'remix',
) {
  let image: Inputs['image'] = { type: 'platform', platform: 'telegram', fileId: picture.fileId };
  let { width, height } = picture;
  try {
    checkSize(deps, picture, 'picture');
    // A file's size in pixels is only known from its bytes: it is brought in here, a photo by the queue.
    if (width === undefined || height === undefined) {
      const bytes = await downloadTelegramFile(deps.api, deps.config.telegram, picture.fileId, {
        what: 'picture',
        knownSize: picture.size,
      });
      const meta = await readablePicture(bytes, 'picture');
      ({ width, height } = meta);
      image = {
        type: 'artifact',
        id: (await deps.artifacts.put(bytes, meta.contentType, { ttlMs: INPUT_TTL_MS })).id,
      };
    }
  } catch (err) {
    return answer(deps, place, `❌ ${userMessage(err, deps.log)}`);
  }
  await ask(deps, place, {
    kind,
    text,
    options: await sizeLike(deps, place, width, height),
    inputs: { image },
  });
}

async function maskFor(image: Buffer, second: Buffer, width: number, height: number) {
  const isMask = await looksLikeMask(second);
  const raw = isMask ? second : await maskFromScribble(image, second);
  const fitted = await fitMask(raw, width, height);
  if (fitted.empty) {
    throw new ValidationError([
      isMask
        ? {
            field: 'mask',
            problem: 'is empty: paint the part to repaint white (the rest black) and send it again',
          }
        : {
            field: 'mask',
            problem:
              'is empty: your copy does not differ from the picture; scribble over the part to repaint and send it again',
          },
    ]);
  }
  const notes: string[] = [];
  if (isMask && fitted.resized) {
    const meta = await sharp(second).metadata();
    notes.push(
      `the mask is ${meta.width}x${meta.height}, the picture ${width}x${height}: the mask was resized to fit`,
    );
  }
  return { png: fitted.png, notes, scribbled: !isMask };
}

/** `second` is the mask or a scribbled copy of `image`. */
export async function inpaint(
  deps: TelegramBotDeps,
  place: ChatPlace,
  image: IncomingPicture,
  second: IncomingPicture,
  text: string,
) {
  let prepared: { image: string; mask: string; notes: string[]; width: number; height: number };
  try {
    checkSize(deps, image, 'picture');
    checkSize(deps, second, 'mask');
    const tg = deps.config.telegram;
    const [imageBytes, secondBytes] = await Promise.all([
      downloadTelegramFile(deps.api, tg, image.fileId, { what: 'picture', knownSize: image.size }),
      downloadTelegramFile(deps.api, tg, second.fileId, { what: 'mask', knownSize: second.size }),
    ]);
    const { width, height, contentType } = await readablePicture(imageBytes, 'picture');
    const mask = await maskFor(imageBytes, secondBytes, width, height).catch((err) => {
      if (err instanceof ValidationError) throw err;
      throw new ValidationError([
        { field: 'mask', problem: 'is not a picture we can read: send a PNG, JPEG or WebP' },
      ]);
    });
    const [storedImage, storedMask] = await Promise.all([
      deps.artifacts.put(imageBytes, contentType, { ttlMs: INPUT_TTL_MS }),
      deps.artifacts.put(mask.png, 'image/png', { ttlMs: INPUT_TTL_MS }),
    ]);
    prepared = { image: storedImage.id, mask: storedMask.id, notes: mask.notes, width, height };
  } catch (err) {
    return answer(deps, place, `❌ ${userMessage(err, deps.log)}`);
  }
  await ask(deps, place, {
    kind: 'inpaint',
    text,
    options: await sizeLike(deps, place, prepared.width, prepared.height),
    inputs: {
      image: { type: 'artifact', id: prepared.image },
      mask: { type: 'artifact', id: prepared.mask },
    },
    notes: prepared.notes,
  });
}
