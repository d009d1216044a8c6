// /queue lists the user's unfinished jobs with their place in line and wait; /cancel cancels one.
import { formatWait } from '../../shared/progress-text.ts';
import type { BotContext } from '../bot-context.ts';
import { type CommandInput, text } from './command-input.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { whoWhere } from './who-where.ts';

const clip = (t: string, max: number) => (t.length > max ? `${t.slice(0, max - 1)}…` : t);

export async function queueCommand(ctx: BotContext, reply: InteractionReply): Promise<void> {
  const at = whoWhere(reply.interaction);
  const jobs = await ctx.jobs.active(at.owner);
  if (jobs.length === 0) return reply.tell('you have no unfinished jobs');
  const lines = jobs.map((j, i) => {
    const where =
      j.position > 0
        ? `#${j.position} in line${j.etaMs !== undefined ? `, ${formatWait(j.etaMs)}` : ''}`
        : j.status;
    return `${i + 1}. ${clip(j.job.params.prompt || j.job.kind, 60)} — ${where} (\`${j.job.id}\`)`;
  });
  return reply.tell(`**Your jobs**\n${lines.join('\n')}`);
}

export async function cancelCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const at = whoWhere(reply.interaction);
  let jobId = text(input, 'job')?.trim();
  if (!jobId) {
    const jobs = await ctx.jobs.active(at.owner);
    jobId = jobs.at(-1)?.job.id;
    if (!jobId) return reply.tell('you have no unfinished jobs to cancel');
  }
  const answer = await ctx.jobs.cancel(jobId, at.owner);
  return reply.tell(answer === 'cancelled' ? `cancelled \`${jobId}\`` : answer);
}
