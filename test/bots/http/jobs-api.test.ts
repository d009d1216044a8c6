import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { bombPng, dataUri, pngOf } from './pictures.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ name: 'jobs' });
});
afterAll(async () => {
  await h?.close();
});

const fieldsOf = (body: { error: { problems?: { field: string }[] } }) =>
  (body.error.problems ?? []).map((p) => p.field);

describe('POST /v1/jobs', () => {
  it('accepts a prompt with flags: 202, job id, status URL, queue position', async () => {
    const res = await h.json('/v1/jobs', { prompt: 'a fox in the snow --ar 16:9 --seed 7 --steps 4' });
    expect(res.status).toBe(202);
    const body = await bodyOf(res);
    expect(body).toMatchObject({
      id: expect.any(String),
      status: 'ingesting',
      statusUrl: `${h.url}/v1/jobs/${body.id}`,
      eventsUrl: `${h.url}/v1/jobs/${body.id}/events`,
      // Nothing waits ahead of it: it is next to render.
      queue: { position: 1 },
      replayed: false,
    });
    expect(res.headers.get('location')).toBe(body.statusUrl);
    expect(body.params).toMatchObject({
      prompt: 'a fox in the snow',
      seed: 7,
      steps: 4,
      width: 680,
      height: 384,
    });
  });

  it('lays explicit params over the prompt flags', async () => {
    const res = await h.json('/v1/jobs', {
      prompt: 'a lighthouse --steps 9 --no fog',
      params: { steps: 3, sampler: 'ddim', width: 64, height: 64 },
    });
    expect(res.status).toBe(202);
    const { params } = await bodyOf(res);
    expect(params).toMatchObject({
      prompt: 'a lighthouse',
      steps: 3,
      sampler: 'ddim',
      negativePrompt: 'fog',
      width: 64,
    });
  });

  it('answers 400 invalid_input naming every bad field', async () => {
    const res = await h.json('/v1/jobs', {
      prompt: 'a fox',
      params: { steps: 500, width: 100, sampler: 'eulr' },
      priority: 'urgent',
    });
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.error.code).toBe('invalid_input');
    expect(fieldsOf(body)).toEqual(
      expect.arrayContaining(['params.steps', 'params.width', 'params.sampler', 'priority']),
    );
    const sampler = body.error.problems.find((p: { field: string }) => p.field === 'params.sampler');
    expect(sampler.problem).toContain('did you mean euler?');
    expect(body.error.message).toContain('params.steps: 500 must be between 1 and 100');
  });

  it('names unknown fields, prompt flag mistakes and an empty prompt', async () => {
    const typo = await bodyOf(h.json('/v1/jobs', { promt: 'a fox' }));
    expect(typo.error.problems).toContainEqual({
      field: 'promt',
      problem: 'is not a known field (did you mean prompt?)',
    });
    const flags = await bodyOf(h.json('/v1/jobs', { prompt: 'a fox --sed 7 --steps 500' }));
    expect(fieldsOf(flags)).toEqual(['prompt', 'prompt']);
    expect(flags.error.problems[0].problem).toContain('--sed is not a known flag (did you mean --seed?)');
    expect(flags.error.problems[1].problem).toBe('--steps: 500 must be between 1 and 100');
    const empty = await bodyOf(h.json('/v1/jobs', { prompt: '   ' }));
    expect(empty.error.problems).toContainEqual({
      field: 'prompt',
      problem: 'is empty: describe what to draw',
    });
    const remix = await bodyOf(h.json('/v1/jobs', { kind: 'remix', prompt: 'x' }));
    expect(fieldsOf(remix)).toEqual(['image']);
    const badImage = await bodyOf(h.json('/v1/jobs', { prompt: 'x', image: 'ftp://example.com/a.png' }));
    expect(fieldsOf(badImage)).toEqual(['image']);
    const badCallback = await bodyOf(h.json('/v1/jobs', { prompt: 'x', callbackUrl: 'ftp://example.com/' }));
    expect(fieldsOf(badCallback)).toEqual(['callbackUrl']);
  });

  it('refuses bodies that are not a JSON object, and other content types', async () => {
    const notJson = await h.fetch('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":',
    });
    expect(notJson.status).toBe(400);
    expect((await bodyOf(notJson)).error.code).toBe('invalid_json');
    const array = await h.json('/v1/jobs', ['a fox']);
    expect(array.status).toBe(400);
    expect(fieldsOf(await bodyOf(array))).toEqual(['body']);
    const text = await h.fetch('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'a fox',
    });
    expect(text.status).toBe(415);
    expect((await bodyOf(text)).error.code).toBe('unsupported_media_type');
  });

  it('stores a base64 data URI picture as an artifact first and makes a remix', async () => {
    const png = await pngOf(64, 64);
    const res = await h.json('/v1/jobs', {
      prompt: 'make it blue',
      image: dataUri(png),
      params: { width: 64, height: 64 },
    });
    expect(res.status).toBe(202);
    const job = await bodyOf(h.fetch(`/v1/jobs/${(await bodyOf(res)).id}`));
    expect(job.kind).toBe('remix');
    const state = await h.stack.system.orchestrator.state(job.id);
    const ref = state?.job.inputs.image;
    expect(ref?.type).toBe('artifact');
    const artifact = await h.fetch(`/v1/artifacts/${(ref as { id: string }).id}`);
    expect(artifact.status).toBe(200);
    expect(artifact.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await artifact.arrayBuffer()).equals(png)).toBe(true);
  });

  it('takes multipart/form-data with picture files (an inpaint with image and mask)', async () => {
    const form = new FormData();
    form.set('prompt', 'a red door --seed 3');
    form.set('params', JSON.stringify({ width: 64, height: 64, mask: { blur: 2 } }));
    form.set('image', new Blob([new Uint8Array(await pngOf(64, 64))], { type: 'image/png' }), 'door.png');
    form.set('mask', new Blob([new Uint8Array(await pngOf(64, 64, { r: 255, g: 255, b: 255 }))]), 'mask.png');
    const res = await h.fetch('/v1/jobs', { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = await bodyOf(res);
    expect(body.params).toMatchObject({ prompt: 'a red door', seed: 3, mask: { blur: 2, invert: false } });
    const state = await h.stack.system.orchestrator.state(body.id);
    expect(state?.job.kind).toBe('inpaint');
    expect(state?.job.inputs.mask?.type).toBe('artifact');
    const badForm = new FormData();
    badForm.set('prompt', 'x');
    badForm.set('params', '{not json');
    badForm.set('avatar', new Blob(['x']), 'a.txt');
    const bad = await h.fetch('/v1/jobs', { method: 'POST', body: badForm });
    expect(bad.status).toBe(400);
    expect(fieldsOf(await bodyOf(bad))).toEqual(['params']);
  });

  it('refuses a decompression bomb upload by its header, naming the field', async () => {
    const bomb = await bombPng();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await h.json('/v1/jobs', { prompt: 'x', image: dataUri(bomb) });
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.error.problems).toEqual([
      {
        field: 'image',
        value: '8000x8000',
        problem: 'has more than 40000000 pixels: send a smaller picture',
      },
    ]);
    const notPicture = await h.json('/v1/jobs', {
      prompt: 'x',
      image: `data:image/png;base64,${Buffer.from('hello').toString('base64')}`,
    });
    expect((await bodyOf(notPicture)).error.problems[0]).toMatchObject({
      field: 'image',
      problem: expect.stringContaining('could not be read as a picture'),
    });
  });
});

describe('parent jobs', () => {
  it('refuses a parent that is not the caller’s finished job', async () => {
    const unknown = await bodyOf(
      h.json('/v1/jobs', {
        kind: 'variation',
        prompt: 'x',
        image: dataUri(await pngOf(64, 64)),
        parent: { jobId: 'nope' },
      }),
    );
    expect(unknown.error.problems).toEqual([
      { field: 'parent.jobId', value: 'nope', problem: 'is not a job of yours' },
    ]);
    const { id } = await bodyOf(h.json('/v1/jobs', { prompt: 'a first picture' }));
    const early = await bodyOf(
      h.json('/v1/jobs', {
        kind: 'variation',
        prompt: 'x',
        image: dataUri(await pngOf(64, 64)),
        parent: { jobId: id },
      }),
    );
    expect(early.error.problems[0]).toMatchObject({
      field: 'parent.jobId',
      problem: expect.stringContaining('is ingesting'),
    });
  });
});

describe('Idempotency-Key', () => {
  it('returns the same job for the same key and body, 409 for another body', async () => {
    const send = (body: unknown, key = 'order-42') =>
      h.json('/v1/jobs', body, { headers: { 'idempotency-key': key } });
    const first = await send({ prompt: 'a cat', params: { steps: 2, seed: 1 } });
    expect(first.status).toBe(202);
    const a = await bodyOf(first);
    // Same meaning, fields in another order.
    const again = await send({ params: { seed: 1, steps: 2 }, prompt: 'a cat' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const b = await bodyOf(again);
    expect(b).toMatchObject({ id: a.id, replayed: true });
    const other = await send({ prompt: 'a dog' });
    expect(other.status).toBe(409);
    expect((await bodyOf(other)).error.code).toBe('idempotency_conflict');
    const newKey = await bodyOf(send({ prompt: 'a cat', params: { steps: 2, seed: 1 } }, 'order-43'));
    expect(newKey.id).not.toBe(a.id);
    const bad = await send({ prompt: 'a cat' }, 'has space');
    expect(bad.status).toBe(400);
    expect(fieldsOf(await bodyOf(bad))).toEqual(['Idempotency-Key']);
  });

  it('a refused first request does not keep its key', async () => {
    const send = (body: unknown) => h.json('/v1/jobs', body, { headers: { 'idempotency-key': 'retry-me' } });
    expect((await send({ prompt: '' })).status).toBe(400);
    expect((await send({ prompt: 'now right' })).status).toBe(202);
  });
});

describe('GET and DELETE /v1/jobs/:id', () => {
  it('shows status, module, components and params; cancels once; 404 for unknown ids', async () => {
    const { id } = await bodyOf(h.json('/v1/jobs', { prompt: 'a boat --seed 5' }));
    const res = await h.fetch(`/v1/jobs/${id}`);
    expect(res.status).toBe(200);
    const job = await bodyOf(res);
    expect(job).toMatchObject({
      id,
      kind: 'imagine',
      status: 'ingesting',
      module: { index: 0, name: 'ingest' },
      params: { prompt: 'a boat', seed: 5 },
      links: { self: `${h.url}/v1/jobs/${id}`, events: `${h.url}/v1/jobs/${id}/events` },
    });
    expect(job.components).toContainEqual({ name: 'validate', state: 'called' });
    expect(job.components).toContainEqual({ name: 'render', state: 'pending' });

    const cancel = await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    expect(await bodyOf(cancel)).toMatchObject({ id, status: 'cancelled' });
    const after = await bodyOf(h.fetch(`/v1/jobs/${id}`));
    expect(after.status).toBe('cancelled');
    expect(after.finishedAt).toEqual(expect.any(String));
    const twice = await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
    expect(twice.status).toBe(409);
    expect((await bodyOf(twice)).error.code).toBe('final');

    const missing = await h.fetch('/v1/jobs/no-such-job');
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe('not_found');
    expect((await h.fetch('/v1/jobs/no-such-job', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('artifacts, models, health, OpenAPI', () => {
  it('serves artifacts by id, with 304 for a known ETag and 404 otherwise', async () => {
    const png = await pngOf(8, 8);
    const { id } = await h.stack.artifacts.put(png, 'image/png');
    const res = await h.fetch(`/v1/artifacts/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag') ?? '';
    expect((await h.fetch(`/v1/artifacts/${id}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await h.fetch(`/v1/artifacts/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await h.fetch('/v1/artifacts/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('lists models from live renderers; /readyz needs Redis and a renderer', async () => {
    expect(await bodyOf(h.fetch('/v1/models'))).toEqual({ models: [], renderers: 0 });
    const notReady = await h.fetch('/readyz');
    expect(notReady.status).toBe(503);
    expect(await bodyOf(notReady)).toMatchObject({
      ready: false,
      redis: 'ok',
      renderers: 0,
      reason: 'no renderer is live',
    });
    const beat = { device: 'cpu', loaded: ['toy'], maxPixels: 262144, busy: false, startedAt: Date.now() };
    await h.stack.registry.heartbeat({ id: 'r1', models: ['toy', 'toy-inpaint'], ...beat });
    await h.stack.registry.heartbeat({ id: 'r2', models: ['toy'], ...beat, device: 'cuda', loaded: [] });
    const models = await bodyOf(h.fetch('/v1/models'));
    expect(models).toEqual({
      renderers: 2,
      models: [
        { name: 'toy', renderers: 2, loaded: 1, devices: ['cpu', 'cuda'], maxPixels: 262144 },
        { name: 'toy-inpaint', renderers: 1, loaded: 0, devices: ['cpu'], maxPixels: 262144 },
      ],
    });
    const ready = await h.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await bodyOf(ready)).toEqual({ ready: true, redis: 'ok', renderers: 2 });
    await h.stack.registry.remove('r1');
    await h.stack.registry.remove('r2');
    expect(await bodyOf(h.fetch('/healthz'))).toEqual({ ok: true });
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const doc = await bodyOf(h.fetch('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/jobs/{id}/events',
        '/sdapi/v1/txt2img',
        '/easyanimate/infer_forward',
      ]),
    );
    const submit = doc.components.schemas.SubmitJob;
    expect(submit.additionalProperties).toBe(false);
    expect(submit.properties.params.properties.steps).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
    expect(submit.properties.params.properties.prompt).toBeUndefined();
    expect(submit.properties.kind.enum).toContain('inpaint');
    expect(doc.components.schemas.Job.properties.status.type).toBe('string');
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const res = await h.fetch('/v2/nothing');
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe('not_found');
  });
});
