// The Bot API client every part of the Telegram surface uses (bot handlers, the queue's replier, the
// media resolver): telegraf's Telegram class on the configured API root, every call flood-safe.
import { Telegram } from 'telegraf';
import type { TelegramConfig } from '../../core/config/telegram-settings.ts';
import { withFloodRetry } from './flood-retry.ts';

export type TelegramApi = Telegram;

export function createTelegramApi(
  config: Pick<TelegramConfig, 'token' | 'apiRoot'>,
  log?: (line: string) => void,
): TelegramApi {
  if (!config.token) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const api = new Telegram(config.token, { apiRoot: config.apiRoot, webhookReply: false });
  const call = api.callApi.bind(api);
  api.callApi = ((method, payload, extra) =>
    withFloodRetry(() => call(method, payload, extra), {
      method,
      log,
      signal: extra?.signal as AbortSignal | undefined,
    })) as typeof api.callApi;
  return api;
}
