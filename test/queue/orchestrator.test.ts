import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDef } from '../../core/flows/flow-types.ts';
import { flowFor } from '../../core/flows/flows.ts';
import type { ComponentHandler } from '../../queue/orchestrator/component-worker.ts';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('orchestrator on real Redis and BullMQ', () => {
  let system: QueueSystem;
  const calls: string[] = [];
  const handlers: Record<string, ComponentHandler> = {};
  for (const name of [
    'validate',
    'fetch-media',
    'moderate',
    'render',
    'encode-image',
    'reply-chat',
    'callback',
    'archive',
  ]) {
    handlers[name] = async (ctx) => {
      calls.push(`${ctx.jobId}:${name}`);
      return { by: name };
    };
  }

  beforeAll(async () => {
    system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix: uniquePrefix('orch') });
    await system.startWorkers(handlers, ['io', 'cpu', 'gpu']);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('runs a flow through every module to done, with each component once', async () => {
    const job = testJob('discord:1', 'inpaint');
    const submitted = await system.orchestrator.submit(job);
    expect(submitted.started).toEqual(['validate']);
    expect(submitted.status).toBe('ingesting');
    const state = await waitFor(async () => {
      const s = await system.orchestrator.state(job.id);
      return s?.status === 'done' ? s : undefined;
    }, 'done');
    expect(state.components.every((c) => c.state === 'succeeded')).toBe(true);
    expect(state.outputs.render).toEqual({ by: 'render' });
    const mine = calls.filter((c) => c.startsWith(`${job.id}:`)).map((c) => c.split(':')[1]);
    expect([...mine].sort()).toEqual(
      [
        'archive',
        'callback',
        'encode-image',
        'fetch-media',
        'moderate',
        'render',
        'reply-chat',
        'validate',
      ].sort(),
    );
    // Validate came first, render after both ingest components, delivery last.
    expect(mine[0]).toBe('validate');
    expect(mine.indexOf('render')).toBeGreaterThan(
      Math.max(mine.indexOf('fetch-media'), mine.indexOf('moderate')),
    );
  });

  it('dispatches the parallel components of a module together', async () => {
    const job = testJob('discord:2', 'remix');
    const flow: FlowDef = flowFor('remix');
    // Drive the flow by hand: no workers consume a prefix of its own.
    const manual = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix: uniquePrefix('orch-manual') });
    try {
      const { started } = await manual.orchestrator.submit(job);
      expect(started).toEqual(['validate']);
      const after = await manual.orchestrator.complete(job.id, 'validate', { ok: true });
      expect(after.started.sort()).toEqual(['fetch-media', 'moderate']);
      const state = await manual.orchestrator.state(job.id);
      expect(
        state?.components
          .filter((c) => c.state === 'called')
          .map((c) => c.name)
          .sort(),
      ).toEqual(['fetch-media', 'moderate']);
      // A second report of the same component changes nothing.
      expect((await manual.orchestrator.complete(job.id, 'validate', { ok: true })).duplicate).toBe(true);
      const half = await manual.orchestrator.complete(job.id, 'moderate', { ok: true });
      expect(half.started).toEqual([]);
      const both = await manual.orchestrator.complete(job.id, 'fetch-media', { ok: true });
      expect(both.started).toEqual(['render']);
      expect(both.status).toBe(flow.modules[1].nextStatus);
      const counts = await Promise.all(['io', 'gpu'].map((q) => manual.queues[q as 'io'].getJobCounts()));
      expect(counts[0].waiting + (counts[0].prioritized ?? 0)).toBe(3);
      expect((counts[1].waiting ?? 0) + (counts[1].prioritized ?? 0)).toBe(1);
    } finally {
      await manual.close();
    }
  });
});
