// One HTTP(S) request whose connection can only reach an allowed address. No redirects are followed
// here: each hop is a new guarded request, so every hop is checked the same way.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ValidationError } from '../../core/errors.ts';
import { guardedLookup, parseRequestUrl } from './address-policy.ts';
import { fetchProblems } from './fetch-problems.ts';

export interface GuardedRequestOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  field: string;
  allowPrivate: boolean;
  /** Aborting destroys the request or the response; the caller maps the abort to its own error. */
  signal: AbortSignal;
}

/**
 * Resolves with the response once its headers arrive; the caller reads or discards the body.
 * Rejects with a ValidationError for a refused address, and with the raw error for network failures.
 */
export function guardedRequest(target: URL, opts: GuardedRequestOptions): Promise<IncomingMessage> {
  const url = parseRequestUrl(target, opts.field, opts.allowPrivate);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: opts.method,
        headers:
          opts.body === undefined
            ? opts.headers
            : { ...opts.headers, 'content-length': `${Buffer.byteLength(opts.body)}` },
        // A fresh connection per request: a pooled socket would skip the lookup and its check.
        agent: false,
        lookup: guardedLookup(opts.field, opts.allowPrivate),
        signal: opts.signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A failure of the request as the user should read it (refusals and timeouts pass through). */
export function requestFailure(err: unknown, signal: AbortSignal, field: string): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ValidationError) return err;
  return fetchProblems.unreachable(field, err);
}
