import { afterEach, describe, expect, it } from 'vitest';
import type { ComponentHandler } from '../../queue/orchestrator/component-worker.ts';
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

function makeSystem(name: string): QueueSystem {
  system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix: uniquePrefix(name), flowFor: renderFlow });
  return system;
}

const deliver: ComponentHandler = async () => ({ delivered: true });

describe('fair GPU scheduling', () => {
  it("one owner's many jobs do not starve another's one", async () => {
    const s = makeSystem('fair');
    const order: string[] = [];
    const a = Array.from({ length: 6 }, () => testJob('discord:alice'));
    const b = testJob('discord:bob');
    for (const j of a) await s.orchestrator.submit(j);
    await s.orchestrator.submit(b);
    await s.startWorkers(
      {
        render: async (ctx) => {
          order.push(ctx.job.owner);
          await new Promise((r) => setTimeout(r, 5));
          return {};
        },
        'reply-chat': deliver,
      },
      ['gpu', 'io'],
      { concurrency: { gpu: 1 } },
    );
    await waitFor(async () => (order.length === 7 ? true : undefined), 'seven renders');
    // Bob's single job runs right after Alice's first, not after all six.
    expect(order).toEqual([
      'discord:alice',
      'discord:bob',
      'discord:alice',
      'discord:alice',
      'discord:alice',
      'discord:alice',
      'discord:alice',
    ]);
  });

  it('a high-priority job goes before normal ones', async () => {
    const s = makeSystem('tier');
    const order: string[] = [];
    const normal = Array.from({ length: 3 }, () => testJob('discord:carol'));
    const urgent = testJob('discord:dave', 'imagine', { priority: 'high' });
    for (const j of normal) await s.orchestrator.submit(j);
    await s.orchestrator.submit(urgent);
    await s.startWorkers(
      { render: async (ctx) => void order.push(ctx.jobId), 'reply-chat': deliver },
      ['gpu', 'io'],
      { concurrency: { gpu: 1 } },
    );
    await waitFor(async () => (order.length === 4 ? true : undefined), 'four renders');
    expect(order[0]).toBe(urgent.id);
  });
});

describe('cancel', () => {
  it('removes a queued job and tells its watchers', async () => {
    const s = makeSystem('cancel-q');
    const job = testJob('telegram:5');
    await s.orchestrator.submit(job);
    expect(await s.queues.gpu.getJob(`${job.id}.render`)).toBeDefined();
    await expect(s.orchestrator.cancel(job.id, 'telegram:6')).rejects.toThrow(
      'only the owner of a job can cancel it',
    );
    const stopped = await s.orchestrator.cancel(job.id, 'telegram:5');
    expect(stopped).toEqual(['render']);
    expect(await s.queues.gpu.getJob(`${job.id}.render`)).toBeUndefined();
    const state = await s.orchestrator.state(job.id);
    expect(state?.status).toBe('cancelled');
    const events = await s.events.read(job.id);
    expect(events.at(-1)?.event).toEqual({ type: 'cancelled', message: 'cancelled by its owner' });
    await expect(s.orchestrator.cancel(job.id, 'telegram:5')).rejects.toThrow('the job is already cancelled');
  });

  it('stops a running render at its next step and delivers nothing', async () => {
    const s = makeSystem('cancel-r');
    let steps = 0;
    let sawAbort = false;
    let delivered = 0;
    await s.startWorkers(
      {
        render: async (ctx) => {
          while (!ctx.signal.aborted) {
            steps++;
            await new Promise((r) => setTimeout(r, 10));
          }
          sawAbort = true;
          throw new Error('render stopped');
        },
        'reply-chat': async () => {
          delivered++;
        },
      },
      ['gpu', 'io'],
    );
    const job = testJob('discord:9');
    await s.orchestrator.submit(job);
    await waitFor(async () => (steps > 3 ? true : undefined), 'the render to run');
    await s.orchestrator.cancel(job.id, 'discord:9');
    await waitFor(async () => (sawAbort ? true : undefined), 'the render to see the cancel');
    const stepsAtCancel = steps;
    await new Promise((r) => setTimeout(r, 100));
    expect(steps).toBe(stepsAtCancel);
    expect(delivered).toBe(0);
    expect((await s.orchestrator.state(job.id))?.status).toBe('cancelled');
  });
});
