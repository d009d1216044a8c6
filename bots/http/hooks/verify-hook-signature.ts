// Checks who sent a `POST /hooks/:name`. Our scheme: `x-hook-timestamp` (unix seconds) and
// `x-hook-signature: sha256=<hex>`, an HMAC-SHA256 with the hook's secret over "timestamp.body". A sender
// that speaks Standard Webhooks may send its three headers instead.
// Only the canonical spelling of a signature is accepted (lower-case `sha256=` and hex; `v1,` entries of
// padded base64, nothing else in the header), and a verified request is named by what was signed, not
// by how its header was spelled, so the replay guard refuses every re-spelling of a captured request.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type HeaderSource, headerValue } from '../../../queue/webhooks/header-value.ts';
import { isFresh, parseUnixSeconds } from '../../../queue/webhooks/timestamp.ts';
import { type SignatureFailure, verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';

export type HookSignatureScheme = 'hook' | 'standard-webhooks';

export type HookSignatureResult =
  | {
      ok: true;
      scheme: HookSignatureScheme;
      timestamp: number;
      /**
       * What was verified, for the replay guard: the webhook-id for Standard Webhooks (the sender's
       * idempotency key, covered by the signature), else the signed timestamp and the body's digest.
       */
      signed: string;
    }
  | { ok: false; reason: SignatureFailure };

export interface VerifyHookOptions {
  /** Largest distance between the signed timestamp and now, in seconds; 5 minutes by default. */
  toleranceSec?: number;
  /** The current time in milliseconds (Date.now() by default). */
  now?: number;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;
/** One Standard Webhooks entry: version 1 and the 32 HMAC bytes as padded standard base64. */
const STANDARD_ENTRY = /^v1,[A-Za-z0-9+/]{43}=$/;
/** Several entries are allowed (a sender rotating its secret), but not a pile of guesses. */
const MAX_STANDARD_ENTRIES = 4;
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

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

/** True when every entry of a Standard Webhooks signature header is in the canonical form. */
function isCanonicalStandard(header: string): boolean {
  const entries = header.split(' ');
  if (entries.length > MAX_STANDARD_ENTRIES) return false;
  // A base64 text decodes to one value only when it re-encodes to itself (no stray bits, no url alphabet).
  return entries.every(
    (e) => STANDARD_ENTRY.test(e) && Buffer.from(e.slice(3), 'base64').toString('base64') === e.slice(3),
  );
}

function verifyStandard(
  secret: string,
  headers: HeaderSource,
  body: string | Uint8Array,
  opts: VerifyHookOptions,
): HookSignatureResult {
  const signatures = headerValue(headers, 'webhook-signature') ?? '';
  const id = headerValue(headers, 'webhook-id');
  const standard = verifyWebhook(secret, headers, body, opts);
  if (!standard.ok) return standard;
  if (!isCanonicalStandard(signatures) || id === undefined || !WEBHOOK_ID.test(id)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true, scheme: 'standard-webhooks', timestamp: standard.timestamp, signed: `id:${id}` };
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
    return verifyStandard(secret, headers, body, opts);
  }
  const stamp = headerValue(headers, 'x-hook-timestamp');
  const timestamp = parseUnixSeconds(stamp);
  if (stamp === undefined || timestamp === undefined) return { ok: false, reason: 'bad_timestamp' };
  if (!isFresh(timestamp, opts.now ?? Date.now(), opts.toleranceSec ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const given = SIGNATURE.exec(signature);
  if (!given) return { ok: false, reason: 'bad_signature' };
  // Signed over the timestamp exactly as sent, so a sender's own spelling of it still verifies.
  const expected = hookDigest(secret, stamp.trim(), body);
  if (!timingSafeEqual(Buffer.from(given[1], 'hex'), expected)) return { ok: false, reason: 'bad_signature' };
  const digest = createHash('sha256').update(body).digest('hex');
  return { ok: true, scheme: 'hook', timestamp, signed: `ts:${timestamp}:${digest}` };
}
