// When a failed webhook delivery is worth another try, and how long to wait before it.

/** Server trouble and rate limits may pass; any other answer would be the same next time. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After as milliseconds from `nowMs`: delay-seconds or an HTTP date; undefined when unusable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Exponential backoff from `baseMs` (base, 2 base, 4 base ... after the first, second, third failure)
 * plus up to `jitter` of it at random, so receivers coming back up are not hit by every sender at once.
 */
export function backoffDelay(failures: number, baseMs: number, jitter: number, random: () => number): number {
  const exponential = baseMs * 2 ** (failures - 1);
  return Math.round(exponential * (1 + jitter * random()));
}
