import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { parseConfig } from '../../core/config/config.ts';
import { createJob } from '../../core/job/job.ts';
import { verifyWebhook } from '../../queue/webhooks/verify-webhook.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SECRET = 'a-callback-secret-of-some-length';
let stack: Stack;
let server: Server;
let url: string;
const received: { type: string; jobId: string; verified: boolean }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const check = verifyWebhook(SECRET, req.headers, body);
      const payload = JSON.parse(body) as { type: string; jobId: string };
      received.push({ type: payload.type, jobId: payload.jobId, verified: check.ok });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}/hook`;
  const config = parseConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cb-')),
    MODELS_DIR: await testModels(),
    CALLBACK_SECRET: SECRET,
  });
  stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix: uniquePrefix('cb'),
    renderer: true,
    components: true,
    services: { fetch: { maxBytes: 1 << 20, timeoutMs: 5000, allowPrivate: true } },
    log: () => undefined,
  });
});
afterAll(async () => {
  await stack?.close();
  server?.close();
});

function job(callbackEvents?: ('started' | 'progress' | 'done' | 'failed')[]) {
  return createJob({
    kind: 'imagine',
    owner: 'key:cb',
    origin: { surface: 'http', callbackUrl: url, ...(callbackEvents ? { callbackEvents } : {}) },
    params: { prompt: 'a red circle on a blue sky', width: 128, height: 128, steps: 10, seed: 1 },
  });
}

async function finished(id: string): Promise<void> {
  await waitFor(
    async () => ((await stack.system.orchestrator.state(id))?.status === 'done' ? true : undefined),
    'done',
  );
}

describe('callbacks while a job runs', () => {
  it('sends signed started, progress and done callbacks when asked for', async () => {
    const j = job(['started', 'progress', 'done']);
    await stack.system.orchestrator.submit(j);
    await finished(j.id);
    await waitFor(
      async () => (received.some((r) => r.jobId === j.id && r.type === 'job.done') ? true : undefined),
      'done callback',
    );
    await waitFor(
      async () => (received.some((r) => r.jobId === j.id && r.type === 'job.progress') ? true : undefined),
      'a progress callback',
    );
    const mine = received.filter((r) => r.jobId === j.id);
    expect(mine.every((r) => r.verified)).toBe(true);
    expect(mine[0].type).toBe('job.started');
    expect(mine.filter((r) => r.type === 'job.progress').length).toBeGreaterThan(0);
    expect(mine.filter((r) => r.type === 'job.done')).toHaveLength(1);
  });

  it('sends only the final callback by default, and none the filter leaves out', async () => {
    const plain = job();
    const failedOnly = job(['failed']);
    await stack.system.orchestrator.submit(plain);
    await stack.system.orchestrator.submit(failedOnly);
    await finished(plain.id);
    await finished(failedOnly.id);
    await waitFor(
      async () => (received.some((r) => r.jobId === plain.id) ? true : undefined),
      'plain callback',
    );
    expect(received.filter((r) => r.jobId === plain.id).map((r) => r.type)).toEqual(['job.done']);
    expect(received.filter((r) => r.jobId === failedOnly.id)).toEqual([]);
  });
});
