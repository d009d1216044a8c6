// Telegram answers 429 with `retry_after` when a bot sends too fast: the call is waited out and sent
// again, never dropped. Brief server errors and dropped connections get a few retries with backoff.
import { TelegramError } from 'telegraf';

export interface RetryOptions {
  /** For the log line. */
  method: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** 429s waited out before giving up (each waits as long as Telegram says). */
  maxFloodWaits?: number;
  /** Server errors and network failures retried. */
  maxFailures?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds Telegram asks us to wait, when this is a flood-limit answer. */
export function retryAfterOf(err: unknown): number | undefined {
  if (!(err instanceof TelegramError) || err.code !== 429) return undefined;
  return err.parameters?.retry_after ?? 1;
}

function isPassing(err: unknown): boolean {
  if (err instanceof TelegramError) return err.code >= 500;
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'FetchError';
}

export async function withFloodRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxFloodWaits = options.maxFloodWaits ?? 20;
  const maxFailures = options.maxFailures ?? 3;
  let floods = 0;
  let failures = 0;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const retryAfter = retryAfterOf(err);
      if (retryAfter !== undefined && floods < maxFloodWaits) {
        floods++;
        options.log?.(`telegram: ${options.method} hit the flood limit, sending again in ${retryAfter} s`);
        await sleep(retryAfter * 1000 + 100, options.signal);
        continue;
      }
      if (isPassing(err) && failures < maxFailures) {
        failures++;
        await sleep(1000 * 2 ** (failures - 1), options.signal);
        continue;
      }
      throw err;
    }
  }
}
