import { afterEach, describe, expect, it } from 'vitest';
import { makeKeys } from '../../queue/orchestrator/keys.ts';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { admitRender } from '../../queue/workers/admit-render.ts';
import { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { renderFlow } from '../helpers/test-flows.ts';
import { waitFor } from '../helpers/wait-for.ts';

let system: QueueSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const worker = (id: string, models: string[], maxPixels = 1024 * 1024) => ({
  id,
  device: 'cpu',
  models,
  loaded: [],
  maxPixels,
  busy: false,
  startedAt: Date.now(),
});

describe('renderer registry and admission', () => {
  it('refuses at submit a job no live renderer can serve, saying why', async () => {
    const prefix = uniquePrefix('admit');
    system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix, flowFor: renderFlow });
    const registry = new WorkerRegistry(system.redis, makeKeys(prefix), 300);
    const admit = admitRender(registry);
    await expect(admit(testJob())).rejects.toThrow('no renderer is running right now');
    await registry.heartbeat(worker('w1', ['toy', 'toy-inpaint'], 512 * 512));
    const admitted = testJob();
    await expect(admit(admitted)).resolves.toEqual(admitted);
    const sd = testJob('discord:1', 'imagine', {});
    sd.params.model = 'sd15';
    await expect(admit(sd)).rejects.toThrow('no renderer has model sd15 (available: toy, toy-inpaint)');
    const big = testJob();
    big.params.width = 1024;
    await expect(admit(big)).rejects.toThrow(
      'no renderer with model toy can draw 1024x512 (at most 262144 pixels)',
    );
    // A renderer that stops heartbeating stops counting.
    await new Promise((r) => setTimeout(r, 400));
    expect(await registry.live()).toEqual([]);
    await expect(admit(testJob())).rejects.toThrow('no renderer is running');
  });

  it('the orchestrator runs the admission check before accepting', async () => {
    const prefix = uniquePrefix('admit2');
    const registry = { live: async () => [] };
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix,
      flowFor: renderFlow,
      admit: admitRender(registry as unknown as WorkerRegistry),
    });
    const job = testJob();
    await expect(system.orchestrator.submit(job)).rejects.toMatchObject({ code: 'no_worker' });
    expect(await system.orchestrator.state(job.id)).toBeUndefined();
  });
});

describe('queue position, limits and deadlines', () => {
  it('tells each waiting render its place, and updates it as renders start', async () => {
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('pos'),
      flowFor: renderFlow,
    });
    const jobs = Array.from({ length: 3 }, (_, i) => testJob(`discord:${100 + i}`));
    for (const j of jobs) await system.orchestrator.submit(j);
    expect(await system.orchestrator.position(jobs[2].id)).toEqual({ position: 3 });
    const firstQueueEvent = (await system.events.read(jobs[2].id)).find((e) => e.event.type === 'queue');
    expect(firstQueueEvent?.event).toEqual({ type: 'queue', position: 3 });
    await system.startWorkers(
      {
        render: async () => {
          await new Promise((r) => setTimeout(r, 30));
        },
        'reply-chat': async () => undefined,
      },
      ['gpu', 'io'],
      { concurrency: { gpu: 1 } },
    );
    await waitFor(
      async () => ((await system!.orchestrator.state(jobs[2].id))?.status === 'done' ? true : undefined),
      'all renders',
    );
    const places = (await system.events.read(jobs[2].id))
      .filter((e) => e.event.type === 'queue')
      .map((e) => (e.event as { position: number }).position);
    expect(places[0]).toBe(3);
    expect(places).toContain(1);
    // Places only go down.
    expect([...places].sort((a, b) => b - a)).toEqual(places);
  });

  it("caps an owner's unfinished jobs and rate-limits submissions", async () => {
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('limits'),
      flowFor: renderFlow,
      limits: { maxActive: 2, perMinute: 0, burst: 0 },
    });
    await system.orchestrator.submit(testJob('discord:cap'));
    await system.orchestrator.submit(testJob('discord:cap'));
    await expect(system.orchestrator.submit(testJob('discord:cap'))).rejects.toThrow(
      'you already have 2 jobs queued or running: wait for one to finish',
    );
    await system.orchestrator.submit(testJob('discord:other'));
    await system.close();

    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('rate'),
      flowFor: renderFlow,
      limits: { maxActive: 0, perMinute: 2, burst: 2 },
    });
    await system.orchestrator.submit(testJob('discord:fast'));
    await system.orchestrator.submit(testJob('discord:fast'));
    const refused = system.orchestrator.submit(testJob('discord:fast'));
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(refused).rejects.toThrow(/too many requests: try again in \d+ s/);
    const err = await refused.catch((e) => e);
    expect(err.retryAfterMs).toBeGreaterThan(20_000);
  });

  it('cancels a job whose render did not start before its deadline, with a message', async () => {
    system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('deadline'),
      flowFor: renderFlow,
    });
    let rendered = 0;
    const job = testJob('discord:late', 'imagine', { deadline: new Date(Date.now() + 150).toISOString() });
    await system.orchestrator.submit(job);
    await new Promise((r) => setTimeout(r, 300));
    await system.startWorkers({ render: async () => void rendered++, 'reply-chat': async () => undefined }, [
      'gpu',
      'io',
    ]);
    const state = await waitFor(async () => {
      const s = await system!.orchestrator.state(job.id);
      return s?.status === 'cancelled' ? s : undefined;
    }, 'the deadline cancel');
    expect(rendered).toBe(0);
    expect(state.error?.message).toContain('the job was not started before its deadline');
  });
});
