import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { checkCallbackUrl } from '../../../queue/webhooks/callback-url.ts';
import { deliverWebhook } from '../../../queue/webhooks/deliver-webhook.ts';
import { verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';
import { generateWebhookSecret } from '../../../queue/webhooks/webhook-secret.ts';
import { type LocalServer, readBody, startLocalServer } from '../media/local-server.ts';

const SECRET = generateWebhookSecret();
const PAYLOAD = { type: 'job.completed', data: { jobId: 'j1', pictures: ['https://example.com/1.png'] } };

interface Received {
  at: number;
  id: string | undefined;
  verified: boolean;
  payload: unknown;
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A receiver that checks every signature and answers with the next of `answers`, then 200. */
async function receiver(
  answers: ((res: ServerResponse) => void)[],
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = await startLocalServer(async (req: IncomingMessage, res) => {
    const body = await readBody(req);
    received.push({
      at: Date.now(),
      id: req.headers['webhook-id'] as string | undefined,
      verified:
        verifyWebhook(SECRET, req.headers, body).ok && req.headers['content-type'] === 'application/json',
      payload: JSON.parse(body),
    });
    const answer = answers[received.length - 1];
    if (answer) answer(res);
    else res.writeHead(204).end();
  });
  return { url: `${server.origin}/hook`, received };
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    res.writeHead(code, headers).end('no');

const LOCAL = { secret: SECRET, allowPrivate: true, backoff: 20, jitter: 0 };

describe('deliverWebhook', () => {
  it('retries 503 with growing waits, then delivers, signing every attempt', async () => {
    const { url, received } = await receiver([status(503), status(503)]);
    const result = await deliverWebhook(url, PAYLOAD, LOCAL);
    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([503, 503, 204]);
    expect(result.attempts.map((a) => a.retryInMs)).toEqual([20, 40, undefined]);
    expect(result.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    for (const a of result.attempts) {
      expect(Number.isNaN(Date.parse(a.at))).toBe(false);
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received.every((r) => r.id === result.id)).toBe(true);
    expect(received[2].payload).toEqual(PAYLOAD);
    expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(18);
    expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(38);
  });

  it('does not retry a 400', async () => {
    const { url, received } = await receiver([status(400)]);
    const result = await deliverWebhook(url, PAYLOAD, LOCAL);
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ status: 400 });
    expect(result.attempts[0].retryInMs).toBeUndefined();
    expect(received).toHaveLength(1);
  });

  it('does not follow a redirect', async () => {
    const { url, received } = await receiver([status(302, { location: 'http://127.0.0.1:1/' })]);
    const result = await deliverWebhook(url, PAYLOAD, LOCAL);
    expect(result).toMatchObject({ ok: false, attempts: [{ status: 302 }] });
    expect(received).toHaveLength(1);
  });

  it('gives up after the last attempt', async () => {
    const { url, received } = await receiver([status(500), status(502), status(503)]);
    const result = await deliverWebhook(url, PAYLOAD, { ...LOCAL, attempts: 3 });
    expect(result.ok).toBe(false);
    expect(result.attempts.map((a) => a.status)).toEqual([500, 502, 503]);
    expect(result.attempts[2].retryInMs).toBeUndefined();
    expect(received).toHaveLength(3);
  });

  it('honours Retry-After on a 429', async () => {
    const { url, received } = await receiver([status(429, { 'retry-after': '1' })]);
    const result = await deliverWebhook(url, PAYLOAD, LOCAL);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]).toMatchObject({ status: 429, retryInMs: 1000 });
    expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(990);
  });

  it('stops when Retry-After asks for more than it may wait', async () => {
    const { url, received } = await receiver([status(503, { 'retry-after': '120' })]);
    const result = await deliverWebhook(url, PAYLOAD, { ...LOCAL, maxDelayMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0].error).toBe('receiver asked to wait 120 s, longer than allowed');
    expect(received).toHaveLength(1);
  });

  it('retries network failures and timeouts', async () => {
    const gone = await startLocalServer(() => {});
    await gone.close();
    const refused = await deliverWebhook(`${gone.origin}/hook`, PAYLOAD, { ...LOCAL, attempts: 3 });
    expect(refused.ok).toBe(false);
    expect(refused.attempts.map((a) => a.error)).toEqual(
      Array(3).fill('callback URL refused the connection'),
    );

    server = await startLocalServer(() => {});
    const silent = await deliverWebhook(`${server.origin}/hook`, PAYLOAD, {
      ...LOCAL,
      attempts: 2,
      timeoutMs: 200,
    });
    expect(silent.attempts.map((a) => a.error)).toEqual(
      Array(2).fill('callback URL did not answer within 0.2 s'),
    );
    expect(server.hits).toHaveLength(2);
  });

  it('refuses a private callback address without sending or retrying', async () => {
    const { url, received } = await receiver([]);
    for (const target of [url, url.replace('127.0.0.1', 'localhost')]) {
      const result = await deliverWebhook(target, PAYLOAD, { secret: SECRET, backoff: 20 });
      expect(result.ok).toBe(false);
      expect(result.attempts).toEqual([
        expect.objectContaining({ error: 'callback URL points to a private address: use a public URL' }),
      ]);
    }
    expect(received).toHaveLength(0);
  });

  it('delivers through a given fetch, and still checks the address first', async () => {
    const { url, received } = await receiver([status(503)]);
    const sent: string[] = [];
    const fetchImpl: typeof fetch = (input, init) => {
      sent.push(String(input));
      return fetch(input, init);
    };
    const result = await deliverWebhook(url, PAYLOAD, { ...LOCAL, fetchImpl });
    expect(result.attempts.map((a) => a.status)).toEqual([503, 204]);
    expect(received.every((r) => r.verified)).toBe(true);

    const refused = await deliverWebhook(url.replace('127.0.0.1', 'localhost'), PAYLOAD, {
      secret: SECRET,
      fetchImpl,
    });
    expect(refused.attempts[0].error).toBe('callback URL points to a private address: use a public URL');
    expect(sent).toHaveLength(2);
  });

  it('throws on a secret it cannot use', async () => {
    await expect(deliverWebhook('https://example.com/', PAYLOAD, { secret: 'whsec_%%' })).rejects.toThrow(
      /not base64/,
    );
  });
});

describe('checkCallbackUrl', () => {
  it('refuses private, malformed and non-http URLs', async () => {
    for (const [url, problem] of [
      ['http://localhost:8080/hook', 'callback URL points to a private address: use a public URL'],
      ['http://10.1.2.3/hook', 'callback URL points to a private address: use a public URL'],
      ['http://[fd00::1]/hook', 'callback URL points to a private address: use a public URL'],
      ['ftp://example.com/hook', 'callback URL must start with http:// or https://'],
      ['hook', 'callback URL is not valid'],
    ]) {
      const err = await checkCallbackUrl(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toBe(problem);
    }
  });

  it('lets tests reach local receivers', async () => {
    const url = await checkCallbackUrl('http://localhost:8080/hook', { allowPrivate: true });
    expect(url.href).toBe('http://localhost:8080/hook');
  });
});
