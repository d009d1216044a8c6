// The renderer container's health check: healthy only while a renderer of this host beats in Redis
// with a model; a renderer of another host, one without models, or a Redis that does not answer is not.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererReady } from '../../bin/renderer-health.ts';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';

const prefix = uniquePrefix('renderer-health');
const redis = new Redis(TEST_REDIS_URL);
const registry = new WorkerRegistry(redis, makeKeys(prefix));
const beat = { device: 'cuda', loaded: [], maxPixels: 262144, busy: false, startedAt: Date.now() };

afterAll(async () => {
  await deleteKeys(prefix);
  await redis.quit();
});

describe('rendererReady', () => {
  it('is true only for a renderer of this host that has a model', async () => {
    await registry.heartbeat({ id: 'gpu-box-7-ab12', models: [], ...beat });
    await registry.heartbeat({ id: 'other-box-9-cd34', models: ['toy'], ...beat });
    expect(await rendererReady(TEST_REDIS_URL, 'gpu-box', prefix)).toBe(false);
    await registry.heartbeat({ id: 'gpu-box-7-ab12', models: ['toy'], ...beat });
    expect(await rendererReady(TEST_REDIS_URL, 'gpu-box', prefix)).toBe(true);
    expect(await rendererReady(TEST_REDIS_URL, 'gpu', prefix)).toBe(false);
  });

  it('is false without REDIS_URL or when Redis does not answer', async () => {
    expect(await rendererReady(undefined, 'gpu-box', prefix)).toBe(false);
    expect(await rendererReady('redis://127.0.0.1:1', 'gpu-box', prefix)).toBe(false);
  });
});
