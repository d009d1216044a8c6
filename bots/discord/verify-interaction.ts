// Discord signs each HTTP interaction with the application's Ed25519 key: the signature covers
// timestamp + body. A bad signature, or a timestamp further than a few minutes from now, is refused.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const MAX_SKEW_S = 5 * 60;

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad_signature' };

export function verifyInteraction(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Uint8Array,
  nowS = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (!signatureHex || !timestamp) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > MAX_SKEW_S)
    return { ok: false, reason: 'stale' };
  if (!/^[0-9a-f]{128}$/i.test(signatureHex)) return { ok: false, reason: 'bad_signature' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(body)]);
  return verify(null, signed, key, Buffer.from(signatureHex, 'hex'))
    ? { ok: true }
    : { ok: false, reason: 'bad_signature' };
}
