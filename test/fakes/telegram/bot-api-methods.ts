// The Bot API methods the fake answers, with the checks Telegram makes that a bot can trip over:
// unknown chats and messages, empty or too long texts and captions, callback_data over 64 bytes,
// "message is not modified", files over the 20 MB download limit, getUpdates while a webhook is set.
import sharp from 'sharp';
import { ApiFailure, badRequest } from './api-failure.ts';
import type { FakeChat, FakeChats, FakeMessage, FakeUser } from './fake-chats.ts';
import { DOWNLOAD_LIMIT_BYTES, type FakeFiles } from './fake-files.ts';
import { photoSizes } from './photo-sizes.ts';
import type { CallInput, UploadedFile } from './read-call.ts';
import type { UpdateQueue } from './update-queue.ts';

export interface FakeState {
  bot: FakeUser;
  chats: FakeChats;
  files: FakeFiles;
  updates: UpdateQueue;
  webhook?: { url: string; secret?: string };
  /** Callback queries sent to the bot and not answered yet. */
  openQueries: Set<string>;
  /** Largest photo the bot may upload (Telegram: 10 MB). */
  maxPhotoBytes: number;
}

export type Method = (input: CallInput, state: FakeState, signal: AbortSignal) => Promise<unknown>;

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

function chatOf(state: FakeState, params: Record<string, unknown>): FakeChat {
  const raw = params.chat_id;
  const id =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  const chat = state.chats.get(id);
  if (!chat) throw badRequest('chat not found');
  return chat;
}

function intParam(params: Record<string, unknown>, name: string): number {
  const v = Number(params[name]);
  if (!Number.isInteger(v)) throw badRequest(`${name} is required`);
  return v;
}

function checkText(text: unknown, what: 'text' | 'caption'): string | undefined {
  if (what === 'caption') {
    if (text === undefined || text === '') return undefined;
    if (String(text).length > 1024) throw badRequest('message caption is too long');
    return String(text);
  }
  if (typeof text !== 'string' || text.trim() === '') throw badRequest('message text is empty');
  if (text.length > 4096) throw badRequest('message is too long');
  return text;
}

function checkMarkup(markup: unknown): unknown {
  if (markup === undefined) return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return markup;
  for (const row of rows) {
    if (!Array.isArray(row))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    for (const button of row as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '')
        throw badRequest('text buttons are unallowed in the inline keyboard');
      if (button.callback_data !== undefined) {
        const bytes = Buffer.byteLength(String(button.callback_data));
        if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
      } else if (button.url === undefined) {
        throw badRequest(
          "can't parse inline keyboard button: InlineKeyboardButton must have exactly one optional field",
        );
      }
    }
  }
  return markup;
}

/** The message replied to, as Telegram embeds it (without its own reply). */
function replyOf(state: FakeState, chat: FakeChat, params: Record<string, unknown>): FakeMessage | undefined {
  const replyParameters = params.reply_parameters as
    | { message_id?: number; allow_sending_without_reply?: boolean }
    | undefined;
  const ref = replyParameters?.message_id ?? params.reply_to_message_id;
  if (ref === undefined) return undefined;
  const found = state.chats.message(chat.id, Number(ref));
  if (!found && (replyParameters?.allow_sending_without_reply || params.allow_sending_without_reply))
    return undefined;
  if (!found) throw badRequest('message to be replied not found');
  const { reply_to_message: _, ...rest } = found;
  return rest as FakeMessage;
}

function common(state: FakeState, chat: FakeChat, params: Record<string, unknown>) {
  return {
    reply_to_message: replyOf(state, chat, params),
    reply_markup: checkMarkup(params.reply_markup),
    message_thread_id: params.message_thread_id,
  };
}

function post(state: FakeState, chat: FakeChat, fields: Record<string, unknown>): FakeMessage {
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return state.chats.post(chat, state.bot, clean);
}

/** A file the call uploads under `field`, or an earlier file named by its file_id. */
function mediaOf(
  state: FakeState,
  input: CallInput,
  field: string,
  value = input.params[field],
): UploadedFile {
  const uploaded = input.files[field];
  if (uploaded) return uploaded;
  if (typeof value === 'string' && value.startsWith('attach://')) {
    const attached = input.files[value.slice('attach://'.length)];
    if (attached) return attached;
  }
  if (typeof value === 'string') {
    const known = state.files.get(value);
    if (known)
      return { filename: known.file_path, contentType: 'application/octet-stream', bytes: known.bytes };
  }
  throw badRequest(`there is no ${field} in the request`);
}

async function photoMessage(
  state: FakeState,
  chat: FakeChat,
  file: UploadedFile,
  fields: Record<string, unknown>,
) {
  if (file.bytes.length > state.maxPhotoBytes) throw badRequest('PHOTO_INVALID_DIMENSIONS');
  try {
    await sharp(file.bytes).metadata();
  } catch {
    throw badRequest('IMAGE_PROCESS_FAILED');
  }
  return post(state, chat, { ...fields, photo: await photoSizes(state.files, file.bytes) });
}

function fileFields(state: FakeState, file: UploadedFile, folder: string, ext: string) {
  const stored = state.files.register(file.bytes, { folder, ext });
  return {
    file_id: stored.file_id,
    file_unique_id: stored.file_unique_id,
    file_size: stored.file_size,
    file_name: file.filename,
    mime_type: file.contentType,
  };
}

const sendMedia =
  (field: 'document' | 'video' | 'animation'): Method =>
  async (input, state) => {
    const chat = chatOf(state, input.params);
    const file = mediaOf(state, input, field);
    const caption = checkText(input.params.caption, 'caption');
    const ext = file.filename.split('.').pop() ?? 'bin';
    // A video or animation message tells its size and length (Telegram reads them; the bot's hints here).
    const shape =
      field === 'document'
        ? {}
        : {
            width: Number(input.params.width ?? 0),
            height: Number(input.params.height ?? 0),
            duration: Number(input.params.duration ?? 0),
          };
    return post(state, chat, {
      ...common(state, chat, input.params),
      caption,
      [field]: { ...fileFields(state, file, `${field}s`, ext), ...shape },
    });
  };

function editable(state: FakeState, params: Record<string, unknown>): FakeMessage {
  const chat = chatOf(state, params);
  const message = state.chats.message(chat.id, intParam(params, 'message_id'));
  if (!message) throw badRequest('message to edit not found');
  if (message.from?.id !== state.bot.id) throw badRequest("message can't be edited");
  return message;
}

function notModified(): ApiFailure {
  return badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const METHODS: Record<string, Method> = {
  getMe: async (_input, state) => ({ ...state.bot, can_join_groups: true, supports_inline_queries: false }),

  getUpdates: async (input, state, signal) => {
    if (state.webhook)
      throw new ApiFailure(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    const p = input.params;
    return state.updates.take(Number(p.offset ?? 0), Number(p.limit ?? 100), Number(p.timeout ?? 0), signal);
  },

  setWebhook: async (input, state) => {
    const url = String(input.params.url ?? '');
    const secret = input.params.secret_token as string | undefined;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
      throw badRequest('secret token contains unallowed characters');
    if (url === '') state.webhook = undefined;
    else state.webhook = { url, secret };
    return true;
  },

  deleteWebhook: async (_input, state) => {
    state.webhook = undefined;
    return true;
  },

  getWebhookInfo: async (_input, state) => ({
    url: state.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: state.updates.waiting,
  }),

  setMyCommands: async () => true,
  deleteMyCommands: async () => true,

  getChat: async (input, state) => chatOf(state, input.params),

  getChatMember: async (input, state) => {
    const chat = chatOf(state, input.params);
    const userId = intParam(input.params, 'user_id');
    return {
      status: state.chats.statusOf(chat.id, userId),
      user: { id: userId, is_bot: false, first_name: `user ${userId}` },
    };
  },

  getFile: async (input, state) => {
    const file = state.files.get(String(input.params.file_id ?? ''));
    if (!file) throw badRequest('invalid file_id');
    if (file.file_size > DOWNLOAD_LIMIT_BYTES) throw badRequest('file is too big');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      file_path: file.file_path,
    };
  },

  sendMessage: async (input, state) => {
    const chat = chatOf(state, input.params);
    const text = checkText(input.params.text, 'text');
    return post(state, chat, { ...common(state, chat, input.params), text });
  },

  editMessageText: async (input, state) => {
    const message = editable(state, input.params);
    if (message.text === undefined) throw badRequest('there is no text in the message to edit');
    const text = checkText(input.params.text, 'text');
    const markup = checkMarkup(input.params.reply_markup);
    if (text === message.text && same(markup, message.reply_markup)) throw notModified();
    return state.chats.update(message.chat.id, message.message_id, {
      text,
      reply_markup: markup,
      edit_date: Math.floor(Date.now() / 1000),
    });
  },

  editMessageCaption: async (input, state) => {
    const message = editable(state, input.params);
    const caption = checkText(input.params.caption, 'caption');
    const markup = checkMarkup(input.params.reply_markup);
    if (caption === message.caption && same(markup, message.reply_markup)) throw notModified();
    return state.chats.update(message.chat.id, message.message_id, { caption, reply_markup: markup });
  },

  editMessageReplyMarkup: async (input, state) => {
    const message = editable(state, input.params);
    const markup = checkMarkup(input.params.reply_markup);
    if (same(markup, message.reply_markup)) throw notModified();
    return state.chats.update(message.chat.id, message.message_id, { reply_markup: markup });
  },

  deleteMessage: async (input, state) => {
    const chat = chatOf(state, input.params);
    if (!state.chats.remove(chat.id, intParam(input.params, 'message_id')))
      throw badRequest('message to delete not found');
    return true;
  },

  sendChatAction: async (input, state) => {
    chatOf(state, input.params);
    if (!CHAT_ACTIONS.has(String(input.params.action))) throw badRequest('wrong parameter action in request');
    return true;
  },

  answerCallbackQuery: async (input, state) => {
    const id = String(input.params.callback_query_id ?? '');
    if (!state.openQueries.delete(id))
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    return true;
  },

  sendPhoto: async (input, state) => {
    const chat = chatOf(state, input.params);
    const file = mediaOf(state, input, 'photo');
    const caption = checkText(input.params.caption, 'caption');
    return photoMessage(state, chat, file, { ...common(state, chat, input.params), caption });
  },

  sendDocument: sendMedia('document'),
  sendVideo: sendMedia('video'),
  sendAnimation: sendMedia('animation'),

  sendMediaGroup: async (input, state) => {
    const chat = chatOf(state, input.params);
    const media = input.params.media;
    if (!Array.isArray(media) || media.length < 2 || media.length > 10)
      throw badRequest('wrong number of media in the album: 2 to 10');
    const group = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const replied = common(state, chat, input.params);
    const sent: FakeMessage[] = [];
    for (const item of media as { type: string; media: unknown; caption?: string }[]) {
      const file = mediaOf(state, input, item.type, item.media);
      const caption = checkText(item.caption, 'caption');
      const fields = { reply_to_message: replied.reply_to_message, caption, media_group_id: group };
      if (item.type === 'photo') sent.push(await photoMessage(state, chat, file, fields));
      else
        sent.push(
          post(state, chat, { ...fields, [item.type]: fileFields(state, file, `${item.type}s`, 'bin') }),
        );
    }
    return sent;
  },
};
