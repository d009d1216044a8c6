// The queue's fetch-media component brings Telegram files in through this (a job's
// `{type: "platform", platform: "telegram", fileId}` input), with the same limits as the bot.
import type { TelegramConfig } from '../../core/config/telegram-settings.ts';
import type { MediaResolver } from '../../queue/components/services.ts';
import type { TelegramApi } from './telegram-api.ts';
import { downloadTelegramFile } from './telegram-files.ts';

export function createTelegramMediaResolver(api: TelegramApi, config: TelegramConfig): MediaResolver {
  return (fileId, _url, signal) => downloadTelegramFile(api, config, fileId, { what: 'picture', signal });
}
