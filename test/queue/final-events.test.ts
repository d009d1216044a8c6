// A job that ends is announced exactly once, by the transition itself: the final event is written in
// the same Lua script that moves the job to done, failed or cancelled.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { JobEvents } from '../../queue/events/job-events.ts';
import { Orchestrator } from '../../queue/orchestrator/orchestrator.ts';
import { createQueueSystem } from '../../queue/queue-system.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { wideFlow } from '../helpers/test-flows.ts';

const WIDTH = 6;
const FINAL = new Set(['done', 'failed', 'cancelled']);

describe('final events', () => {
  const system = createQueueSystem({
    redisUrl: TEST_REDIS_URL,
    prefix: uniquePrefix('final-events'),
    flowFor: () => wideFlow(WIDTH),
  });
  afterAll(() => system.close());

  /** An orchestrator whose process "dies" right after each transition: nothing it sends after the script lands. */
  async function dyingOrchestrator(): Promise<Orchestrator> {
    const dead = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await dead.connect();
    await dead.quit();
    return new Orchestrator({
      redis: system.redis,
      queues: system.queues,
      events: new JobEvents(dead, system.orchestrator.keys),
      keys: system.orchestrator.keys,
      flowFor: () => wideFlow(WIDTH),
    });
  }

  async function types(jobId: string): Promise<string[]> {
    return (await system.events.read(jobId)).map((e) => e.event.type);
  }

  it('the done event, with its outputs, is stored even when the process dies right after the transition', async () => {
    const orch = system.orchestrator;
    const job = testJob('key:crash');
    await orch.submit(job);
    await Promise.all(
      Array.from({ length: WIDTH }, (_, p) => orch.complete(job.id, `p${p}`, { ok: true, output: { p } })),
    );
    const dying = await dyingOrchestrator();
    await dying.complete(job.id, 'join', { ok: true, output: { joined: true } }).catch(() => undefined);
    expect((await orch.state(job.id))?.status).toBe('done');
    const events = await system.events.read(job.id);
    const done = events.filter((e) => e.event.type === 'done');
    expect(done).toHaveLength(1);
    expect(done[0].event).toEqual({
      type: 'done',
      outputs: {
        p0: { p: 0 },
        p1: { p: 1 },
        p2: { p: 2 },
        p3: { p: 3 },
        p4: { p: 4 },
        p5: { p: 5 },
        join: { joined: true },
      },
    });
    expect(events.at(-1)?.event.type).toBe('done');
  });

  it('failed and cancelled events are part of their transitions too', async () => {
    const dying = await dyingOrchestrator();
    const failing = testJob('key:crash');
    await system.orchestrator.submit(failing);
    await dying
      .complete(failing.id, 'p3', {
        ok: false,
        code: 'invalid_input',
        message: 'the picture could not be read',
      })
      .catch(() => undefined);
    const failed = (await system.events.read(failing.id)).filter((e) => e.event.type === 'failed');
    expect(failed.map((e) => e.event)).toEqual([
      { type: 'failed', code: 'invalid_input', message: 'the picture could not be read' },
    ]);

    const cancelling = testJob('key:crash');
    await system.orchestrator.submit(cancelling);
    await dying.cancel(cancelling.id, 'key:crash', 'changed my mind').catch(() => undefined);
    expect((await system.orchestrator.state(cancelling.id))?.status).toBe('cancelled');
    const cancelled = (await system.events.read(cancelling.id)).filter((e) => e.event.type === 'cancelled');
    expect(cancelled.map((e) => e.event)).toEqual([{ type: 'cancelled', message: 'changed my mind' }]);
  });

  it('a component failing while others of its module complete announces the failure once', async () => {
    const orch = system.orchestrator;
    const job = testJob('key:late');
    await orch.submit(job);
    await orch.complete(job.id, 'p0', { ok: false, code: 'moderated', message: 'not allowed' });
    const late = await orch.complete(job.id, 'p1', { ok: true });
    expect(late.status).toBe('failed');
    const after = await types(job.id);
    expect(after.filter((t) => t === 'failed')).toHaveLength(1);
    expect(after.at(-1)).toBe('failed');
  });

  it('200 jobs, each with one failure racing five successes, or all six succeeding: one final event each, last', async () => {
    const orch = system.orchestrator;
    const jobs = Array.from({ length: 200 }, (_, i) => testJob(`key:owner${i % 9}`));
    await Promise.all(jobs.map((j) => orch.submit(j)));
    // Even jobs: one component fails while the others succeed, all at the same moment.
    await Promise.all(
      jobs.flatMap((j, i) =>
        Array.from({ length: WIDTH }, (_, p) =>
          orch.complete(
            j.id,
            `p${p}`,
            i % 2 === 0 && p === i % WIDTH
              ? { ok: false, code: 'invalid_input', message: 'bad' }
              : { ok: true },
          ),
        ),
      ),
    );
    // Odd jobs: the join and a cancel race; whichever wins, the job ends once.
    await Promise.all(
      jobs
        .filter((_, i) => i % 2 === 1)
        .flatMap((j) => [
          orch.complete(j.id, 'join', { ok: true }),
          orch.cancel(j.id, j.owner).catch(() => undefined),
        ]),
    );
    for (const [i, j] of jobs.entries()) {
      const state = await orch.state(j.id);
      const seen = await types(j.id);
      const finals = seen.filter((t) => FINAL.has(t));
      expect(finals, `job ${i}: ${seen.join(',')}`).toEqual([state?.status]);
      expect(seen.at(-1)).toBe(state?.status);
      if (i % 2 === 0) expect(state?.status).toBe('failed');
    }
  });
});
