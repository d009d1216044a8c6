// The orchestrator's safety nets on real Redis and BullMQ: the sweeper re-adds a component whose queue
// job was lost between the dispatcher's two steps, BullMQ retries with backoff until the component's
// last attempt, a non-retryable ComponentError fails at once, and a handler that never settles is
// failed at its timeout.
import { afterEach, describe, expect, it } from 'vitest';
import type { ComponentDef, FlowDef } from '../../core/flows/flow-types.ts';
import { ComponentError, type ComponentHandler } from '../../queue/orchestrator/component-worker.ts';
import type { JobState } from '../../queue/orchestrator/job-state.ts';
import { bullJobId } from '../../queue/orchestrator/orchestrator.ts';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** `work` on the io queue, then `deliver` after it: the shape of every shipped flow, in small. */
function twoStepFlow(work: Partial<ComponentDef> = {}): FlowDef {
  const def = (name: string, slot: number, deps: string[]): ComponentDef => ({
    name,
    slot,
    deps,
    queue: 'io',
    timeoutMs: 10_000,
    retries: 2,
  });
  return {
    kind: 'imagine',
    modules: [
      {
        name: 'Work',
        status: 'received',
        nextStatus: 'rendering',
        components: [{ ...def('work', 0, []), ...work }],
      },
      {
        name: 'Deliver',
        status: 'rendering',
        nextStatus: 'delivering',
        components: [def('deliver', 1, ['work'])],
      },
    ],
  };
}

let system: QueueSystem | undefined;
let prefix: string | undefined;
afterEach(async () => {
  await system?.close();
  if (prefix) await deleteKeys(prefix);
  system = undefined;
  prefix = undefined;
});

function makeSystem(name: string, flow: FlowDef): QueueSystem {
  prefix = uniquePrefix(name);
  system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix, flowFor: () => flow });
  return system;
}

/** The job's state once it has ended and its final event is out (the event follows the state). */
async function finalState(s: QueueSystem, jobId: string): Promise<JobState> {
  return waitFor(async () => {
    const state = await s.orchestrator.state(jobId);
    if (!state || !['done', 'failed', 'cancelled'].includes(state.status)) return undefined;
    const last = (await s.events.read(jobId)).at(-1)?.event.type;
    return last === 'done' || last === 'failed' || last === 'cancelled' ? state : undefined;
  }, `job ${jobId} to end`);
}

const deliver: ComponentHandler = async () => ({ delivered: true });

describe('the sweeper', () => {
  it('re-adds a component marked called whose queue job is gone, once, and the job completes', async () => {
    const s = makeSystem('sweep', twoStepFlow());
    const job = testJob('discord:1');
    const submitted = await s.orchestrator.submit(job);
    expect(submitted.started).toEqual(['work']);
    // The dispatcher "died" after its Lua step: the slot says called, but no queue job exists.
    expect(await s.queues.io.remove(bullJobId(job.id, 'work'))).toBe(1);
    expect(await s.queues.io.getJob(bullJobId(job.id, 'work'))).toBeUndefined();
    const before = await s.orchestrator.state(job.id);
    expect(before?.components.find((c) => c.name === 'work')?.state).toBe('called');

    expect(await s.orchestrator.sweep()).toBe(1);
    expect(await s.queues.io.getJob(bullJobId(job.id, 'work'))).toBeDefined();
    // The re-added job is there now: sweeping again adds nothing.
    expect(await s.orchestrator.sweep()).toBe(0);

    const ran: string[] = [];
    await s.startWorkers(
      {
        work: async (ctx) => {
          ran.push(ctx.jobId);
          return { worked: true };
        },
        deliver,
      },
      ['io'],
    );
    const state = await finalState(s, job.id);
    expect(state.status).toBe('done');
    expect(state.outputs.work).toEqual({ worked: true });
    expect(ran).toEqual([job.id]);
    expect(await s.orchestrator.sweep()).toBe(0);
  });

  it('walks a backlog larger than one batch of reads and re-adds exactly the lost ones', async () => {
    const s = makeSystem('sweep-many', twoStepFlow());
    const jobs = Array.from({ length: 250 }, (_, i) => testJob(`discord:${i % 7}`));
    for (const job of jobs) await s.orchestrator.submit(job);
    // Every third job lost its queue job, in all three batches of 100.
    const lost = jobs.filter((_, i) => i % 3 === 0);
    for (const job of lost) expect(await s.queues.io.remove(bullJobId(job.id, 'work'))).toBe(1);

    expect(await s.orchestrator.sweep()).toBe(lost.length);
    for (const job of jobs) expect(await s.queues.io.getJob(bullJobId(job.id, 'work'))).toBeDefined();
    expect(await s.orchestrator.sweep()).toBe(0);
  });
});

describe('retries', () => {
  it('retries a failing component with backoff until it succeeds', async () => {
    const s = makeSystem('retry-ok', twoStepFlow({ retries: 2 }));
    const attempts: number[] = [];
    await s.startWorkers(
      {
        work: async (ctx) => {
          attempts.push(ctx.attempt);
          if (attempts.length < 3) throw new Error(`flaky ${attempts.length}`);
          return { worked: attempts.length };
        },
        deliver,
      },
      ['io'],
    );
    const job = testJob('discord:2');
    await s.orchestrator.submit(job);
    const state = await finalState(s, job.id);
    expect(state.status).toBe('done');
    expect(state.outputs.work).toEqual({ worked: 3 });
    expect(attempts).toEqual([1, 2, 3]);
    // Retried by BullMQ with exponential backoff, as many times as the component allows.
    const queued = await s.queues.io.getJob(bullJobId(job.id, 'work'));
    expect(queued?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 500 } });
  });

  it('fails the job after the last attempt with an internal error', async () => {
    const s = makeSystem('retry-fail', twoStepFlow({ retries: 2 }));
    let runs = 0;
    let delivered = 0;
    await s.startWorkers(
      {
        work: async () => {
          runs++;
          throw new Error('the disk is full');
        },
        deliver: async () => {
          delivered++;
        },
      },
      ['io'],
    );
    const job = testJob('discord:3');
    await s.orchestrator.submit(job);
    const state = await finalState(s, job.id);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('internal');
    expect(state.error?.message.startsWith('internal error:')).toBe(true);
    expect(state.error?.message).toBe('internal error: the disk is full');
    expect(runs).toBe(3);
    expect(delivered).toBe(0);
    expect(state.components.map((c) => [c.name, c.state])).toEqual([
      ['work', 'failed'],
      ['deliver', 'pending'],
    ]);
  });

  it('does not retry a ComponentError that says retrying cannot help', async () => {
    const s = makeSystem('retry-no', twoStepFlow({ retries: 3 }));
    let runs = 0;
    await s.startWorkers(
      {
        work: async () => {
          runs++;
          throw new ComponentError('bad_input', 'your picture is empty', false);
        },
        deliver,
      },
      ['io'],
    );
    const job = testJob('discord:4');
    await s.orchestrator.submit(job);
    const state = await finalState(s, job.id);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({ code: 'bad_input', message: 'your picture is empty' });
    expect(runs).toBe(1);
    const events = (await s.events.read(job.id)).map((e) => e.event);
    expect(events.at(-1)).toEqual({ type: 'failed', code: 'bad_input', message: 'your picture is empty' });
  });
});

describe('timeouts', () => {
  it('fails a component whose handler never settles after its timeout', async () => {
    const s = makeSystem('timeout', twoStepFlow({ timeoutMs: 300, retries: 0 }));
    let runs = 0;
    let sawAbort: unknown;
    await s.startWorkers(
      {
        work: (ctx) => {
          runs++;
          ctx.signal.addEventListener('abort', () => {
            sawAbort = ctx.signal.reason;
          });
          return new Promise(() => undefined);
        },
        deliver,
      },
      ['io'],
    );
    const job = testJob('discord:5');
    await s.orchestrator.submit(job);
    const state = await finalState(s, job.id);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({ code: 'timeout', message: 'work took longer than 0.3 s' });
    expect(runs).toBe(1);
    // The handler was told to stop, by its signal.
    expect((sawAbort as Error | undefined)?.name).toBe('TimeoutError');
  });
});
