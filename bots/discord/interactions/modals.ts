// Modal submits: the edit form of a job (a new job with the edited prompt, same kind and inputs)
// and the prompt form of the Inpaint message command.
import type { APIModalSubmitInteraction } from 'discord.js';
import type { JobKind } from '../../../core/job/job.ts';
import type { BotContext } from '../bot-context.ts';
import { parseModalId } from '../messages/custom-ids.ts';
import { NOT_YOURS } from './buttons.ts';
import { inpaintModalSubmit } from './inpaint.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { chatRequestFor, startJob } from './start-job.ts';
import { whoWhere } from './who-where.ts';

/** The value of the text field `prompt`, wherever the form put it. */
function promptField(interaction: APIModalSubmitInteraction): string {
  const find = (node: unknown): string | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    const n = node as { custom_id?: string; value?: unknown; components?: unknown[]; component?: unknown };
    if (n.custom_id === 'prompt' && typeof n.value === 'string') return n.value;
    for (const child of [...(n.components ?? []), n.component]) {
      const found = find(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return find({ components: interaction.data.components }) ?? '';
}

/** An edit of a variation or upscale is a new drawing of its prompt on the same picture. */
const EDIT_KIND: Record<JobKind, JobKind> = {
  imagine: 'imagine',
  remix: 'remix',
  inpaint: 'inpaint',
  animate: 'animate',
  variation: 'remix',
  upscale: 'remix',
};

export async function modalSubmit(
  ctx: BotContext,
  reply: InteractionReply,
  interaction: APIModalSubmitInteraction,
): Promise<void> {
  const ref = parseModalId(interaction.data.custom_id);
  if (!ref) return reply.tell('this form is from an older version of the bot: run the command again');
  const prompt = promptField(interaction);
  if (ref.kind === 'inpaint') return inpaintModalSubmit(ctx, reply, ref.ref, prompt);
  const state = await ctx.jobs.state(ref.ref);
  if (!state) return reply.tell('this job is no longer kept: run the command again');
  if (state.job.owner !== whoWhere(interaction).owner) return reply.tell(NOT_YOURS);
  const parent = state.job;
  const chat = await chatRequestFor(ctx, reply, {
    kind: EDIT_KIND[parent.kind],
    text: prompt,
    inputs: parent.inputs,
    // The edited text carries its own flags; the seed is new unless the user typed one. A clip keeps
    // its frames, fps and motion unless the text says otherwise.
    options:
      parent.kind === 'animate' && parent.params.video
        ? {
            video: {
              frames: parent.params.video.frames,
              fps: parent.params.video.fps,
              motion: parent.params.video.motion,
            },
          }
        : {},
  });
  await startJob(ctx, reply, chat.request, chat.added);
}
