// /queue lists your unfinished jobs with their place in line; /cancel stops one (the job whose status
// message you reply to, a job id, or else your latest).
import { userMessage } from '../shared/chat-jobs.ts';
import { formatWait } from '../shared/progress-text.ts';
import { ownerOf } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { messageKey } from './message-key.ts';
import { answer } from './start-job.ts';

function shorten(text: string, max = 50): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export async function queueCommand(deps: TelegramBotDeps, place: ChatPlace): Promise<void> {
  const active = await deps.jobs.active(ownerOf(place.userId));
  if (active.length === 0) return answer(deps, place, 'you have no pictures in progress');
  const lines = active.map((a, i) => {
    const where =
      a.position > 0
        ? `queued, ${a.position} in line${a.etaMs !== undefined ? `, ${formatWait(a.etaMs)}` : ''}`
        : a.status;
    return `${i + 1}. ${a.job.kind} "${shorten(a.job.params.prompt || '(no prompt)')}": ${where} (id ${a.job.id})`;
  });
  return answer(
    deps,
    place,
    `Your jobs:\n${lines.join('\n')}\n\n/cancel stops the latest (or reply /cancel to a status message)`,
  );
}

export async function cancelCommand(
  deps: TelegramBotDeps,
  place: ChatPlace,
  args: string,
  repliedId?: number,
): Promise<void> {
  const owner = ownerOf(place.userId);
  try {
    let jobId = args.trim() || undefined;
    if (!jobId && repliedId !== undefined)
      jobId = await deps.jobMessages.jobOf(messageKey(place.chatId, repliedId));
    if (!jobId) jobId = (await deps.jobs.active(owner)).at(-1)?.job.id;
    if (!jobId) return await answer(deps, place, 'you have no pictures in progress to cancel');
    const said = await deps.jobs.cancel(jobId, owner);
    return await answer(deps, place, said === 'cancelled' ? '✖ cancelled' : `❌ ${said}`);
  } catch (err) {
    return answer(deps, place, `❌ ${userMessage(err, deps.log)}`);
  }
}
