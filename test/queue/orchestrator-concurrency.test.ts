import { afterAll, describe, expect, it } from 'vitest';
import { createQueueSystem } from '../../queue/queue-system.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { wideFlow } from '../helpers/test-flows.ts';

describe('concurrent completions', () => {
  const width = 6;
  const system = createQueueSystem({
    redisUrl: TEST_REDIS_URL,
    prefix: uniquePrefix('conc'),
    flowFor: () => wideFlow(width),
  });
  afterAll(() => system.close());

  it('200 jobs x 6 parallel components finishing at once lose no bits', async () => {
    const orch = system.orchestrator;
    const jobs = Array.from({ length: 200 }, (_, i) => testJob(`key:owner${i % 7}`));
    const submitted = await Promise.all(jobs.map((j) => orch.submit(j)));
    for (const s of submitted) expect(s.started).toHaveLength(width);
    // Every component of every job reports at the same moment, each on its own connection turn.
    const results = await Promise.all(
      jobs.flatMap((j) =>
        Array.from({ length: width }, (_, p) => orch.complete(j.id, `p${p}`, { ok: true, output: { p } })),
      ),
    );
    expect(results.every((r) => !r.duplicate)).toBe(true);
    // Exactly one completion per job saw the module finish and dispatched the join.
    const joins = results.filter((r) => r.started.includes('join'));
    expect(joins).toHaveLength(200);
    for (const j of jobs) {
      const state = await orch.state(j.id);
      expect(state?.components.filter((c) => c.state === 'succeeded')).toHaveLength(width);
      expect(state?.components.find((c) => c.name === 'join')?.state).toBe('called');
      expect(Object.keys(state?.outputs ?? {}).sort()).toEqual(
        Array.from({ length: width }, (_, p) => `p${p}`).sort(),
      );
    }
    await Promise.all(jobs.map((j) => orch.complete(j.id, 'join', { ok: true })));
    const finals = await Promise.all(jobs.map((j) => orch.state(j.id)));
    expect(finals.every((s) => s?.status === 'done')).toBe(true);
    expect(await system.redis.zcard(orch.keys.active)).toBe(0);
  });

  it('a failed component fails the job with its reason, and later reports change nothing', async () => {
    const orch = system.orchestrator;
    const job = testJob('key:fail');
    await orch.submit(job);
    await orch.complete(job.id, 'p0', {
      ok: false,
      code: 'invalid_input',
      message: 'the picture could not be read',
    });
    const state = await orch.state(job.id);
    expect(state?.status).toBe('failed');
    expect(state?.error).toEqual({ code: 'invalid_input', message: 'the picture could not be read' });
    const late = await orch.complete(job.id, 'p1', { ok: true });
    expect(late.started).toEqual([]);
    expect((await orch.state(job.id))?.status).toBe('failed');
    const events = (await system.events.read(job.id)).map((e) => e.event.type);
    expect(events.at(-1)).toBe('failed');
  });
});
