// /inpaint and the Inpaint message command. The mask is either black/white (white = repaint) or a
// copy of the picture scribbled on; then the mask is where the two differ. Both pictures are
// downloaded (from the CDN only) to tell which; a computed or resized mask is stored as an
// artifact, a ready mask goes on as a platform reference for fetch-media.
import { randomBytes } from 'node:crypto';
import {
  type APIAttachment,
  type APIMessageApplicationCommandInteraction,
  ComponentType,
  TextInputStyle,
} from 'discord.js';
import sharp from 'sharp';
import { ValidationError } from '../../../core/errors.ts';
import type { PromptParams } from '../../../core/flags/parse.ts';
import type { Inputs } from '../../../core/job/references.ts';
import { fitMask, looksLikeMask, maskFromScribble } from '../../shared/masks.ts';
import { fetchAttachment } from '../attachments.ts';
import type { BotContext } from '../bot-context.ts';
import { inpaintModalId } from '../messages/custom-ids.ts';
import { checkPicture, platformRef } from './attachment-ref.ts';
import { type CommandInput, text } from './command-input.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { sizeForPicture } from './picture-size.ts';
import { chatRequestFor, startJob } from './start-job.ts';
import { typedOptions } from './typed-options.ts';

const INPUT_TTL_MS = 24 * 3600 * 1000;
const STASH_TTL_S = 15 * 60;

/** The job's inputs and the size it renders at. */
async function inpaintInputs(
  ctx: BotContext,
  image: APIAttachment,
  mask: APIAttachment,
): Promise<{ inputs: Inputs; size: { width: number; height: number } }> {
  const cdnBases = ctx.config.discord.cdnBases;
  const [imageBytes, maskBytes] = await Promise.all([
    fetchAttachment(image.url, { cdnBases, field: 'image' }),
    fetchAttachment(mask.url, { cdnBases, field: 'mask' }),
  ]);
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(imageBytes).metadata();
    await sharp(maskBytes).metadata();
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
  } catch {
    throw new ValidationError([
      { field: 'image', problem: 'is not a picture that can be read: send a PNG or JPEG' },
    ]);
  }
  const size = sizeForPicture(width, height, ctx.config.limits);
  if (await looksLikeMask(maskBytes)) {
    const fitted = await fitMask(maskBytes, width, height);
    if (fitted.empty) throw emptyMask('the mask is all black');
    if (!fitted.resized) return { inputs: { image: platformRef(image), mask: platformRef(mask) }, size };
    const stored = await ctx.artifacts.put(fitted.png, 'image/png', { ttlMs: INPUT_TTL_MS });
    return { inputs: { image: platformRef(image), mask: { type: 'artifact', id: stored.id } }, size };
  }
  const scribbled = await maskFromScribble(imageBytes, maskBytes);
  const fitted = await fitMask(scribbled, width, height);
  if (fitted.empty) throw emptyMask('the scribbled copy does not differ from the picture');
  const [storedImage, storedMask] = await Promise.all([
    ctx.artifacts.put(imageBytes, image.content_type ?? 'image/png', { ttlMs: INPUT_TTL_MS }),
    ctx.artifacts.put(fitted.png, 'image/png', { ttlMs: INPUT_TTL_MS }),
  ]);
  return {
    inputs: {
      image: { type: 'artifact', id: storedImage.id },
      mask: { type: 'artifact', id: storedMask.id },
    },
    size,
  };
}

function emptyMask(why: string): ValidationError {
  return new ValidationError([
    {
      field: 'mask',
      problem: `marks nothing to repaint (${why}): paint the region white, or scribble on a copy`,
    },
  ]);
}

async function runInpaint(
  ctx: BotContext,
  reply: InteractionReply,
  image: APIAttachment,
  mask: APIAttachment,
  prompt: string,
  options: PromptParams,
): Promise<void> {
  checkPicture(image, 'image', ctx.config.discord.cdnBases);
  checkPicture(mask, 'mask', ctx.config.discord.cdnBases);
  // Downloads can take longer than Discord's 3 s: answer first.
  await reply.defer();
  const { inputs, size } = await inpaintInputs(ctx, image, mask);
  const chat = await chatRequestFor(ctx, reply, {
    kind: 'inpaint',
    text: prompt,
    options: { ...size, ...options },
    inputs,
  });
  await startJob(ctx, reply, chat.request, chat.added);
}

export async function inpaintCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const { image, mask } = input.attachments;
  if (!image || !mask) {
    await reply.tell('attach the picture (image) and a mask or a scribbled copy of it (mask)');
    return;
  }
  const options = typedOptions(input, ctx.config);
  await runInpaint(ctx, reply, image, mask, text(input, 'prompt') ?? '', options);
}

interface Stash {
  image: APIAttachment;
  mask: APIAttachment;
}

const stashKey = (ctx: BotContext, id: string) => `${ctx.keyPrefix}:discord:inpaint-menu:${id}`;

/** The message command: the message's first two pictures, then a modal asks for the prompt. */
export async function inpaintMenuCommand(
  ctx: BotContext,
  reply: InteractionReply,
  interaction: APIMessageApplicationCommandInteraction,
): Promise<void> {
  const message = interaction.data.resolved.messages[interaction.data.target_id];
  const pictures = (message?.attachments ?? []).filter(
    (a) => !a.content_type || a.content_type.startsWith('image/'),
  );
  if (pictures.length < 2) {
    await reply.tell(
      'Inpaint needs a message with two pictures: the picture, then a black/white mask or a copy scribbled where to repaint',
    );
    return;
  }
  const id = randomBytes(12).toString('hex');
  const stash: Stash = { image: pictures[0], mask: pictures[1] };
  await ctx.redis.set(stashKey(ctx, id), JSON.stringify(stash), 'EX', STASH_TTL_S);
  await reply.modal({
    custom_id: inpaintModalId(id),
    title: 'Inpaint',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: 'prompt',
            label: 'What to paint there (flags work)',
            style: TextInputStyle.Paragraph,
            required: false,
            max_length: 2000,
            value: message?.content?.slice(0, 2000) || undefined,
          },
        ],
      },
    ],
  });
}

export async function inpaintModalSubmit(
  ctx: BotContext,
  reply: InteractionReply,
  stashId: string,
  prompt: string,
) {
  const raw = await ctx.redis.get(stashKey(ctx, stashId));
  if (!raw) {
    await reply.tell('this Inpaint form has expired: use the Inpaint command on the message again');
    return;
  }
  const stash = JSON.parse(raw) as Stash;
  await runInpaint(ctx, reply, stash.image, stash.mask, prompt, {});
}
