// The queue's reply-chat and notify components post a job's outcome through this, over the Bot API
// alone (no polling), from whichever process serves the io queue: the picture (or the grid of several)
// with its caption and buttons, or the reason it failed. The status message is closed and the result
// message linked to the job, so its buttons and replies to it work after a restart.
import { TelegramError } from 'telegraf';
import type { Job } from '../../core/job/job.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { ChatReplier, Outcome } from '../../queue/components/services.ts';
import { ComponentError } from '../../queue/orchestrator/component-worker.ts';
import type { JobMessages } from '../shared/job-messages.ts';
import { resultCaption } from './caption.ts';
import { editText } from './edit-message.ts';
import { resultKeyboard } from './keyboards.ts';
import { messageKey } from './message-key.ts';
import { replyParameters, uploadReplyParameters } from './reply-parameters.ts';
import type { TelegramApi } from './telegram-api.ts';
import { megabytes } from './telegram-files.ts';

/** Telegram takes photos up to 10 MB; larger pictures go as files. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface TelegramReplierDeps {
  api: TelegramApi;
  jobMessages: JobMessages;
  maxUploadBytes: number;
  publicUrl?: string;
  log?: (line: string) => void;
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** A Bot API refusal that sending again cannot fix (blocked by the user, chat gone) fails at once. */
function rethrow(err: unknown): never {
  if (err instanceof TelegramError && (err.code === 400 || err.code === 403))
    throw new ComponentError('telegram_refused', `Telegram refused the reply: ${err.description}`, false);
  throw err;
}

export function createTelegramReplier(deps: TelegramReplierDeps): ChatReplier {
  const { api } = deps;
  return async (job, outcome, artifacts) => {
    const origin = job.origin;
    if (origin.surface !== 'telegram') return;
    // Results go with files (multipart); text answers as JSON.
    const thread = origin.threadId ? { message_thread_id: origin.threadId } : {};
    const where = {
      ...(origin.messageId ? { reply_parameters: uploadReplyParameters(origin.messageId) } : {}),
      ...thread,
    };
    const textWhere = {
      ...(origin.messageId ? { reply_parameters: replyParameters(origin.messageId) } : {}),
      ...thread,
    };
    const linked = await deps.jobMessages.messageOf(job.id);
    const statusId = linked?.data.status ? Number(linked.data.status) : undefined;
    const closeStatus = async (text: string) => {
      if (statusId === undefined) return;
      await editText(api, origin.chatId, statusId, text).catch((err) =>
        deps.log?.(`telegram: closing the status of ${job.id}: ${(err as Error).message}`),
      );
    };
    try {
      if (!outcome.ok) {
        if (outcome.code === 'cancelled') return await closeStatus('✖ cancelled');
        await closeStatus('❌ failed');
        await api.sendMessage(origin.chatId, `❌ ${outcome.message}`, textWhere);
        return;
      }
      const added = parseJson(linked?.data.added, {});
      const notes = parseJson<string[]>(linked?.data.notes, []);
      const sent = await postResult(
        deps,
        job,
        outcome,
        artifacts,
        { where, textWhere },
        resultCaption(
          job,
          outcome.images.map((i) => i.seed),
          added,
          [...notes, ...outcome.warnings],
          outcome.video,
        ),
      );
      await deps.jobMessages.link(job.id, messageKey(origin.chatId, sent), {
        ...(linked?.data.added ? { added: linked.data.added } : {}),
        result: sent,
      });
      await closeStatus('✅ done');
    } catch (err) {
      rethrow(err);
    }
  };
}

async function postResult(
  deps: TelegramReplierDeps,
  job: Job,
  outcome: Extract<Outcome, { ok: true }>,
  artifacts: ArtifactStore,
  places: { where: Record<string, unknown>; textWhere: Record<string, unknown> },
  caption: string,
): Promise<number> {
  const { api } = deps;
  const { where, textWhere } = places;
  const chatId = job.origin.surface === 'telegram' ? job.origin.chatId : 0;
  // An animate job's clip is what goes out; its frame-0 still stays behind the PNG button.
  const shownId = outcome.video?.artifact ?? outcome.grid ?? outcome.images[0].artifact;
  const shown = await artifacts.get(shownId);
  if (!shown)
    throw new ComponentError('input_missing', `the result ${shownId} is gone from the store`, false);
  const video = outcome.video !== undefined;
  // Buttons act for the person who asked; a hook's result has no one to press them.
  const keyboard = job.owner.startsWith('telegram:')
    ? { reply_markup: resultKeyboard(job.id, outcome.images.length, video) }
    : {};
  const extra = { ...where, caption, ...keyboard };
  if (shown.bytes.length > deps.maxUploadBytes) {
    const link = deps.publicUrl ? `: ${deps.publicUrl.replace(/\/+$/, '')}/v1/artifacts/${shownId}` : '';
    const text = `${caption}\n\n⚠ the result is ${megabytes(shown.bytes.length)}, over the ${megabytes(deps.maxUploadBytes)} a bot may send on Telegram${link || ': ask for a smaller size'}`;
    return (await api.sendMessage(chatId, text.slice(0, 4096), { ...textWhere, ...keyboard })).message_id;
  }
  const ext = outcome.video?.format ?? shown.contentType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
  const file = { source: shown.bytes, filename: `${job.id.slice(0, 8)}.${ext}` };
  if (outcome.video) {
    const clip = outcome.video;
    const shape = {
      width: clip.width,
      height: clip.height,
      duration: Math.max(1, Math.round(clip.frames / clip.fps)),
    };
    await api.sendChatAction(chatId, 'upload_video');
    // A GIF is an animation to Telegram (it loops, silent); MP4 and WebM are videos.
    const sent =
      clip.format === 'gif'
        ? await api.sendAnimation(chatId, file, { ...extra, ...shape })
        : await api.sendVideo(chatId, file, {
            ...extra,
            ...shape,
            supports_streaming: clip.format === 'mp4',
          });
    return sent.message_id;
  }
  if (shown.bytes.length > MAX_PHOTO_BYTES) {
    await api.sendChatAction(chatId, 'upload_document');
    return (await api.sendDocument(chatId, file, extra)).message_id;
  }
  await api.sendChatAction(chatId, 'upload_photo');
  return (await api.sendPhoto(chatId, file, extra)).message_id;
}
