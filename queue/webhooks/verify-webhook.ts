// Checks a Standard Webhooks signature: for our tests, for users who receive our webhooks, and for
// inbound hooks that sign the same way.
import { timingSafeEqual } from 'node:crypto';
import { type HeaderSource, headerValue } from './header-value.ts';
import { webhookSignature } from './sign-webhook.ts';
import { isFresh, parseUnixSeconds } from './timestamp.ts';
import { webhookKey } from './webhook-secret.ts';

/** Why a signed request was refused; safe to log, and to send back as the reason. */
export type SignatureFailure = 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: SignatureFailure };

export interface VerifyWebhookOptions {
  /** Largest distance between the signed timestamp and now, in seconds; 5 minutes by default. */
  toleranceSec?: number;
  /** The current time in milliseconds (Date.now() by default). */
  now?: number;
}

/** True when any `v1,<base64>` entry of a space-separated signature header is the expected HMAC. */
export function anySignatureMatches(header: string, expected: Buffer): boolean {
  let matched = false;
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    // Other versions (v1a is the asymmetric scheme) are not ours to check.
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    // Every entry is compared, so timing does not tell which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

export function verifyWebhook(
  secret: string,
  headers: HeaderSource,
  body: string | Uint8Array,
  opts: VerifyWebhookOptions = {},
): WebhookVerification {
  const id = headerValue(headers, 'webhook-id');
  const stamp = headerValue(headers, 'webhook-timestamp');
  const signatures = headerValue(headers, 'webhook-signature');
  if (!id || !stamp || !signatures) return { ok: false, reason: 'missing_signature' };
  const timestamp = parseUnixSeconds(stamp);
  if (timestamp === undefined) return { ok: false, reason: 'bad_timestamp' };
  if (!isFresh(timestamp, opts.now ?? Date.now(), opts.toleranceSec ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = webhookSignature(webhookKey(secret), { id, timestamp, body });
  return anySignatureMatches(signatures, expected)
    ? { ok: true, id, timestamp }
    : { ok: false, reason: 'bad_signature' };
}
