// The Telegram settings as the config reads them.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config/config.ts';

const TOKEN = '123456789:AAE_abcdefghijklmnopqrstuvwxyz01234';

describe('Telegram settings', () => {
  it('defaults: no token, the public Bot API, long polling, everyone, the Bot API file limits', () => {
    expect(parseConfig({}).telegram).toEqual({
      token: undefined,
      apiRoot: 'https://api.telegram.org',
      allowedChats: [],
      allowedUsers: [],
      maxDownloadBytes: 20 * 1024 * 1024,
      maxUploadBytes: 50 * 1024 * 1024,
      albumWaitMs: 1000,
      editIntervalMs: 2500,
    });
  });

  it('reads TELEGRAM_BOT_TOKEN, and TELEGRAM_TOKEN as its older name', () => {
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram.token).toBe(TOKEN);
    expect(parseConfig({ TELEGRAM_TOKEN: TOKEN }).telegram.token).toBe(TOKEN);
    expect(() => parseConfig({ TELEGRAM_BOT_TOKEN: 'abc' })).toThrow(
      'TELEGRAM_BOT_TOKEN: "abc" must be the token @BotFather gave',
    );
  });

  it('webhook mode needs a secret and a path of its own; the path is what the HTTP server serves', () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg/updates',
      TELEGRAM_WEBHOOK_SECRET: 'a-long-enough-secret_1',
      TELEGRAM_ALLOWED_CHATS: '-1001234, 42',
      TELEGRAM_ALLOWED_USERS: '7',
      TELEGRAM_MAX_DOWNLOAD_MB: '2000',
    }).telegram;
    expect(config).toMatchObject({
      apiRoot: 'http://127.0.0.1:8081',
      webhook: {
        url: 'https://bot.example.com/tg/updates',
        path: '/tg/updates',
        secret: 'a-long-enough-secret_1',
      },
      allowedChats: [-1001234, 42],
      allowedUsers: [7],
      maxDownloadBytes: 2000 * 1024 * 1024,
    });
    expect(() => parseConfig({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg' })).toThrow(
      'TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL',
    );
    expect(() =>
      parseConfig({
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/',
        TELEGRAM_WEBHOOK_SECRET: 'a-long-enough-secret_1',
      }),
    ).toThrow('needs a path of its own');
    expect(() => parseConfig({ TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow('must be 16 to 256 characters');
    expect(() => parseConfig({ TELEGRAM_ALLOWED_CHATS: 'general' })).toThrow('must list Telegram ids');
  });
});
