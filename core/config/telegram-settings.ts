// The Telegram bot's settings: its token, which Bot API server it talks to, webhook mode, who may
// use it, and the Bot API's file limits (raise them when TELEGRAM_API_ROOT is a local Bot API server).
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const ids = list.pipe(
  z.array(
    z
      .string()
      .regex(/^-?\d{1,20}$/, 'must list Telegram ids (digits, groups start with -), comma separated')
      .transform(Number),
  ),
);

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`),
    );

const token = z
  .string()
  .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must be the token @BotFather gave, e.g. 123456789:AAE...');

export const TelegramEnvSchema = {
  TELEGRAM_BOT_TOKEN: token.optional(),
  /** The older name, still read. */
  TELEGRAM_TOKEN: token.optional(),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.telegram.org' })
    .default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: 'must be the https URL Telegram posts updates to' })
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_ALLOWED_CHATS: ids.default([]),
  TELEGRAM_ALLOWED_USERS: ids.default([]),
  TELEGRAM_MAX_DOWNLOAD_MB: whole(1, 4000).default(20),
  TELEGRAM_MAX_UPLOAD_MB: whole(1, 4000).default(50),
  TELEGRAM_ALBUM_WAIT_MS: whole(50, 10_000).default(1000),
  TELEGRAM_EDIT_INTERVAL_MS: whole(100, 60_000).default(2500),
};

type TelegramEnv = z.output<z.ZodObject<typeof TelegramEnvSchema>>;

export interface TelegramConfig {
  token?: string;
  /** Bot API server, e.g. https://api.telegram.org; files are fetched from here only. */
  apiRoot: string;
  /** Set: webhook mode (updates posted to this URL's path on the HTTP server); else long polling. */
  webhook?: { url: string; path: string; secret: string };
  /** Empty: every chat / every user. */
  allowedChats: number[];
  allowedUsers: number[];
  maxDownloadBytes: number;
  maxUploadBytes: number;
  /** How long to wait for the other pictures of an album. */
  albumWaitMs: number;
  /** Least time between two edits of a status message (Telegram limits edits). */
  editIntervalMs: number;
}

export function telegramConfig(e: TelegramEnv): TelegramConfig {
  const problems = [];
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET)
    problems.push({ field: 'TELEGRAM_WEBHOOK_SECRET', problem: 'is required with TELEGRAM_WEBHOOK_URL' });
  const hookPath = e.TELEGRAM_WEBHOOK_URL ? new URL(e.TELEGRAM_WEBHOOK_URL).pathname : undefined;
  if (hookPath === '/')
    problems.push({
      field: 'TELEGRAM_WEBHOOK_URL',
      value: e.TELEGRAM_WEBHOOK_URL,
      problem: 'needs a path of its own, e.g. https://bot.example.com/telegram/webhook',
    });
  if (problems.length > 0) throw new ValidationError(problems, 'invalid configuration');
  const mb = 1024 * 1024;
  return {
    token: e.TELEGRAM_BOT_TOKEN ?? e.TELEGRAM_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    ...(e.TELEGRAM_WEBHOOK_URL && hookPath
      ? { webhook: { url: e.TELEGRAM_WEBHOOK_URL, path: hookPath, secret: e.TELEGRAM_WEBHOOK_SECRET! } }
      : {}),
    allowedChats: e.TELEGRAM_ALLOWED_CHATS,
    allowedUsers: e.TELEGRAM_ALLOWED_USERS,
    maxDownloadBytes: e.TELEGRAM_MAX_DOWNLOAD_MB * mb,
    maxUploadBytes: e.TELEGRAM_MAX_UPLOAD_MB * mb,
    albumWaitMs: e.TELEGRAM_ALBUM_WAIT_MS,
    editIntervalMs: e.TELEGRAM_EDIT_INTERVAL_MS,
  };
}
