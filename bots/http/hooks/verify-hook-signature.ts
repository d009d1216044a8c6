// Checks who sent a `POST /hooks/:name`. Our scheme: `x-hook-timestamp` (unix seconds) and
// `x-hook-signature: sha256=<hex>`, an HMAC-SHA256 with the hook's secret over "timestamp.body". A sender
// that speaks Standard Webhooks may send its three headers instead.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type HeaderSource, headerValue } from '../../../queue/webhooks/header-value.ts';
import { isFresh, parseUnixSeconds } from '../../../queue/webhooks/timestamp.ts';
import { type SignatureFailure, verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';

export type HookSignatureScheme = 'hook' | 'standard-webhooks';

export type HookSignatureResult =
  | { ok: true; scheme: HookSignatureScheme; timestamp: number }
  | { ok: false; reason: SignatureFailure };

export interface VerifyHookOptions {
  /** Largest distance between the signed timestamp and now, in seconds; 5 minutes by default. */
  toleranceSec?: number;
  /** The current time in milliseconds (Date.now() by default). */
  now?: number;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The HMAC our scheme expects, as raw bytes. The secret is used as its UTF-8 bytes. */
function hookDigest(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The two headers of our scheme, for senders written in TypeScript and for tests. */
export function signHookBody(
  secret: string,
  body: string | Uint8Array,
  timestampSec: number,
): { 'x-hook-timestamp': string; 'x-hook-signature': string } {
  const timestamp = String(timestampSec);
  return {
    'x-hook-timestamp': timestamp,
    'x-hook-signature': `sha256=${hookDigest(secret, timestamp, body).toString('hex')}`,
  };
}

/** `body` must be the raw bytes as received: re-serialised JSON would not match the signature. */
export function verifyHookSignature(
  secret: string,
  headers: HeaderSource,
  body: string | Uint8Array,
  opts: VerifyHookOptions = {},
): HookSignatureResult {
  if (secret.length === 0) throw new Error('hook secret is empty');
  const signature = headerValue(headers, 'x-hook-signature');
  if (signature === undefined) {
    if (headerValue(headers, 'webhook-signature') === undefined)
      return { ok: false, reason: 'missing_signature' };
    const standard = verifyWebhook(secret, headers, body, opts);
    return standard.ok ? { ok: true, scheme: 'standard-webhooks', timestamp: standard.timestamp } : standard;
  }
  const stamp = headerValue(headers, 'x-hook-timestamp');
  const timestamp = parseUnixSeconds(stamp);
  if (stamp === undefined || timestamp === undefined) return { ok: false, reason: 'bad_timestamp' };
  if (!isFresh(timestamp, opts.now ?? Date.now(), opts.toleranceSec ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const given = SIGNATURE.exec(signature.trim());
  if (!given) return { ok: false, reason: 'bad_signature' };
  // Signed over the timestamp exactly as sent, so a sender's own spelling of it still verifies.
  const expected = hookDigest(secret, stamp.trim(), body);
  const matches = timingSafeEqual(Buffer.from(given[1], 'hex'), expected);
  return matches ? { ok: true, scheme: 'hook', timestamp } : { ok: false, reason: 'bad_signature' };
}
