// The buttons of a job message. Owner-only; everything they need is looked up from the job id in
// the custom id (the job in Redis, its message link), so they work after a restart of the bot.
import { type APIMessageComponentInteraction, ComponentType, TextInputStyle } from 'discord.js';
import { outcomeOf } from '../../../queue/components/outcome.ts';
import type { ChatRequest } from '../../shared/chat-request.ts';
import { followUpRequest } from '../../shared/follow-ups.ts';
import { promptWithFlags } from '../../shared/result-text.ts';
import type { BotContext } from '../bot-context.ts';
import { editModalId, parseButtonId } from '../messages/custom-ids.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { originOf, startJob } from './start-job.ts';
import { whoWhere } from './who-where.ts';

export const NOT_YOURS = 'only the requester can do this';

export async function addedOf(ctx: BotContext, jobId: string): Promise<ChatRequest['added']> {
  const link = await ctx.jobMessages.messageOf(jobId);
  try {
    return link?.data.added ? JSON.parse(link.data.added) : {};
  } catch {
    return {};
  }
}

export async function buttonPress(
  ctx: BotContext,
  reply: InteractionReply,
  interaction: APIMessageComponentInteraction,
): Promise<void> {
  const ref = parseButtonId(interaction.data.custom_id);
  if (!ref) return reply.tell('this button is from an older version of the bot: run the command again');
  const state = await ctx.jobs.state(ref.jobId);
  if (!state) return reply.tell('this job is no longer kept: run the command again');
  const at = whoWhere(interaction);
  if (state.job.owner !== at.owner) return reply.tell(NOT_YOURS);
  const parent = state.job;

  if (ref.action === 'cancel') return reply.tell(await ctx.jobs.cancel(parent.id, at.owner));
  if (ref.action === 'delete') {
    await reply.deferUpdate();
    const message = interaction.message;
    await ctx.api.deleteMessage(message.channel_id, message.id).catch(async () => {
      await ctx.api.deleteOriginal(reply.applicationId, reply.token);
    });
    return;
  }
  const added = await addedOf(ctx, parent.id);
  if (ref.action === 'edit') {
    return reply.modal({
      custom_id: editModalId(parent.id),
      title: 'Edit the prompt',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: 'prompt',
              label: 'Prompt and flags',
              style: TextInputStyle.Paragraph,
              required: parent.kind === 'imagine' || parent.kind === 'animate',
              max_length: 4000,
              value: promptWithFlags(parent, added).slice(0, 4000),
            },
          ],
        },
      ],
    });
  }
  const outcome = outcomeOf(state);
  if (!outcome.ok) return reply.tell(`this job has no picture to work on (${outcome.message})`);
  const picture = outcome.images[ref.index];
  if (!picture) return reply.tell(`this job has no picture ${ref.index + 1}`);
  const request = followUpRequest(
    parent,
    ref.action,
    ref.index,
    picture.artifact,
    at.owner,
    originOf(interaction),
  );
  await startJob(ctx, reply, request, added);
}
