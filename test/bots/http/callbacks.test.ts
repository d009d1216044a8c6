import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../queue/webhooks/verify-webhook.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { type LocalServer, readBody, startLocalServer } from '../../queue/media/local-server.ts';
import { bodyOf, CALLBACK_SECRET, type Harness, startHarness } from './http-harness.ts';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

// A receiver that fails the first delivery of each job with 500, then accepts.
let receiver: LocalServer;
const deliveries: Delivery[] = [];
let h: Harness;

beforeAll(async () => {
  receiver = await startLocalServer((req, res) => {
    void readBody(req).then((body) => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404).end();
        return;
      }
      const firstForJob = !deliveries.some((d) => d.headers['webhook-id'] === req.headers['webhook-id']);
      deliveries.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(firstForJob ? 500 : 200).end();
    });
  });
  // Callbacks and picture fetches may reach the local receiver in this file only.
  h = await startHarness({
    name: 'callbacks',
    stack: {
      components: true,
      services: { fetch: { maxBytes: 1 << 20, timeoutMs: 5000, allowPrivate: true } },
    },
  });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

function forJob(id: string): Delivery[] {
  return deliveries.filter((d) => JSON.parse(d.body).jobId === id);
}

describe('signed callbacks', () => {
  it('POSTs a Standard Webhooks signed result, and tries again after a 500', async () => {
    const callbackUrl = `${receiver.origin}/hook`;
    const { id } = await bodyOf(
      h.json('/v1/jobs', { prompt: 'a fox', callbackUrl, callbackEvents: ['done', 'failed'] }),
    );
    const state = await h.stack.system.orchestrator.state(id);
    expect(state?.job.origin).toEqual({ surface: 'http', callbackUrl, callbackEvents: ['done', 'failed'] });
    await waitFor(
      async () => ((await h.stack.system.orchestrator.state(id))?.status === 'rendering' ? true : undefined),
      'render',
    );
    expect((await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' })).status).toBe(200);

    const got = await waitFor(
      async () => (forJob(id).length >= 2 ? forJob(id) : undefined),
      'two deliveries',
      20_000,
    );
    const [first, second] = got;
    for (const d of got) {
      const verified = verifyWebhook(CALLBACK_SECRET, d.headers as Record<string, string>, d.body);
      expect(verified).toMatchObject({ ok: true, id: `${id}.cancelled` });
      expect(d.headers['content-type']).toBe('application/json');
    }
    // The retry is the same message (same webhook-id), sent again after a backoff.
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    expect(JSON.parse(second.body)).toEqual({
      type: 'job.failed',
      jobId: id,
      status: 'cancelled',
      error: { code: 'cancelled', message: 'cancelled by its owner' },
    });
    // A body changed in transit no longer verifies.
    const tampered = second.body.replace('cancelled', 'done');
    expect(verifyWebhook(CALLBACK_SECRET, second.headers as Record<string, string>, tampered)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('tells the callback why a job failed (a picture URL that answers 404)', async () => {
    const { id } = await bodyOf(
      h.json('/v1/jobs', {
        prompt: 'repaint it',
        image: `${receiver.origin}/missing.png`,
        callbackUrl: `${receiver.origin}/hook`,
      }),
    );
    const got = await waitFor(
      async () => (forJob(id).length >= 2 ? forJob(id) : undefined),
      'deliveries',
      20_000,
    );
    const payload = JSON.parse(got[1].body);
    expect(payload).toEqual({
      type: 'job.failed',
      jobId: id,
      status: 'failed',
      error: { code: 'invalid_input', message: expect.stringContaining('answered HTTP 404') },
    });
    const job = await bodyOf(h.fetch(`/v1/jobs/${id}`));
    expect(job).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', message: payload.error.message },
    });
  });

  it('refuses a callback URL that cannot be signed for or reached', async () => {
    const plain = await startHarness({ name: 'no-secret', env: { CALLBACK_SECRET: '' } });
    try {
      const res = await plain.json('/v1/jobs', { prompt: 'x', callbackUrl: 'https://example.com/hook' });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).error.problems[0]).toMatchObject({
        field: 'callbackUrl',
        problem: expect.stringContaining('CALLBACK_SECRET'),
      });
    } finally {
      await plain.close();
    }
    const strict = await startHarness({ name: 'strict-callback', deps: { allowPrivateCallbacks: false } });
    try {
      const res = await strict.json('/v1/jobs', { prompt: 'x', callbackUrl: 'http://10.0.0.1/hook' });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).error.problems).toEqual([
        { field: 'callbackUrl', problem: 'URL points to a private address: use a public URL' },
      ]);
    } finally {
      await strict.close();
    }
  });
});
