import { afterAll, describe, expect, it } from 'vitest';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { connectRedis } from '../../queue/redis/connect-redis.ts';
import { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

const prefix = uniquePrefix('hand-on-pass');
const connections = Array.from({ length: 5 }, () => connectRedis(TEST_REDIS_URL));
const registries = connections.map((redis) => new WorkerRegistry(redis, makeKeys(prefix)));
afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await deleteKeys(prefix);
});

describe("the fleet's hand-on pass", () => {
  it('goes to one process per period, however many watch, and to another once the period is over', async () => {
    const first = await Promise.all(registries.map((r) => r.claimHandOnPass(60_000)));
    expect(first.filter(Boolean)).toHaveLength(1);
    // A watcher that claimed a pass does not get the next one before the period is over either.
    const winner = first.indexOf(true);
    expect(await registries[winner].claimHandOnPass(60_000)).toBe(false);

    const other = new WorkerRegistry(connections[0], makeKeys(uniquePrefix('hand-on-pass-2')));
    expect(await other.claimHandOnPass(50)).toBe(true);
    expect(await other.claimHandOnPass(50)).toBe(false);
    await waitFor(async () => ((await other.claimHandOnPass(50)) ? true : undefined), 'the next period');
  });
});
