// Signs an outgoing webhook the Standard Webhooks way: HMAC-SHA256 over "id.timestamp.body",
// sent as `v1,<base64>` next to the id and timestamp it covers.
import { createHmac } from 'node:crypto';
import { webhookKey } from './webhook-secret.ts';

export interface WebhookMessage {
  /** Stays the same across retries of one delivery, so receivers can drop duplicates. */
  id: string;
  /** Unix seconds when this attempt is sent. */
  timestamp: number;
  /** The exact bytes sent as the body. */
  body: string | Uint8Array;
}

// A type rather than an interface, so it passes wherever a plain header record is expected.
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The raw HMAC of a message; verify compares against this. */
export function webhookSignature(key: Buffer, msg: WebhookMessage): Buffer {
  return createHmac('sha256', key).update(`${msg.id}.${msg.timestamp}.`).update(msg.body).digest();
}

export function signWebhook(secret: string, msg: WebhookMessage): WebhookHeaders {
  if (!Number.isInteger(msg.timestamp) || msg.timestamp < 0) {
    throw new Error(`webhook timestamp must be whole unix seconds, got ${msg.timestamp}`);
  }
  const signature = webhookSignature(webhookKey(secret), msg).toString('base64');
  return {
    'webhook-id': msg.id,
    'webhook-timestamp': String(msg.timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
