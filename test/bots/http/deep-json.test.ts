// Deeply nested JSON is refused when it is read, with a 400 naming the limit, on every route that reads
// JSON: nothing is queued and no stack trace is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

const SECRET = 'hook-secret-deep-json-01';
let h: Harness;

beforeAll(async () => {
  const hooks = parseHookConfigs(
    [
      {
        name: 'deep',
        secret: SECRET,
        template: { prompt: '{{title}}' },
        destination: { type: 'callback', url: 'https://results.example.com/in' },
      },
    ],
    { callbackSecret: 'x'.repeat(16) },
  );
  h = await startHarness({ name: 'deep-json', deps: { hooks } });
});
afterAll(async () => {
  await h?.close();
});

/** `levels` nested arrays around a number, as text (5,000 levels are about 10 KB). */
const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

async function expectTooDeep(res: Response) {
  const body = await bodyOf(res);
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(JSON.stringify(body)).toContain('more than 64 levels deep');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
}

describe('deeply nested JSON', () => {
  it('POST /v1/jobs: 400 naming the limit, for the body and for a multipart params field', async () => {
    const json = `{"prompt":"a red circle","params":${deep(5000)}}`;
    await expectTooDeep(
      await h.fetch('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
      }),
    );
    const form = new FormData();
    form.set('prompt', 'a red circle');
    form.set('params', `{"seed":${deep(5000)}}`);
    await expectTooDeep(await h.fetch('/v1/jobs', { method: 'POST', body: form }));
  });

  it('/sdapi/v1/txt2img and img2img refuse it before anything is queued', async () => {
    for (const path of ['/sdapi/v1/txt2img', '/sdapi/v1/img2img']) {
      const json = `{"prompt":"a red circle","init_images":${deep(5000)}}`;
      await expectTooDeep(
        await h.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }),
      );
    }
    expect(await h.stack.system.redis.zcard(h.stack.system.orchestrator.keys.active)).toBe(0);
  });

  it('a signed hook payload nested too deep is a 400, not a 500', async () => {
    const body = `{"title":"x","junk":${deep(5000)}}`;
    const res = await h.fetch('/hooks/deep', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHookBody(SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    await expectTooDeep(res);
  });

  it('64 levels are fine; brackets inside strings do not count', async () => {
    const json = JSON.stringify({ prompt: `a red circle ${'['.repeat(500)}`, params: { seed: 3 } });
    const res = await h.fetch('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    expect(res.status).toBe(202);
    const nested64 = `{"prompt":"a","params":{"x":${deep(62)}}}`;
    const res64 = await h.fetch('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: nested64,
    });
    // Read, then refused by validation for the unknown field, as any other body would be.
    expect(res64.status).toBe(400);
    expect(JSON.stringify(await bodyOf(res64))).not.toContain('levels deep');
  });
});
