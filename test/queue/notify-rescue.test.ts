import { afterEach, describe, expect, it } from 'vitest';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { renderFlow } from '../helpers/test-flows.ts';
import { waitFor } from '../helpers/wait-for.ts';

let system: QueueSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

describe('notices of failed jobs', () => {
  it('are queued again by the sweeper when lost between the transition and the enqueue', async () => {
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('rescue'),
      flowFor: renderFlow,
    });
    const orch = system.orchestrator;
    const job = testJob('telegram:9');
    await orch.submit(job);
    await orch.complete(job.id, 'render', { ok: false, code: 'invalid_input', message: 'mask is empty' });
    expect(await system.redis.zscore(orch.keys.notifyPending, job.id)).not.toBeNull();
    // The process died before its notice reached the queue.
    await system.queues.io.remove(`${job.id}.notify`);
    expect(await orch.sweep({ notifyGraceMs: 0 })).toBe(1);
    expect(await orch.sweep({ notifyGraceMs: 0 })).toBe(0); // queued now: nothing more to do

    const told: string[] = [];
    await system.startWorkers(
      {
        notify: async (ctx) => {
          told.push(`${ctx.jobId}: ${ctx.state.error?.message}`);
        },
      },
      ['io'],
    );
    await waitFor(
      async () => ((await system!.redis.zscore(orch.keys.notifyPending, job.id)) === null ? true : undefined),
      'the notice to be delivered',
    );
    expect(told).toEqual([`${job.id}: mask is empty`]);
    expect(await orch.sweep({ notifyGraceMs: 0 })).toBe(0);
  });

  it('are not owed for jobs that succeed', async () => {
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('rescue-ok'),
      flowFor: renderFlow,
    });
    const orch = system.orchestrator;
    const job = testJob('telegram:10');
    await orch.submit(job);
    await orch.complete(job.id, 'render', { ok: true });
    await orch.complete(job.id, 'reply-chat', { ok: true });
    expect((await orch.state(job.id))?.status).toBe('done');
    expect(await system.redis.zscore(orch.keys.notifyPending, job.id)).toBeNull();
  });
});
