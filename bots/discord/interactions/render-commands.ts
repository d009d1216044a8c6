// /imagine, /remix and /animate: the prompt with its flags plus the typed options become a job.
import type { Inputs } from '../../../core/job/references.ts';
import type { BotContext } from '../bot-context.ts';
import { checkPicture, platformRef } from './attachment-ref.ts';
import { type CommandInput, text } from './command-input.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { sizeForPicture } from './picture-size.ts';
import { chatRequestFor, startJob } from './start-job.ts';
import { typedOptions } from './typed-options.ts';

type Attachment = NonNullable<CommandInput['attachments']['image']>;

/** An attached starting picture: checked, referenced for fetch-media, and the size it suggests. */
function attachedPicture(
  ctx: BotContext,
  attachment: Attachment,
): { inputs: Inputs; size: Partial<ReturnType<typeof sizeForPicture>> } {
  checkPicture(attachment, 'image', ctx.config.discord.cdnBases);
  return {
    inputs: { image: platformRef(attachment) },
    size:
      attachment.width && attachment.height
        ? sizeForPicture(attachment.width, attachment.height, ctx.config.limits)
        : {},
  };
}

export async function imagineCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const chat = await chatRequestFor(ctx, reply, {
    kind: 'imagine',
    text: text(input, 'prompt') ?? '',
    options: typedOptions(input, ctx.config),
  });
  await startJob(ctx, reply, chat.request, chat.added);
}

export async function remixCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const attachment = input.attachments.image;
  const url = text(input, 'image_url');
  if (!attachment && !url) {
    await reply.tell('attach a picture (image) or give its address (image_url) to remix');
    return;
  }
  if (attachment && url) {
    await reply.tell('give either image or image_url, not both');
    return;
  }
  // A typed address goes through fetch-media's SSRF guard like any other URL.
  const { inputs, size } = attachment
    ? attachedPicture(ctx, attachment)
    : { inputs: { image: { type: 'url', url: url! } } satisfies Inputs, size: {} };
  const chat = await chatRequestFor(ctx, reply, {
    kind: 'remix',
    text: text(input, 'prompt') ?? '',
    options: { ...size, ...typedOptions(input, ctx.config) },
    inputs,
  });
  await startJob(ctx, reply, chat.request, chat.added);
}

/** A short clip from the prompt (and an optional starting picture), with motion, frames and fps. */
export async function animateCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const attachment = input.attachments.image;
  const { inputs, size } = attachment ? attachedPicture(ctx, attachment) : { inputs: {}, size: {} };
  const chat = await chatRequestFor(ctx, reply, {
    kind: 'animate',
    text: text(input, 'prompt') ?? '',
    options: { ...size, ...typedOptions(input, ctx.config) },
    inputs,
  });
  await startJob(ctx, reply, chat.request, chat.added);
}
