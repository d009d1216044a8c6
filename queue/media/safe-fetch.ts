// Fetches a picture from a URL a user gave us without letting that URL reach inside our network:
// http(s) only, every hop's connection checked at connect time, redirects followed by hand, the size
// capped while streaming and one deadline for the whole fetch.
import { parseHttpUrl } from './address-policy.ts';
import { fetchProblems } from './fetch-problems.ts';
import { guardedRequest, requestFailure } from './guarded-request.ts';
import { BodyTooLargeError, readLimited } from './read-limited.ts';

/** Whether a hop may reach a private address; a function lets tests allow only some hops. */
export type AllowPrivate = boolean | ((url: URL, hop: number) => boolean);

export interface SafeFetchOptions {
  maxBytes: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
  /** Tests and local development only: lets the fetch reach loopback and private addresses. */
  allowPrivate?: AllowPrivate;
  userAgent?: string;
  /** What the URL is for, as users know it; errors read "image URL points to ...". `image` by default. */
  field?: string;
}

export interface SafeFetchResult {
  bytes: Buffer;
  /** As the server said; only a hint, never proof of what the bytes are (see decodeCheck). */
  contentType: string | undefined;
  finalUrl: string;
}

export const DEFAULT_USER_AGENT = 'imagine-bot/0.1 (picture fetch)';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function mayReachPrivate(allow: AllowPrivate | undefined, url: URL, hop: number): boolean {
  return typeof allow === 'function' ? allow(url, hop) : allow === true;
}

export async function safeFetch(url: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
  const field = opts.field ?? 'image';
  const maxRedirects = opts.maxRedirects ?? 3;
  for (const [name, value, min] of [
    ['maxBytes', opts.maxBytes, 1],
    ['timeoutMs', opts.timeoutMs, 1],
    ['maxRedirects', maxRedirects, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new Error(`safeFetch: ${name} must be an integer >= ${min}`);
  }
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(fetchProblems.timeout(field, opts.timeoutMs)),
    opts.timeoutMs,
  );
  const headers = {
    'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
    accept: 'image/*',
    // Bytes as stored: the size limit applies to what we keep, and sharp reads no gzip.
    'accept-encoding': 'identity',
  };
  try {
    let current = parseHttpUrl(url, field);
    for (let hop = 0; ; hop++) {
      const allowPrivate = mayReachPrivate(opts.allowPrivate, current, hop);
      const res = await guardedRequest(current, {
        method: 'GET',
        headers,
        field,
        allowPrivate,
        signal: controller.signal,
      });
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && res.headers.location) {
        res.destroy();
        if (hop >= maxRedirects) throw fetchProblems.tooManyRedirects(field, maxRedirects);
        // The next hop is checked like the first: scheme here, address when it connects.
        current = parseHttpUrl(res.headers.location, field, current);
        continue;
      }
      if (status < 200 || status > 299) {
        res.destroy();
        throw fetchProblems.httpStatus(field, status);
      }
      const bytes = await readLimited(res, opts.maxBytes);
      return { bytes, contentType: res.headers['content-type'], finalUrl: current.href };
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw fetchProblems.tooLarge(field, opts.maxBytes);
    throw requestFailure(err, controller.signal, field);
  } finally {
    clearTimeout(timer);
  }
}
