import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

let h: Harness;
let png: Buffer;
beforeAll(async () => {
  h = await startHarness({
    name: 'fuzz',
    deps: { limits: { maxBodyBytes: 256 * 1024, maxUploadBytes: 64 * 1024 } },
  });
  png = await pngOf(16, 16);
});
afterAll(async () => {
  await h?.close();
});

interface Attempt {
  body: RequestInit['body'];
  headers: Record<string, string>;
  label: string;
}

const FIELDS = [
  'kind',
  'prompt',
  'params',
  'image',
  'mask',
  'priority',
  'deadline',
  'parent',
  'callbackUrl',
  'callbackEvents',
];
const PARAMS = [
  'negativePrompt',
  'width',
  'height',
  'steps',
  'guidance',
  'sampler',
  'seed',
  'count',
  'strength',
  'mask',
  'video',
  'model',
  'prompt',
];

const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '--ar 99:1',
    '--seed -1',
    '--steps',
    '"unterminated',
    '—ar 16:9',
    '--no',
    'data:',
    'data:image/png;base64,',
    'http://',
    'ftp://x',
    '\u0000',
    '{{x}}',
  ),
  fc.base64String().map((b) => `data:image/png;base64,${b}`),
  fc.uint8Array({ maxLength: 200 }).map((b) => `data:image/png;base64,${Buffer.from(b).toString('base64')}`),
);
const anyValue = fc.oneof(fc.jsonValue(), weirdString, fc.double(), fc.integer(), fc.constant(null));

const paramsValue = fc.dictionary(fc.oneof(fc.constantFrom(...PARAMS), fc.string()), anyValue, {
  maxKeys: 6,
});
const jobish = fc.dictionary(
  fc.oneof(fc.constantFrom(...FIELDS), fc.string()),
  fc.oneof(anyValue, paramsValue),
  {
    maxKeys: 8,
  },
);

const jsonAttempt: fc.Arbitrary<Attempt> = fc
  .tuple(fc.oneof(jobish, fc.jsonValue()), fc.option(fc.string({ maxLength: 300 })))
  .map(([value, key]) => ({
    body: JSON.stringify(value) ?? 'null',
    headers: {
      'content-type': 'application/json',
      ...(key !== null ? { 'idempotency-key': key.replace(/[^\x20-\x7e]/g, '') } : {}),
    },
    label: 'json',
  }));

const rawAttempt: fc.Arbitrary<Attempt> = fc
  .tuple(
    fc.uint8Array({ maxLength: 2000 }),
    fc.constantFrom(
      'application/json',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
  )
  .map(
    ([bytes, type]): Attempt => ({
      body: new Uint8Array(bytes),
      headers: type ? { 'content-type': type } : {},
      label: `raw ${type}`,
    }),
  );

const formAttempt = (picture: () => Buffer): fc.Arbitrary<Attempt> =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 })), weirdString), {
        maxLength: 6,
      }),
      fc.array(
        fc.tuple(
          fc.constantFrom('image', 'mask', 'other'),
          fc.oneof(
            fc.uint8Array({ maxLength: 3000 }),
            fc.constant(new Uint8Array(picture())),
            fc.constant(new Uint8Array(picture().subarray(0, 40))),
          ),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([fields, files]) => {
      const form = new FormData();
      for (const [name, value] of fields) form.append(name || 'x', value);
      for (const [name, bytes] of files) form.append(name, new Blob([bytes]), 'f.png');
      return { body: form, headers: {}, label: 'multipart' };
    });

const validish = fc
  .record({
    prompt: fc.string({ maxLength: 50 }),
    params: fc.record(
      { width: fc.integer({ min: -10, max: 3000 }), steps: fc.integer({ min: -1, max: 200 }) },
      { requiredKeys: [] },
    ),
    image: fc.oneof(fc.constant(undefined), fc.constant('picture')),
  })
  .map((r) => ({
    body: JSON.stringify({ ...r, image: r.image ? dataUri(png) : undefined }),
    headers: { 'content-type': 'application/json' },
    label: 'validish',
  }));

describe('fuzz: malformed requests to POST /v1/jobs', () => {
  it('1,000 random bodies and files: never a 5xx, always the JSON error shape, server still up', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jsonAttempt,
          rawAttempt,
          formAttempt(() => png),
          validish,
        ),
        async (attempt) => {
          const res = await h.fetch('/v1/jobs', {
            method: 'POST',
            headers: attempt.headers,
            body: attempt.body,
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = await res.text();
          expect(res.status, `${attempt.label}: ${text}`).toBeLessThan(500);
          const body = JSON.parse(text);
          if (res.status >= 400) expect(typeof body.error.code).toBe('string');
          else expect(res.status).toBe(202);
        },
      ),
      { numRuns: 1000 },
    );
    // Both kinds of answer happened: the fuzzer reached acceptance as well as refusal.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect(await bodyOf(h.fetch('/healthz'))).toEqual({ ok: true });
    expect(h.logs.filter((l) => l.includes('POST /v1/jobs'))).toEqual([]);
  });
});
