// Admission reads the registry at most once a second for the jobs it accepts (a read carries every
// renderer's record), but decides every refusal on a fresh read.
import { afterAll, describe, expect, it } from 'vitest';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { connectRedis } from '../../queue/redis/connect-redis.ts';
import { admitRender } from '../../queue/workers/admit-render.ts';
import { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';

const prefix = uniquePrefix('admit-recent');
const redis = connectRedis(TEST_REDIS_URL);
const registry = new WorkerRegistry(redis, makeKeys(prefix));
afterAll(async () => {
  await redis.quit();
  await deleteKeys(prefix);
});

const renderer = (id: string, models: string[]) => ({
  id,
  device: 'cpu',
  models,
  loaded: [],
  maxPixels: 1024 * 1024,
  busy: false,
  startedAt: Date.now(),
});

describe('admission from a recent view of the registry', () => {
  it('serves accepted jobs from the view it read, and reads again before refusing one', async () => {
    const admit = admitRender(registry);
    await registry.heartbeat(renderer('r1', ['toy']));
    const first = await registry.live({ maxAgeMs: 60_000 });
    expect(first.map((w) => w.id)).toEqual(['r1']);
    // A renderer with another model joins: the view read a moment ago does not have it yet...
    await registry.heartbeat(renderer('r2', ['sdxl-tiny']));
    expect(await registry.live({ maxAgeMs: 60_000 })).toBe(first);
    await expect(admit(testJob())).resolves.toMatchObject({ params: { model: 'toy' } });
    // ...but a job for its model is not refused on that view.
    const xl = testJob();
    xl.params.model = 'sdxl-tiny';
    await expect(admit(xl)).resolves.toMatchObject({ params: { model: 'sdxl-tiny' } });
    // A model nobody has is refused, naming what the fresh read found.
    const other = testJob();
    other.params.model = 'sd15';
    await expect(admit(other)).rejects.toThrow('no renderer has model sd15 (available: sdxl-tiny, toy)');
    // A read without maxAgeMs is always fresh.
    expect((await registry.live()).map((w) => w.id).sort()).toEqual(['r1', 'r2']);
  });
});
