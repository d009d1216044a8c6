// The latest progress of a job, as surfaces ask for it: the newest progress event while the render
// runs, nothing once a status or final event follows it, and the newest preview even after the end.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { JobEvents } from '../../queue/events/job-events.ts';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';

describe('JobEvents latest progress', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const events = new JobEvents(redis, makeKeys(uniquePrefix('latest-progress')));
  afterAll(async () => {
    await events.close();
    await redis.quit();
  });

  it('gives the newest progress, also behind queue news', async () => {
    await events.publish('j1', { type: 'status', status: 'rendering' });
    await events.publish('j1', { type: 'progress', step: 1, total: 4, preview: 'p1' });
    await events.publish('j1', { type: 'progress', step: 2, total: 4 });
    await events.publish('j1', { type: 'queue', position: 0 });
    expect(await events.latestProgress('j1')).toEqual({ type: 'progress', step: 2, total: 4 });
    expect(await events.latestPreview('j1')).toBe('p1');
  });

  it('gives no progress once the render moved on, but keeps the last preview', async () => {
    await events.publish('j2', { type: 'progress', step: 3, total: 3, preview: 'p3' });
    await events.publish('j2', { type: 'status', status: 'encoding' });
    expect(await events.latestProgress('j2')).toBeUndefined();
    await events.publish('j2', { type: 'cancelled', message: 'stop' });
    expect(await events.latestPreview('j2')).toBe('p3');
  });

  it('gives nothing for a job without events', async () => {
    expect(await events.latestProgress('none')).toBeUndefined();
    expect(await events.latestPreview('none')).toBeUndefined();
  });
});
