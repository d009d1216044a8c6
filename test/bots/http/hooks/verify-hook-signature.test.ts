import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signHookBody, verifyHookSignature } from '../../../../bots/http/hooks/verify-hook-signature.ts';
import { signWebhook } from '../../../../queue/webhooks/sign-webhook.ts';

const SECRET = 'hook-secret-for-tests';
const BODY = '{"issue":{"title":"A lighthouse at dusk"}}';
const NOW_SEC = 1_750_000_000;
const NOW = NOW_SEC * 1000;

function hookHeaders(overrides: Record<string, string> = {}) {
  return { ...signHookBody(SECRET, BODY, NOW_SEC), ...overrides };
}

describe('verifyHookSignature', () => {
  it('signs HMAC-SHA256 over "timestamp.body" as sha256=<hex>', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW_SEC}.${BODY}`).digest('hex');
    expect(signHookBody(SECRET, BODY, NOW_SEC)).toEqual({
      'x-hook-timestamp': String(NOW_SEC),
      'x-hook-signature': `sha256=${expected}`,
    });
  });

  it('accepts a fresh, correctly signed body', () => {
    expect(verifyHookSignature(SECRET, hookHeaders(), BODY, { now: NOW })).toMatchObject({
      ok: true,
      scheme: 'hook',
      timestamp: NOW_SEC,
    });
    expect(verifyHookSignature(SECRET, hookHeaders(), Buffer.from(BODY), { now: NOW }).ok).toBe(true);
  });

  it('accepts any-case header names, but only the canonical lower-case signature', () => {
    const h = hookHeaders();
    const shouty = { 'X-Hook-Timestamp': h['x-hook-timestamp'], 'X-HOOK-SIGNATURE': h['x-hook-signature'] };
    expect(verifyHookSignature(SECRET, shouty, BODY, { now: NOW }).ok).toBe(true);
    expect(verifyHookSignature(SECRET, new Headers(h), BODY, { now: NOW }).ok).toBe(true);
    const hex = h['x-hook-signature'].slice(7);
    for (const signature of [`sha256=${hex.toUpperCase()}`, `SHA256=${hex}`]) {
      expect(
        verifyHookSignature(SECRET, { ...h, 'x-hook-signature': signature }, BODY, { now: NOW }),
      ).toEqual({ ok: false, reason: 'bad_signature' });
    }
  });

  it('names what it verified: timestamp and body digest, or the webhook-id', () => {
    const ours = verifyHookSignature(SECRET, hookHeaders(), BODY, { now: NOW });
    expect(ours.ok && ours.signed).toMatch(new RegExp(`^ts:${NOW_SEC}:[0-9a-f]{64}$`));
    const standard = signWebhook(SECRET, { id: 'msg_1', timestamp: NOW_SEC, body: BODY });
    const theirs = verifyHookSignature(SECRET, standard, BODY, { now: NOW });
    expect(theirs.ok && theirs.signed).toBe('id:msg_1');
  });

  it('says a signature is missing', () => {
    expect(verifyHookSignature(SECRET, {}, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    const onlyStamp = { 'x-hook-timestamp': String(NOW_SEC) };
    expect(verifyHookSignature(SECRET, onlyStamp, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('says a timestamp is missing or not whole seconds', () => {
    const { 'x-hook-signature': signature } = hookHeaders();
    for (const headers of [
      { 'x-hook-signature': signature },
      hookHeaders({ 'x-hook-timestamp': 'yesterday' }),
      hookHeaders({ 'x-hook-timestamp': '1750000000.5' }),
      hookHeaders({ 'x-hook-timestamp': '2025-06-15T12:00:00Z' }),
    ]) {
      expect(verifyHookSignature(SECRET, headers, BODY, { now: NOW })).toEqual({
        ok: false,
        reason: 'bad_timestamp',
      });
    }
  });

  it('refuses timestamps more than 5 minutes away', () => {
    const headers = hookHeaders();
    expect(verifyHookSignature(SECRET, headers, BODY, { now: NOW + 300_000 }).ok).toBe(true);
    expect(verifyHookSignature(SECRET, headers, BODY, { now: NOW + 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyHookSignature(SECRET, headers, BODY, { now: NOW - 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyHookSignature(SECRET, headers, BODY, { now: NOW + 61_000, toleranceSec: 60 }).ok).toBe(
      false,
    );
  });

  it('refuses a tampered body, a moved timestamp, a wrong secret and malformed signatures', () => {
    const bad = { ok: false, reason: 'bad_signature' };
    const headers = hookHeaders();
    expect(verifyHookSignature(SECRET, headers, `${BODY} `, { now: NOW })).toEqual(bad);
    const moved = { ...headers, 'x-hook-timestamp': String(NOW_SEC + 1) };
    expect(verifyHookSignature(SECRET, moved, BODY, { now: NOW })).toEqual(bad);
    expect(verifyHookSignature('other-secret', headers, BODY, { now: NOW })).toEqual(bad);
    const hex = headers['x-hook-signature'].slice(7);
    for (const signature of [hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, 'sha256=zz']) {
      expect(
        verifyHookSignature(SECRET, { ...headers, 'x-hook-signature': signature }, BODY, { now: NOW }),
      ).toEqual(bad);
    }
  });

  it('also accepts Standard Webhooks headers', () => {
    const standard = signWebhook(SECRET, { id: 'msg_1', timestamp: NOW_SEC, body: BODY });
    expect(verifyHookSignature(SECRET, standard, BODY, { now: NOW })).toMatchObject({
      ok: true,
      scheme: 'standard-webhooks',
      timestamp: NOW_SEC,
    });
    expect(verifyHookSignature(SECRET, standard, `${BODY}x`, { now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyHookSignature(SECRET, standard, BODY, { now: NOW + 600_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    const { 'webhook-id': _id, ...noId } = standard;
    expect(verifyHookSignature(SECRET, noId, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('refuses an empty secret outright', () => {
    expect(() => verifyHookSignature('', hookHeaders(), BODY)).toThrow(/empty/);
  });
});
