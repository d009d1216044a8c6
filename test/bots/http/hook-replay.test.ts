// One captured hook request, re-sent in every spelling a verifier might accept, is accepted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { signWebhook } from '../../../queue/webhooks/sign-webhook.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

const SECRET = 'hook-secret-for-replays-0123';
let h: Harness;

beforeAll(async () => {
  const hooks = parseHookConfigs(
    [
      {
        name: 'github',
        secret: SECRET,
        template: { prompt: '{{issue.title}}' },
        destination: { type: 'callback', url: 'https://results.example.com/in' },
      },
    ],
    { callbackSecret: 'x'.repeat(16) },
  );
  h = await startHarness({ name: 'hook-replay', deps: { hooks } });
});
afterAll(async () => {
  await h?.close();
});

const nowSec = () => Math.floor(Date.now() / 1000);

interface Variant {
  name: string;
  headers: Record<string, string>;
  body?: string;
  path?: string;
  contentType?: string;
}

async function send(body: string, v: Variant): Promise<Response> {
  return h.fetch(v.path ?? '/hooks/github', {
    method: 'POST',
    headers: { 'content-type': v.contentType ?? 'application/json', ...v.headers },
    body: v.body ?? body,
  });
}

/** Re-spellings of our scheme's `sha256=<hex>` header, each given the captured timestamp. */
function hookVariants(headers: Record<string, string>): Variant[] {
  const stamp = headers['x-hook-timestamp'];
  const hex = headers['x-hook-signature'].slice('sha256='.length);
  const b64 = Buffer.from(hex, 'hex').toString('base64');
  const sig = (s: string, extra: Record<string, string> = {}) => ({
    'x-hook-timestamp': stamp,
    'x-hook-signature': s,
    ...extra,
  });
  const v = (name: string, s: string, extra?: Record<string, string>): Variant => ({
    name,
    headers: sig(s, extra),
  });
  return [
    v('the same request', `sha256=${hex}`),
    v('upper-case hex', `sha256=${hex.toUpperCase()}`),
    v('mixed-case hex', `sha256=${hex.slice(0, 32).toUpperCase()}${hex.slice(32)}`),
    v('SHA256= prefix', `SHA256=${hex}`),
    v('Sha256= prefix', `Sha256=${hex}`),
    v('SHA256= and upper-case hex', `SHA256=${hex.toUpperCase()}`),
    v('space after =', `sha256= ${hex}`),
    v('space before =', `sha256 =${hex}`),
    v('tab inside', `sha256=\t${hex}`),
    v('trailing comma', `sha256=${hex},`),
    v('trailing semicolon', `sha256=${hex};`),
    v('signature twice', `sha256=${hex} sha256=${hex}`),
    v('signature twice with a comma', `sha256=${hex},sha256=${hex}`),
    v('junk entry in front', `junk sha256=${hex}`),
    v('junk entry behind', `sha256=${hex} junk`),
    v('extra v1,AAAA entry', `sha256=${hex} v1,AAAA`),
    v('base64 instead of hex', `sha256=${b64}`),
    v('Standard Webhooks spelling in our header', `v1,${b64}`),
    v('hex with a 0x', `sha256=0x${hex}`),
    v('hex padded with zeros', `sha256=${hex}00`),
    v('no prefix', hex),
    v('sha-256= prefix', `sha-256=${hex}`),
    v('also Standard Webhooks headers', `sha256=${hex}`, {
      'webhook-id': 'msg_x',
      'webhook-timestamp': stamp,
      'webhook-signature': `v1,${b64}`,
    }),
    {
      name: 'timestamp with a leading zero',
      headers: { ...sig(`sha256=${hex}`), 'x-hook-timestamp': `0${stamp}` },
    },
    { name: 'another content type', headers: sig(`sha256=${hex}`), contentType: 'text/plain' },
    { name: 'a query string', headers: sig(`sha256=${hex}`), path: '/hooks/github?again=1' },
    { name: 'a body with a trailing newline', headers: sig(`sha256=${hex}`), body: undefined },
  ];
}

/** Re-spellings of a Standard Webhooks `v1,<base64>` header with the captured id and timestamp. */
function standardVariants(headers: Record<string, string>): Variant[] {
  const id = headers['webhook-id'];
  const stamp = headers['webhook-timestamp'];
  const b64 = headers['webhook-signature'].slice('v1,'.length);
  const hex = Buffer.from(b64, 'base64').toString('hex');
  const v = (name: string, s: string, extra: Record<string, string> = {}): Variant => ({
    name,
    headers: { 'webhook-id': id, 'webhook-timestamp': stamp, 'webhook-signature': s, ...extra },
  });
  const unpadded = b64.replace(/=+$/, '');
  const urlSafe = b64.replace(/\+/g, '-').replace(/\//g, '_');
  // The last base64 character carries 2 spare bits: setting them gives a different text, same bytes.
  const last = 'AEIMQUYcgkosw048'.indexOf(b64[42]);
  const spareBits = `${b64.slice(0, 42)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[last * 4 + 1]}=`;
  return [
    v('the same request', `v1,${b64}`),
    v('unpadded base64', `v1,${unpadded}`),
    v('url-safe base64', `v1,${urlSafe}`),
    v('url-safe unpadded base64', `v1,${urlSafe.replace(/=+$/, '')}`),
    v('spare bits set in the last character', `v1,${spareBits}`),
    v('extra padding', `v1,${b64}=`),
    v('extra v1,AAAA entry behind', `v1,${b64} v1,AAAA`),
    v('extra v1,AAAA entry in front', `v1,AAAA v1,${b64}`),
    v('junk entry in front', `junk v1,${b64}`),
    v('junk entry behind', `v1,${b64} junk`),
    v('v1a entry in front', `v1a,${b64} v1,${b64}`),
    v('v2 entry in front', `v2,AAAA v1,${b64}`),
    v('signature twice', `v1,${b64} v1,${b64}`),
    v('two spaces between entries', `v1,AAAA  v1,${b64}`),
    v('comma-separated entries', `v1,AAAA,v1,${b64}`),
    v('upper-case V1', `V1,${b64}`),
    v('space after the comma', `v1, ${b64}`),
    v('whitespace inside the base64', `v1,${b64.slice(0, 20)} ${b64.slice(20)}`),
    v('hex instead of base64', `v1,${hex}`),
    v('our sha256= spelling in the standard header', `sha256=${hex}`),
    v('many entries in front', `${Array.from({ length: 6 }, () => 'v1,AAAA').join(' ')} v1,${b64}`),
    v('with our headers for another timestamp', `v1,${b64}`, {
      'x-hook-timestamp': String(Number(stamp) + 1),
    }),
    { ...v('a query string', `v1,${b64}`), path: '/hooks/github?again=1' },
    { ...v('another content type', `v1,${b64}`), contentType: 'application/x-www-form-urlencoded' },
    v('webhook-id with another case', `v1,${b64}`, { 'webhook-id': id.toUpperCase() }),
  ];
}

describe('hook replays', () => {
  it('50+ variants of a captured request are all refused (401) after the first 202', async () => {
    const hookBody = JSON.stringify({ issue: { title: 'A lighthouse at dusk' } });
    const hookHeaders = signHookBody(SECRET, hookBody, nowSec());
    const standardBody = JSON.stringify({ issue: { title: 'A red barn' } });
    const standardHeaders = signWebhook(SECRET, {
      id: 'msg_2Kp7aQ',
      timestamp: nowSec(),
      body: standardBody,
    });

    expect((await send(hookBody, { name: 'first', headers: hookHeaders })).status).toBe(202);
    expect((await send(standardBody, { name: 'first', headers: standardHeaders })).status).toBe(202);

    const hooks = hookVariants(hookHeaders).map((v) =>
      v.name === 'a body with a trailing newline' ? { ...v, body: `${hookBody}\n` } : v,
    );
    const attempts = [
      ...hooks.map((v) => ({ v, body: hookBody })),
      ...standardVariants(standardHeaders).map((v) => ({ v, body: standardBody })),
    ];
    expect(attempts.length).toBeGreaterThanOrEqual(50);
    const accepted: string[] = [];
    for (const { v, body } of attempts) {
      const res = await send(body, v);
      if (res.status !== 401) accepted.push(`${v.name}: ${res.status}`);
    }
    expect(accepted).toEqual([]);
    // Nothing but the two first requests became a job.
    expect(await h.stack.system.redis.zcard(h.stack.system.orchestrator.keys.active)).toBe(2);
  });

  it('a re-spelled signature is refused even on a request never seen before', async () => {
    const body = JSON.stringify({ issue: { title: 'A fox' } });
    const headers = signHookBody(SECRET, body, nowSec());
    const upper = {
      ...headers,
      'x-hook-signature': `SHA256=${headers['x-hook-signature'].slice(7).toUpperCase()}`,
    };
    const res = await send(body, { name: 'upper', headers: upper });
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).error.reason).toBe('bad_signature');
    // The canonical spelling of the same request still goes through.
    expect((await send(body, { name: 'canonical', headers })).status).toBe(202);
  });

  it('two different bodies signed with the same timestamp are two requests', async () => {
    const stamp = nowSec();
    for (const title of ['one', 'two']) {
      const body = JSON.stringify({ issue: { title } });
      expect((await send(body, { name: title, headers: signHookBody(SECRET, body, stamp) })).status).toBe(
        202,
      );
    }
  });

  it('a request refused after its signature was checked may be retried by its sender', async () => {
    const bad = JSON.stringify({ issue: { title: 'x'.repeat(10) }, extra: true });
    const notJson = `${bad.slice(0, -1)}`;
    const headers = signHookBody(SECRET, notJson, nowSec());
    expect((await send(notJson, { name: 'not json', headers })).status).toBe(400);
    // Same signed request again: still the sender's, not a replay; refused for the same reason.
    const again = await send(notJson, { name: 'not json again', headers });
    expect(again.status).toBe(400);
  });
});
