// Inline button presses. Every press is answered (Telegram shows a spinner until then), only the
// person who asked may use a job's buttons, and reroll, variation and upscale each make a new job
// whose status message replies to the result. The PNG button sends the full-quality pictures as files.
import type { CallbackQuery } from 'telegraf/types';
import { outcomeOf } from '../../queue/components/outcome.ts';
import { userMessage } from '../shared/chat-jobs.ts';
import { followUpRequest } from '../shared/follow-ups.ts';
import { originOf, ownerOf, policyProblem } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { decodeButton } from './callback-data.ts';
import { uploadReplyParameters } from './reply-parameters.ts';
import { startJob } from './start-job.ts';
import { megabytes } from './telegram-files.ts';

type Press = CallbackQuery.DataQuery & {
  message?: { message_id: number; chat: { id: number; type: string }; message_thread_id?: number };
};

const DONE = {
  reroll: '🔄 drawing it again with a new seed',
  variation: '🎲 making a variation',
  upscale: '🔍 upscaling',
} as const;

export async function handlePress(deps: TelegramBotDeps, press: Press): Promise<void> {
  const reply = (text: string, alert = false) =>
    deps.api.answerCbQuery(press.id, text, { show_alert: alert }).then(() => undefined);
  const button = decodeButton(press.data ?? '');
  const message = press.message;
  if (!button || !message) return reply('this button no longer works', true);
  const state = await deps.jobs.state(button.jobId);
  if (!state) return reply('this result has expired: send the request again', true);
  const owner = ownerOf(press.from.id);
  if (state.job.owner !== owner) return reply('only the person who asked can use these buttons', true);
  const place: ChatPlace = {
    chatId: message.chat.id,
    chatType: message.chat.type as ChatPlace['chatType'],
    messageId: message.message_id,
    userId: press.from.id,
    ...(message.message_thread_id ? { threadId: message.message_thread_id } : {}),
  };
  if (button.action === 'cancel') return reply(await deps.jobs.cancel(button.jobId, owner));
  const outcome = outcomeOf(state);
  if (!outcome.ok) return reply(`there is no picture to work on: ${outcome.message}`, true);
  const picture = outcome.images[button.index];
  if (!picture) return reply('that picture is not part of this result', true);

  if (button.action === 'png') {
    await reply('sending the full-quality PNG');
    const chosen = outcome.images.length > 1 && button.index === 0 ? outcome.images : [picture];
    for (const [i, image] of chosen.entries()) {
      const bytes = await deps.jobs.artifact(image.artifact);
      if (!bytes) {
        await deps.api.sendMessage(place.chatId, '❌ that picture has expired: send the request again');
        continue;
      }
      if (bytes.length > deps.config.telegram.maxUploadBytes) {
        await deps.api.sendMessage(
          place.chatId,
          `❌ the PNG is ${megabytes(bytes.length)}, over the ${megabytes(deps.config.telegram.maxUploadBytes)} a bot may send on Telegram`,
        );
        continue;
      }
      await deps.api.sendChatAction(place.chatId, 'upload_document');
      await deps.api.sendDocument(
        place.chatId,
        { source: bytes, filename: `${state.job.id.slice(0, 8)}-${i + 1}-seed${image.seed}.png` },
        {
          caption: state.job.kind === 'animate' ? `first frame · seed ${image.seed}` : `seed ${image.seed}`,
          reply_parameters: uploadReplyParameters(place.messageId),
        },
      );
    }
    return;
  }

  const kind = button.action === 'reroll' ? state.job.kind : button.action;
  const refused = await policyProblem(deps, place, kind);
  if (refused) return reply(refused, true);
  await reply(DONE[button.action]);
  const request = followUpRequest(
    state.job,
    button.action,
    button.index,
    picture.artifact,
    owner,
    originOf(place),
  );
  const linked = await deps.jobMessages.messageOf(button.jobId);
  const added = linked?.data.added ? JSON.parse(linked.data.added) : {};
  try {
    await startJob(deps, place, request, added);
  } catch (err) {
    await deps.api.sendMessage(place.chatId, `❌ ${userMessage(err, deps.log)}`);
  }
}
