// Delivers one webhook: a signed JSON POST, tried again with exponential backoff while the failure may
// pass (network errors, timeouts, 5xx, 429), and a log of every attempt for whoever asks what happened.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ValidationError } from '../../core/errors.ts';
import { parseHttpUrl } from '../media/address-policy.ts';
import { fetchProblems } from '../media/fetch-problems.ts';
import { requestFailure } from '../media/guarded-request.ts';
import { CALLBACK_FIELD } from './callback-url.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry-policy.ts';
import { signWebhook } from './sign-webhook.ts';
import { webhookKey } from './webhook-secret.ts';
import { type FetchLike, fetchTransport, guardedTransport } from './webhook-transport.ts';

export interface DeliverWebhookOptions {
  secret: string;
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait after the first failure in ms; doubles after each further one. */
  backoff?: number;
  /** Up to this fraction of each wait is added at random. */
  jitter?: number;
  /** Longest wait between tries; a Retry-After asking for more ends the delivery instead. */
  maxDelayMs?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** The webhook-id, the same on every attempt; a random `msg_` id by default. */
  id?: string;
  /** Tests and local development only: lets the callback reach loopback and private addresses. */
  allowPrivate?: boolean;
  userAgent?: string;
  /** Send with this instead of the built-in guarded request (the address is still checked first). */
  fetchImpl?: FetchLike;
  random?: () => number;
}

export interface DeliveryAttempt {
  attempt: number;
  /** ISO time the attempt started. */
  at: string;
  durationMs: number;
  /** The HTTP status, when the receiver answered. */
  status?: number;
  /** What went wrong, when it did not (or when the delivery stopped). */
  error?: string;
  /** The wait before the next attempt, when there is one. */
  retryInMs?: number;
}

export interface DeliveryResult {
  ok: boolean;
  id: string;
  attempts: DeliveryAttempt[];
}

export const WEBHOOK_USER_AGENT = 'imagine-bot/0.1 (webhook)';

interface Outcome {
  retryable: boolean;
  retryAfterMs?: number;
}

export async function deliverWebhook(
  url: string,
  payload: unknown,
  opts: DeliverWebhookOptions,
): Promise<DeliveryResult> {
  const attempts = opts.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be >= 1, got ${attempts}`);
  const baseMs = opts.backoff ?? 1000;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const id = opts.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  // A bad secret is a configuration mistake: say so now rather than log it as a failed delivery.
  webhookKey(opts.secret);
  const body = JSON.stringify(payload) ?? 'null';
  const send = opts.fetchImpl ? fetchTransport(opts.fetchImpl) : guardedTransport;
  const field = CALLBACK_FIELD;
  const log: DeliveryAttempt[] = [];

  for (let n = 1; n <= attempts; n++) {
    const started = Date.now();
    const entry: DeliveryAttempt = { attempt: n, at: new Date(started).toISOString(), durationMs: 0 };
    log.push(entry);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(fetchProblems.timeout(field, timeoutMs)), timeoutMs);
    let outcome: Outcome;
    try {
      // A fresh timestamp and signature per attempt, so a late retry is not refused as a replay.
      const signed = signWebhook(opts.secret, { id, timestamp: Math.floor(started / 1000), body });
      const headers = {
        'content-type': 'application/json',
        'user-agent': opts.userAgent ?? WEBHOOK_USER_AGENT,
        ...signed,
      };
      const answer = await send(parseHttpUrl(url, field), {
        headers,
        body,
        field,
        allowPrivate: opts.allowPrivate === true,
        signal: controller.signal,
      });
      entry.status = answer.status;
      if (answer.status >= 200 && answer.status <= 299) {
        entry.durationMs = Date.now() - started;
        return { ok: true, id, attempts: log };
      }
      outcome = {
        retryable: isRetryableStatus(answer.status),
        retryAfterMs: parseRetryAfter(answer.retryAfter, Date.now()),
      };
    } catch (err) {
      const shown = requestFailure(err, controller.signal, field);
      entry.error = shown instanceof Error ? shown.message : String(shown);
      // A refused or malformed URL stays so; a timeout or a network failure may pass.
      outcome = { retryable: controller.signal.aborted || !(err instanceof ValidationError) };
    } finally {
      clearTimeout(timer);
    }
    entry.durationMs = Date.now() - started;
    if (!outcome.retryable || n === attempts) break;
    const backoff = Math.min(
      backoffDelay(n, baseMs, opts.jitter ?? 0.25, opts.random ?? Math.random),
      maxDelayMs,
    );
    const retryAfterMs = outcome.retryAfterMs ?? 0;
    if (retryAfterMs > maxDelayMs) {
      entry.error = `receiver asked to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than allowed`;
      break;
    }
    entry.retryInMs = Math.max(backoff, retryAfterMs);
    await sleep(entry.retryInMs);
  }
  return { ok: false, id, attempts: log };
}
