// Reading what the bot sent through the fake Bot API, per chat.

import type { FakeBotApi, RecordedCall } from '../../fakes/telegram/fake-bot-api.ts';
import type { FakeChat, FakeMessage } from '../../fakes/telegram/fake-chats.ts';
import { rgbOf } from '../../helpers/picture.ts';

export const inChat = (chat: FakeChat) => (call: RecordedCall) => Number(call.params.chat_id) === chat.id;

export type InlineButton = { text: string; callback_data: string };

/** The next result photo in the chat after `after` photos were already there. */
export async function nextPhoto(fake: FakeBotApi, chat: FakeChat, after: number, what = 'a result photo') {
  const call = await fake.waitUntil(
    () => fake.callsOf('sendPhoto').filter((c) => c.ok && inChat(chat)(c))[after],
    `${what} in chat ${chat.id}`,
    60_000,
  );
  const message = call.result as FakeMessage & {
    caption?: string;
    reply_markup?: { inline_keyboard: InlineButton[][] };
  };
  const bytes = call.files.photo.bytes;
  return { call, message, bytes, caption: String(call.params.caption ?? ''), rgb: await rgbOf(bytes) };
}

export const photosIn = (fake: FakeBotApi, chat: FakeChat) =>
  fake.callsOf('sendPhoto').filter((c) => c.ok && inChat(chat)(c)).length;

/** Waits for a text message in the chat matching `match` (sent, or an edit reading so now). */
export async function textIn(
  fake: FakeBotApi,
  chat: FakeChat,
  match: RegExp,
  what = String(match),
): Promise<FakeMessage> {
  return fake.waitUntil(
    () =>
      fake
        .history(chat)
        .find((m) => m.from?.id === fake.bot.id && typeof m.text === 'string' && match.test(m.text)),
    `${what} in chat ${chat.id}`,
    60_000,
  );
}

export function buttons(message: object): InlineButton[] {
  const markup = (message as { reply_markup?: { inline_keyboard?: InlineButton[][] } }).reply_markup;
  return markup?.inline_keyboard?.flat() ?? [];
}

export function buttonData(message: object, label: RegExp): string {
  const found = buttons(message).find((b) => label.test(b.text));
  if (!found) throw new Error(`no button ${label} on the message`);
  return found.callback_data;
}
