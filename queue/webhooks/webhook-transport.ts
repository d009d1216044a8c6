// Sends one signed POST and reports the status. The default goes through the guarded request, whose
// connection can only reach an allowed address; a caller's fetch gets the same check, done just before.
import { checkUrlResolves, parseRequestUrl } from '../media/address-policy.ts';
import { guardedRequest } from '../media/guarded-request.ts';

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  field: string;
  allowPrivate: boolean;
  signal: AbortSignal;
}

export interface WebhookAnswer {
  status: number;
  retryAfter: string | undefined;
}

/** The part of the fetch API a delivery uses; the global fetch fits. */
export type FetchLike = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    redirect: 'manual';
  },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  body?: { cancel(): Promise<void> } | null;
}>;

export type WebhookTransport = (url: URL, post: WebhookPost) => Promise<WebhookAnswer>;

export const guardedTransport: WebhookTransport = async (url, post) => {
  const res = await guardedRequest(url, { method: 'POST', ...post });
  // Only the status matters; the body is not read, so an endless one costs nothing.
  res.destroy();
  const retryAfter = res.headers['retry-after'];
  return { status: res.statusCode ?? 0, retryAfter };
};

export function fetchTransport(fetchImpl: FetchLike): WebhookTransport {
  return async (target, post) => {
    const url = parseRequestUrl(target, post.field, post.allowPrivate);
    await checkUrlResolves(url, post.field, post.allowPrivate);
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await fetchImpl(url.href, {
        method: 'POST',
        headers: post.headers,
        body: post.body,
        signal: post.signal,
        // A redirect is an answer like any other: following it could lead past the address check.
        redirect: 'manual',
      });
    } catch (err) {
      // fetch wraps the system error (ECONNREFUSED...) as its cause.
      throw err instanceof TypeError && err.cause ? err.cause : err;
    }
    await res.body?.cancel().catch(() => {});
    return { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined };
  };
}
