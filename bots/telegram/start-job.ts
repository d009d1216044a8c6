// Every request from the chat ends here: a status message goes out at once, the job is queued, the
// status message is linked to the job (so its cancel button and replies work after a restart) and
// kept up to date, throttled, until the render is over; the queue's replier posts the result.
import type { JobRequest } from '../../core/job/job.ts';
import { userMessage } from '../shared/chat-jobs.ts';
import type { ChatRequest } from '../shared/chat-request.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { editText } from './edit-message.ts';
import { statusKeyboard } from './keyboards.ts';
import { messageKey } from './message-key.ts';
import { replyParameters } from './reply-parameters.ts';
import { RenderClock, statusText, stepsOfAllFrames } from './status-text.ts';

export function replyTo(place: ChatPlace) {
  return {
    reply_parameters: replyParameters(place.messageId),
    ...(place.threadId ? { message_thread_id: place.threadId } : {}),
  };
}

/** Answers the user's message with text (an error, a hint). */
export async function answer(deps: TelegramBotDeps, place: ChatPlace, text: string): Promise<void> {
  await deps.api.sendMessage(place.chatId, text, replyTo(place));
}

export async function startJob(
  deps: TelegramBotDeps,
  place: ChatPlace,
  request: JobRequest,
  added: ChatRequest['added'] = {},
  notes: string[] = [],
): Promise<string | undefined> {
  const { api } = deps;
  const status = await api.sendMessage(
    place.chatId,
    statusText({ status: 'received', final: false }, notes),
    replyTo(place),
  );
  let submitted: Awaited<ReturnType<typeof deps.jobs.submit>>;
  try {
    submitted = await deps.jobs.submit(request);
  } catch (err) {
    await editText(api, place.chatId, status.message_id, `❌ ${userMessage(err, deps.log)}`);
    return undefined;
  }
  const { job } = submitted;
  await deps.jobMessages.link(job.id, messageKey(place.chatId, status.message_id), {
    added: JSON.stringify(added),
    notes: JSON.stringify(notes),
    status: status.message_id,
  });
  const keyboard = statusKeyboard(job.id);
  const initial = {
    position: submitted.position,
    ...(submitted.etaMs !== undefined ? { etaMs: submitted.etaMs } : {}),
  };
  await editText(
    api,
    place.chatId,
    status.message_id,
    statusText({ status: 'received', final: false, ...initial }, notes),
    keyboard,
  ).catch((err) => deps.log(`telegram: status of ${job.id}: ${(err as Error).message}`));
  const clock = new RenderClock();
  const frames = job.kind === 'animate';
  const watch = deps.jobs.watch(
    job.id,
    (view) => {
      const left = clock.leftMs(frames ? stepsOfAllFrames(view) : view);
      return editText(api, place.chatId, status.message_id, statusText(view, notes, left, frames), keyboard);
    },
    { minIntervalMs: deps.config.telegram.editIntervalMs, initial },
  );
  deps.watches.add(watch);
  void watch.done.finally(() => deps.watches.delete(watch));
  return job.id;
}
