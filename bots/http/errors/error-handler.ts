// The app's onError: every thrown value becomes the JSON error shape with its status, Retry-After when
// there is one, and the fields compatible clients look for (`detail` for AUTOMATIC1111 clients, an
// "Error. ..." `message` for EasyAnimate ones). Only our own failures are logged; a client that went away
// mid-request is no failure of ours, so it is one line at debug level (anyone could fill the log).
import type { Context } from 'hono';
import { retryAfterSeconds } from './api-error.ts';
import { toApiError } from './to-api-error.ts';

function compatFields(path: string, message: string): Record<string, string> {
  if (path.startsWith('/sdapi/')) return { detail: message };
  if (path.startsWith('/easyanimate/')) return { message: `Error. error information is ${message}` };
  return {};
}

export function errorHandler(log: (line: string) => void, opts: { debug?: boolean } = {}) {
  return (err: unknown, c: Context) => {
    if (c.req.raw.signal.aborted) {
      if (opts.debug)
        log(`debug: ${c.req.method} ${c.req.path}: the client closed the connection mid-request`);
      return c.body(null, 400);
    }
    const { error, internal } = toApiError(err);
    if (internal) log(`${c.req.method} ${c.req.path}: ${(err as Error)?.stack ?? String(err)}`);
    const headers: Record<string, string> = { ...error.extra.headers };
    if (error.extra.retryAfterMs !== undefined)
      headers['Retry-After'] = String(retryAfterSeconds(error.extra.retryAfterMs));
    return c.json({ ...compatFields(c.req.path, error.message), ...error.body() }, error.status, headers);
  };
}
