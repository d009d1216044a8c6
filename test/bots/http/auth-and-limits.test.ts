import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeysFromConfig, hashApiKey, sha256Hex } from '../../../bots/http/auth/api-keys.ts';
import { startHttpServer } from '../../../bots/http/server.ts';
import { parseConfig } from '../../../core/index.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

const KEYS = {
  alice: 'ibk_alice-0123456789',
  bob: 'ibk_bob-0123456789',
  carol: 'ibk_carol-0123456789',
  dave: 'ibk_dave-0123456789',
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    const apiKeys = apiKeysFromConfig([
      { name: 'alice', keyHash: await hashApiKey(KEYS.alice, { N: 1024, r: 8, p: 1 }) },
      { name: 'bob', keyHash: sha256Hex(KEYS.bob), rateLimit: { perMinute: 2 } },
      { name: 'carol', keyHash: sha256Hex(KEYS.carol), quota: { jobsPerDay: 1 } },
      { name: 'dave', keyHash: sha256Hex(KEYS.dave), quota: { maxConcurrent: 1 } },
    ]);
    h = await startHarness({ name: 'auth', deps: { apiKeys } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const submit = (key: string | undefined, prompt = 'a fox') =>
    h.json('/v1/jobs', { prompt }, { headers: key ? bearer(key) : {} });

  it('401 without a key or with a wrong one, with the reason and a challenge', async () => {
    const missing = await submit(undefined);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect((await bodyOf(missing)).error).toMatchObject({ code: 'unauthorized', reason: 'missing_key' });
    const wrong = await submit('ibk_nobody');
    expect(wrong.status).toBe(401);
    expect((await bodyOf(wrong)).error).toMatchObject({ code: 'unauthorized', reason: 'invalid_key' });
    expect((await h.fetch('/v1/models')).status).toBe(401);
    expect((await h.fetch('/sdapi/v1/samplers')).status).toBe(401);
    expect((await h.json('/easyanimate/update_edition', { edition: 'v5' })).status).toBe(401);
    // Health, the document and artifacts stay open.
    expect((await h.fetch('/healthz')).status).toBe(200);
    expect((await h.fetch('/openapi.json')).status).toBe(200);
  });

  it('the key names the owner: another key gets 403 on the job, the owner may cancel', async () => {
    const accepted = await submit(KEYS.alice);
    expect(accepted.status).toBe(202);
    const { id } = await bodyOf(accepted);
    expect((await h.stack.system.orchestrator.state(id))?.job.owner).toBe('key:alice');
    const peek = await h.fetch(`/v1/jobs/${id}`, { headers: bearer(KEYS.bob) });
    expect(peek.status).toBe(403);
    expect((await bodyOf(peek)).error).toMatchObject({ code: 'forbidden', reason: 'not_owner' });
    const stranger = await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE', headers: bearer(KEYS.bob) });
    expect(stranger.status).toBe(403);
    expect((await h.fetch(`/v1/jobs/${id}/events`, { headers: bearer(KEYS.bob) })).status).toBe(403);
    const own = await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE', headers: bearer(KEYS.alice) });
    expect(own.status).toBe(200);
  });

  it('reads the key from HTTP Basic (A1111 --api-auth) and from a bare header', async () => {
    const basic = `Basic ${Buffer.from(`anyone:${KEYS.alice}`).toString('base64')}`;
    expect((await h.fetch('/v1/models', { headers: { authorization: basic } })).status).toBe(200);
    expect((await h.fetch('/v1/models', { headers: { authorization: KEYS.alice } })).status).toBe(200);
  });

  it('per-key rate limit: 429 rate_limited with Retry-After', async () => {
    expect((await submit(KEYS.bob)).status).toBe(202);
    expect((await submit(KEYS.bob)).status).toBe(202);
    const third = await submit(KEYS.bob);
    expect(third.status).toBe(429);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect((await bodyOf(third)).error).toMatchObject({
      code: 'rate_limited',
      reason: 'key_rate_limit',
      retryAfter,
    });
  });

  it('per-key daily quota and unfinished-job cap: 429 with the reason', async () => {
    expect((await submit(KEYS.carol)).status).toBe(202);
    const over = await submit(KEYS.carol);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await bodyOf(over)).error).toMatchObject({ code: 'quota_exceeded', reason: 'jobs_per_day' });
    // A refused request does not use the quota up: a bad body is answered 400, not 429.
    expect((await submit(KEYS.carol, '')).status).toBe(400);

    const first = await bodyOf(submit(KEYS.dave));
    const capped = await submit(KEYS.dave);
    expect(capped.status).toBe(429);
    expect((await bodyOf(capped)).error).toMatchObject({ code: 'owner_cap', reason: 'max_concurrent' });
    await h.fetch(`/v1/jobs/${first.id}`, { method: 'DELETE', headers: bearer(KEYS.dave) });
    expect((await submit(KEYS.dave)).status).toBe(202);
  });
});

describe('refusals of the orchestrator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      name: 'refusals',
      env: { OWNER_PER_MINUTE: '1', OWNER_BURST: '1' },
      stack: { admit: true },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('no live renderer: 503 no_worker; owner rate limit: 429 with Retry-After', async () => {
    const none = await h.json('/v1/jobs', { prompt: 'a fox' });
    expect(none.status).toBe(503);
    expect((await bodyOf(none)).error).toMatchObject({
      code: 'no_worker',
      message: expect.stringContaining('no renderer'),
    });
    await h.stack.registry.heartbeat({
      id: 'r',
      device: 'cpu',
      models: ['toy'],
      loaded: [],
      maxPixels: 1 << 20,
      busy: false,
      startedAt: Date.now(),
    });
    expect((await h.json('/v1/jobs', { prompt: 'a fox' })).status).toBe(202);
    const limited = await h.json('/v1/jobs', { prompt: 'a fox' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await bodyOf(limited)).error.code).toBe('rate_limited');
    const unknownModel = await h.json('/v1/jobs', { prompt: 'a fox --model sd15' });
    expect(unknownModel.status).toBe(503);
    expect((await bodyOf(unknownModel)).error.message).toContain('no renderer has model sd15');
  });
});

describe('body and upload size limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      name: 'sizes',
      deps: { limits: { maxBodyBytes: 64 * 1024, maxUploadBytes: 16 * 1024 } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('413 for a body over the limit, with or without Content-Length', async () => {
    const big = await h.json('/v1/jobs', { prompt: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expect((await bodyOf(big)).error.code).toBe('payload_too_large');
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(10 * 1024)));
        controller.close();
      },
    });
    const chunked = await h.fetch('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('413 upload_too_large for a picture over the upload limit, as data URI or file', async () => {
    const noisy = await pngOf(128, 128);
    const large = Buffer.concat([noisy, Buffer.alloc(20 * 1024)]);
    const asUri = await h.json('/v1/jobs', { prompt: 'x', image: dataUri(large) });
    expect(asUri.status).toBe(413);
    expect((await bodyOf(asUri)).error).toMatchObject({
      code: 'upload_too_large',
      problems: [{ field: 'image' }],
    });
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('image', new Blob([new Uint8Array(large)]), 'big.png');
    const asFile = await h.fetch('/v1/jobs', { method: 'POST', body: form });
    expect(asFile.status).toBe(413);
    expect((await bodyOf(asFile)).error.code).toBe('upload_too_large');
  });
});

describe('listen policy', () => {
  it('refuses a non-loopback address without keys, and says when the API is open', async () => {
    const open = parseConfig({ HOST: '0.0.0.0', PORT: '0' });
    const fake = {} as Parameters<typeof startHttpServer>[1];
    await expect(startHttpServer(open, { ...fake, apiKeys: [], hooks: [], limits: {} })).rejects.toThrow(
      'refusing to listen on 0.0.0.0 without API keys',
    );
    const h = await startHarness({ name: 'open' });
    try {
      expect(h.logs.join('\n')).toContain(
        'no API keys configured: the API is open, so it listens on 127.0.0.1 only',
      );
    } finally {
      await h.close();
    }
  });

  it('listens on any address once keys are configured', async () => {
    const apiKeys = apiKeysFromConfig([{ name: 'ops', keyHash: sha256Hex('ibk_ops-key-0123') }]);
    const h = await startHarness({ name: 'keyed', env: { HOST: '0.0.0.0' }, deps: { apiKeys } });
    try {
      expect(h.logs.join('\n')).toContain('1 API key configured');
      expect((await h.fetch('/healthz')).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
