// GET /v1/jobs: the caller's own jobs only, newest first, filtered by status, limited, with what a
// reroll needs (input pictures, parent); a bad query names the parameter and what it takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeysFromConfig, sha256Hex } from '../../../bots/http/auth/api-keys.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

const ALICE = 'ibk_alice-test-key-0123456789';
const BOB = 'ibk_bob-test-key-0123456789';
const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('GET /v1/jobs lists the caller’s recent jobs', () => {
  let h: Harness;
  const alices: string[] = [];
  let bobs: string;

  beforeAll(async () => {
    h = await startHarness({
      name: 'recent',
      deps: {
        apiKeys: apiKeysFromConfig([
          { name: 'alice', keyHash: sha256Hex(ALICE) },
          { name: 'bob', keyHash: sha256Hex(BOB) },
        ]),
      },
    });
    const submit = async (key: string, body: unknown) => {
      const res = await h.json('/v1/jobs', body, as(key));
      expect(res.status).toBe(202);
      return (await bodyOf(res)).id as string;
    };
    alices.push(await submit(ALICE, { prompt: 'a red circle --seed 1' }));
    alices.push(await submit(ALICE, { prompt: 'a blue square', image: dataUri(await pngOf(64, 64)) }));
    alices.push(await submit(ALICE, { prompt: 'a green triangle --steps 3' }));
    bobs = await submit(BOB, { prompt: 'a boat' });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('answers only the caller’s jobs, newest first, each in the shape of GET /v1/jobs/:id', async () => {
    const mine = await bodyOf(h.fetch('/v1/jobs', as(ALICE)));
    expect(mine.jobs.map((j: { id: string }) => j.id)).toEqual([...alices].reverse());
    const single = await bodyOf(h.fetch(`/v1/jobs/${alices[2]}`, as(ALICE)));
    const { inputs, ...view } = mine.jobs[0];
    expect(inputs).toEqual({});
    expect({ ...view, updatedAt: single.updatedAt }).toEqual(single);
    expect(mine.jobs[0].params).toMatchObject({ prompt: 'a green triangle', steps: 3 });
    // The uploaded picture comes back as the artifact a reroll sends again.
    expect(mine.jobs[1].inputs.image).toEqual({ artifact: expect.stringMatching(/^[A-Za-z0-9_-]+$/) });
    expect(mine.jobs[1].kind).toBe('remix');

    const theirs = await bodyOf(h.fetch('/v1/jobs', as(BOB)));
    expect(theirs.jobs.map((j: { id: string }) => j.id)).toEqual([bobs]);
  });

  it('filters by status and limits the count', async () => {
    expect((await bodyOf(h.fetch('/v1/jobs?status=done', as(ALICE)))).jobs).toEqual([]);
    const status = (await bodyOf(h.fetch(`/v1/jobs/${alices[0]}`, as(ALICE)))).status;
    const same = await bodyOf(h.fetch(`/v1/jobs?status=done,${status}`, as(ALICE)));
    expect(same.jobs).toHaveLength(3);
    const newest = await bodyOf(h.fetch('/v1/jobs?limit=1', as(ALICE)));
    expect(newest.jobs.map((j: { id: string }) => j.id)).toEqual([alices[2]]);
  });

  it('a bad query is answered with the parameter and what it takes; no key is 401', async () => {
    const res = await h.fetch('/v1/jobs?limit=0&status=finished', as(ALICE));
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.error.problems).toEqual([
      { field: 'limit', value: '0', problem: 'must be a whole number from 1 to 50' },
      {
        field: 'status',
        value: 'finished',
        problem:
          'must be a comma-separated list of received, ingesting, rendering, encoding, delivering, done, failed, cancelled',
      },
    ]);
    expect((await h.fetch('/v1/jobs')).status).toBe(401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await bodyOf(h.fetch('/openapi.json'));
    expect(doc.paths['/v1/jobs'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RecentJobs',
    });
    expect(doc.components.schemas.RecentJobs.properties.jobs.items.properties.inputs).toBeDefined();
  });
});
