// The one way an interaction becomes a job: checked where it came from and against the server's
// policy, fully validated before anything is posted (so a bad flag is an ephemeral error, not a
// message), then deferred, queued, linked to its message and watched for progress.
import type { APIInteraction } from 'discord.js';
import type { PromptParams } from '../../../core/flags/parse.ts';
import { createJob, type Job, type JobKind, type JobRequest } from '../../../core/job/job.ts';
import type { Inputs, Origin } from '../../../core/job/references.ts';
import { userMessage } from '../../shared/chat-jobs.ts';
import { buildChatRequest, type ChatRequest } from '../../shared/chat-request.ts';
import type { BotContext } from '../bot-context.ts';
import { messageKey } from '../message-target.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { checkJob, checkPlace } from './policy.ts';
import { watchProgress } from './progress-watch.ts';
import { whoWhere } from './who-where.ts';

export function originOf(interaction: APIInteraction): Origin {
  const at = whoWhere(interaction);
  return {
    surface: 'discord',
    applicationId: interaction.application_id,
    channelId: at.channelId,
    ...(at.guildId ? { guildId: at.guildId } : {}),
    interactionId: interaction.id,
    interactionToken: interaction.token,
  };
}

export interface ChatJobInput {
  kind: JobKind;
  text: string;
  options?: PromptParams;
  inputs?: Inputs;
  parent?: { jobId: string; index: number };
}

/** Builds the request from what the user typed, with the guild's and the user's defaults. */
export async function chatRequestFor(
  ctx: BotContext,
  reply: InteractionReply,
  input: ChatJobInput,
): Promise<ChatRequest> {
  const at = whoWhere(reply.interaction);
  const [scopeDefaults, userDefaults] = await Promise.all([
    at.guildId ? ctx.settings.get(`discord:guild:${at.guildId}`) : Promise.resolve({}),
    ctx.settings.get(`discord:user:${at.userId}`),
  ]);
  return buildChatRequest({
    ...input,
    owner: at.owner,
    origin: originOf(reply.interaction),
    scopeDefaults,
    userDefaults,
    config: ctx.config,
  });
}

/** Checks, defers, submits; errors reach the user ephemerally. Returns the job, when there is one. */
export async function startJob(
  ctx: BotContext,
  reply: InteractionReply,
  request: JobRequest,
  added: ChatRequest['added'],
): Promise<Job | undefined> {
  const at = whoWhere(reply.interaction);
  try {
    checkPlace(ctx.config.discord.policy, at);
    // A dry run of the queue's own validation: the job is only posted when it would be accepted.
    const draft = createJob(request, { limits: ctx.config.limits, defaults: ctx.config.defaults });
    checkJob(ctx.config.discord.policy, at, draft);
  } catch (err) {
    await reply.tell(userMessage(err, ctx.log));
    return undefined;
  }
  await reply.defer();
  let submitted: Awaited<ReturnType<BotContext['jobs']['submit']>>;
  try {
    submitted = await ctx.jobs.submit(request);
  } catch (err) {
    await reply.tell(userMessage(err, ctx.log));
    return undefined;
  }
  const { job } = submitted;
  const data = { added: JSON.stringify(added), owner: at.userId };
  await ctx.jobMessages.link(job.id, messageKey(at.channelId, 'original'), data);
  watchProgress(ctx, job, (message) => reply.editOriginal(message), data, {
    position: submitted.position,
    etaMs: submitted.etaMs,
  });
  return job;
}
