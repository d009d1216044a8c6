// Edits a message's text, where "message is not modified" (the same text again) is not an error.
import { TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { TelegramApi } from './telegram-api.ts';

export async function editText(
  api: TelegramApi,
  chatId: number | string,
  messageId: number,
  text: string,
  keyboard?: InlineKeyboardMarkup,
): Promise<void> {
  try {
    await api.editMessageText(chatId, messageId, undefined, text, keyboard ? { reply_markup: keyboard } : {});
  } catch (err) {
    if (err instanceof TelegramError && /message is not modified/i.test(err.description)) return;
    throw err;
  }
}
