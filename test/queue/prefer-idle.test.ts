// With batches across jobs a renderer takes several jobs at once; one that finds it drawing steps
// aside for an idle renderer that has the job's model, read from the real worker registry.
import { afterAll, describe, expect, it } from 'vitest';
import { createJob } from '../../core/job/job.ts';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { connectRedis } from '../../queue/redis/connect-redis.ts';
import { preferIdleRenderer } from '../../queue/workers/prefer-idle.ts';
import { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';

const prefix = uniquePrefix('prefer-idle');
const redis = connectRedis(TEST_REDIS_URL);
const registry = new WorkerRegistry(redis, makeKeys(prefix));
afterAll(async () => {
  await redis.quit();
  await deleteKeys(prefix);
});

const beat = (id: string, models: string[], busy: boolean) =>
  registry.heartbeat({ id, device: 'cuda', models, loaded: [], maxPixels: 1 << 20, busy, startedAt: 0 });

const job = createJob({
  kind: 'imagine',
  owner: 'key:prefer-idle',
  origin: { surface: 'http' },
  params: { model: 'toy', prompt: 'a red circle' },
});

describe('a batching renderer that is drawing', () => {
  it('hands a new job to an idle renderer with its model, and keeps it when there is none', async () => {
    let drawing = false;
    const prefer = preferIdleRenderer(registry, 'self', () => drawing);
    await beat('self', ['toy'], false);
    await beat('other', ['toy'], false);
    // Idle itself: it keeps the job (it may gather a batch around it).
    expect(await prefer(job)).toBe(false);

    drawing = true;
    expect(await prefer(job)).toBe(true);
    // The other renderer is drawing too: the job stays, to join this one's batch or wait its turn.
    await beat('other', ['toy'], true);
    expect(await prefer(job)).toBe(false);
    // Idle, but without the job's model: the job stays.
    await beat('other', ['toy-inpaint'], false);
    expect(await prefer(job)).toBe(false);
  });
});
