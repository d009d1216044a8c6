// Files from Telegram, fetched only through the configured Bot API root (getFile, then
// /file/bot<token>/<path>). The Bot API lets bots download at most 20 MB: the size Telegram reports
// is checked before anything is downloaded, and the user is told what to send instead.
import { isAbsolute } from 'node:path';
import { TelegramError } from 'telegraf';
import type { TelegramConfig } from '../../core/config/telegram-settings.ts';
import { ValidationError } from '../../core/errors.ts';
import type { TelegramApi } from './telegram-api.ts';

export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/** What a user reads when a picture is over the download limit. */
export function tooLargeToDownload(what: string, maxBytes: number, size?: number): ValidationError {
  const is = size !== undefined ? `is ${megabytes(size)}, ` : 'is ';
  return new ValidationError([
    {
      field: what,
      problem: `${is}over the ${megabytes(maxBytes)} a bot may download from Telegram: send a smaller picture`,
    },
  ]);
}

export interface DownloadOptions {
  /** What the file is to the user: `picture`, `mask`. */
  what: string;
  /** The size the message reported, checked before asking Telegram for the file. */
  knownSize?: number;
  signal?: AbortSignal;
}

async function readCapped(res: Response, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) throw tooLargeToDownload(what, maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export async function downloadTelegramFile(
  api: TelegramApi,
  config: Pick<TelegramConfig, 'apiRoot' | 'token' | 'maxDownloadBytes'>,
  fileId: string,
  options: DownloadOptions,
): Promise<Buffer> {
  const max = config.maxDownloadBytes;
  if (options.knownSize !== undefined && options.knownSize > max)
    throw tooLargeToDownload(options.what, max, options.knownSize);
  const file = await api.getFile(fileId).catch((err) => {
    if (err instanceof TelegramError && /file is too big/i.test(err.description))
      throw tooLargeToDownload(options.what, max);
    if (err instanceof TelegramError && err.code === 400)
      throw new ValidationError([
        { field: options.what, problem: 'is no longer on Telegram: send it again' },
      ]);
    throw err;
  });
  if (file.file_size !== undefined && file.file_size > max)
    throw tooLargeToDownload(options.what, max, file.file_size);
  if (!file.file_path) throw tooLargeToDownload(options.what, max);
  // A local Bot API server in --local mode answers with a path on its own disk; we only use HTTP.
  if (isAbsolute(file.file_path))
    throw new Error('the Bot API server gave a local file path: run it without --local');
  const url = `${config.apiRoot}/file/bot${config.token}/${file.file_path.split('/').map(encodeURIComponent).join('/')}`;
  const res = await fetch(url, { signal: options.signal });
  if (!res.ok) throw new Error(`telegram file download answered HTTP ${res.status}`);
  return readCapped(res, max, options.what);
}
