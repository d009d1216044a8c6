// Webhook signing keys. Standard Webhooks writes a secret as `whsec_` + base64 of the key bytes; any
// other secret is taken as its own UTF-8 bytes, so a plain shared string works too.
import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key bytes of a secret. Throws (a configuration mistake, not a user's) when unusable. */
export function webhookKey(secret: string): Buffer {
  if (secret.startsWith(PREFIX)) {
    const encoded = secret.slice(PREFIX.length);
    if (!BASE64.test(encoded) || encoded.length === 0) {
      throw new Error('webhook secret starts with whsec_ but the rest is not base64');
    }
    return Buffer.from(encoded, 'base64');
  }
  if (secret.length === 0) throw new Error('webhook secret is empty');
  return Buffer.from(secret, 'utf8');
}

/** A new random secret in the `whsec_` form (24 key bytes, as the spec's examples use). */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(24).toString('base64')}`;
}
