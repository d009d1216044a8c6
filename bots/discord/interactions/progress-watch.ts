// Edits a job's message as it waits and renders, at most once per 2 s, until the render is done.
// A restarted bot picks up the jobs that are still waiting or rendering, so their messages keep
// moving.
import type { APIMessage } from 'discord.js';
import type { Job } from '../../../core/job/job.ts';
import type { BotContext } from '../bot-context.ts';
import type { OutgoingMessage } from '../discord-api.ts';
import { messageKey, messageTarget } from '../message-target.ts';
import { progressMessage } from '../messages/progress-message.ts';

type Edit = (message: OutgoingMessage) => Promise<APIMessage>;

export function watchProgress(
  ctx: BotContext,
  job: Job,
  edit: Edit,
  data: Record<string, string>,
  initial: { position?: number; etaMs?: number } = {},
): void {
  let linked = false;
  const watcher = ctx.jobs.watch(
    job.id,
    async (view) => {
      const preview = view.preview ? await ctx.jobs.artifact(view.preview) : undefined;
      const message = progressMessage(job, view, preview);
      const sent = await ctx.editClock.spaced(job.id, async () =>
        (await ctx.editClock.isFinal(job.id)) ? undefined : edit(message),
      );
      if (sent && !linked) {
        linked = true;
        await ctx.jobMessages.link(job.id, messageKey(sent.channel_id, sent.id), data);
      }
    },
    {
      minIntervalMs: ctx.editClock.minMs,
      initial: {
        ...(initial.position !== undefined ? { position: initial.position } : {}),
        ...(initial.etaMs !== undefined ? { etaMs: initial.etaMs } : {}),
      },
    },
  );
  ctx.watchers.add(watcher);
  void watcher.done.finally(() => ctx.watchers.delete(watcher));
}

const BEFORE_RESULT = ['received', 'ingesting', 'rendering'];

/** Watches again the unfinished Discord jobs (the newest `limit`); returns how many. */
export async function resumeProgress(ctx: BotContext, limit = 200): Promise<number> {
  const ids = await ctx.redis.zrevrange(ctx.activeJobsKey, 0, limit - 1);
  let resumed = 0;
  for (const id of ids) {
    const state = await ctx.jobs.state(id);
    if (state?.job.origin.surface !== 'discord' || !BEFORE_RESULT.includes(state.status)) continue;
    const job = state.job;
    const target = await messageTarget(job, ctx.jobMessages);
    let edit: Edit;
    if (target.interaction) {
      const { applicationId, token } = target.interaction;
      edit = (message) => ctx.api.editOriginal(applicationId, token, message);
    } else if (target.messageId) {
      const { channelId, messageId } = target as { channelId: string; messageId: string };
      edit = (message) => ctx.api.editMessage(channelId, messageId, message);
    } else continue;
    watchProgress(ctx, job, edit, target.linkData);
    resumed++;
  }
  return resumed;
}
