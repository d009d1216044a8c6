// TELEGRAM_ALLOWED_CHATS and TELEGRAM_ALLOWED_USERS: when either is set, the bot serves a listed user
// anywhere and anyone in a listed chat, and tells everyone else so instead of staying silent.
import type { TelegramConfig } from '../../core/config/telegram-settings.ts';

export function accessProblem(
  config: Pick<TelegramConfig, 'allowedChats' | 'allowedUsers'>,
  chatId: number | undefined,
  userId: number | undefined,
): string | undefined {
  const { allowedChats, allowedUsers } = config;
  if (allowedChats.length === 0 && allowedUsers.length === 0) return undefined;
  if (userId !== undefined && allowedUsers.includes(userId)) return undefined;
  if (chatId !== undefined && allowedChats.includes(chatId)) return undefined;
  return 'this bot is not open here: ask its operator to add this chat to TELEGRAM_ALLOWED_CHATS (or you to TELEGRAM_ALLOWED_USERS)';
}
