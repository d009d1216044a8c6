import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../../queue/webhooks/sign-webhook.ts';
import { verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';
import { generateWebhookSecret, webhookKey } from '../../../queue/webhooks/webhook-secret.ts';

// The test vector published with the Standard Webhooks reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_VECTOR = VECTOR.timestamp * 1000;

describe('signWebhook', () => {
  it('reproduces the published test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('signs bytes and text alike', () => {
    const bytes = signWebhook(VECTOR.secret, { ...VECTOR, body: Buffer.from(VECTOR.body) });
    expect(bytes['webhook-signature']).toBe(VECTOR.signature);
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    const raw = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(webhookKey(raw).toString('utf8')).toBe(raw);
    expect(signWebhook(raw, VECTOR)['webhook-signature']).not.toBe(VECTOR.signature);
    const headers = signWebhook(raw, VECTOR);
    expect(verifyWebhook(raw, headers, VECTOR.body, { now: AT_VECTOR }).ok).toBe(true);
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: AT_VECTOR })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses secrets it cannot use', () => {
    expect(() => webhookKey('whsec_not*base64')).toThrow(/not base64/);
    expect(() => webhookKey('whsec_')).toThrow(/not base64/);
    expect(() => webhookKey('')).toThrow(/empty/);
    expect(() => signWebhook(VECTOR.secret, { ...VECTOR, timestamp: 1.5 })).toThrow(/whole unix seconds/);
  });

  it('generates whsec_ secrets that sign and verify', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(webhookKey(secret)).toHaveLength(24);
    const headers = signWebhook(secret, { id: 'msg_1', timestamp: 1_700_000_000, body: '{}' });
    expect(verifyWebhook(secret, headers, '{}', { now: 1_700_000_000_000 }).ok).toBe(true);
  });
});

describe('verifyWebhook', () => {
  const headers = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };

  it('accepts the published test vector', () => {
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: AT_VECTOR })).toEqual({
      ok: true,
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it('refuses a tampered body', () => {
    const tampered = VECTOR.body.replace('2432232314', '2432232315');
    expect(verifyWebhook(VECTOR.secret, headers, tampered, { now: AT_VECTOR })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a changed id or timestamp, which the signature covers', () => {
    const otherId = { ...headers, 'webhook-id': 'msg_other' };
    expect(verifyWebhook(VECTOR.secret, otherId, VECTOR.body, { now: AT_VECTOR }).ok).toBe(false);
    const later = { ...headers, 'webhook-timestamp': String(VECTOR.timestamp + 1) };
    expect(verifyWebhook(VECTOR.secret, later, VECTOR.body, { now: AT_VECTOR })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses timestamps more than the tolerance away, either way', () => {
    const verify = (nowMs: number, toleranceSec?: number) =>
      verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: nowMs, toleranceSec });
    expect(verify(AT_VECTOR + 300_000).ok).toBe(true);
    expect(verify(AT_VECTOR + 301_000)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(AT_VECTOR - 301_000)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(AT_VECTOR + 30_000, 10)).toEqual({ ok: false, reason: 'stale_timestamp' });
    // The real clock is years past the vector's time.
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('refuses a timestamp that is not whole seconds', () => {
    for (const stamp of ['soon', '1614265330.5', '-1614265330', '1614265330000000']) {
      const odd = { ...headers, 'webhook-timestamp': stamp };
      expect(verifyWebhook(VECTOR.secret, odd, VECTOR.body, { now: AT_VECTOR })).toEqual({
        ok: false,
        reason: 'bad_timestamp',
      });
    }
  });

  it('says when a header is missing', () => {
    for (const name of Object.keys(headers)) {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      expect(verifyWebhook(VECTOR.secret, partial, VECTOR.body, { now: AT_VECTOR })).toEqual({
        ok: false,
        reason: 'missing_signature',
      });
    }
  });

  it('accepts any one valid signature among several, and ignores other schemes', () => {
    const several = {
      ...headers,
      'webhook-signature': `v1,Zm9v v1a,${VECTOR.signature.slice(3)} ${VECTOR.signature} v2,xyz`,
    };
    expect(verifyWebhook(VECTOR.secret, several, VECTOR.body, { now: AT_VECTOR }).ok).toBe(true);
    const noneValid = { ...headers, 'webhook-signature': `v1,Zm9v v1a,${VECTOR.signature.slice(3)}` };
    expect(verifyWebhook(VECTOR.secret, noneValid, VECTOR.body, { now: AT_VECTOR }).ok).toBe(false);
  });

  it('reads headers from a Headers object or any-case plain object', () => {
    const fetchHeaders = new Headers(headers);
    expect(verifyWebhook(VECTOR.secret, fetchHeaders, VECTOR.body, { now: AT_VECTOR }).ok).toBe(true);
    const shouty = {
      'Webhook-Id': [VECTOR.id],
      'WEBHOOK-TIMESTAMP': String(VECTOR.timestamp),
      'Webhook-Signature': VECTOR.signature,
    };
    expect(verifyWebhook(VECTOR.secret, shouty, VECTOR.body, { now: AT_VECTOR }).ok).toBe(true);
  });
});
