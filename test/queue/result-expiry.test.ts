// What a finished job leaves behind expires: a stack started with RESULT_TTL_S runs real jobs (toy model,
// every component) on the shared Redis, and every key naming a job has an expiry no longer than the
// setting, its BullMQ records are kept no longer either, its pictures expire with it and a sweep deletes
// their files, event streams are trimmed to their cap, and the keys that never expire do not grow in
// number with the jobs run.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { type Config, parseConfig } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';
import { allComponents } from '../../core/flows/flow-queries.ts';
import { createJob, type Job } from '../../core/job/job.ts';
import { MAX_EVENTS } from '../../queue/events/job-events.ts';
import type { JobState } from '../../queue/orchestrator/job-state.ts';
import { bullJobId } from '../../queue/orchestrator/orchestrator.ts';
import { createQueueSystem } from '../../queue/queue-system.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { renderOnlyFlow } from '../helpers/test-flows.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TTL_S = 600;
const prefix = uniquePrefix('expiry');
let stack: Stack;
let config: Config;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'expiry-'));
  config = parseConfig({
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
    RESULT_TTL_S: String(TTL_S),
  });
  stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: true,
    components: true,
    // A chat reply goes through the component's once-marker, which must expire too.
    services: { repliers: { telegram: async () => undefined } },
    log: () => undefined,
  });
  await waitFor(async () => ((await stack.registry.live()).length > 0 ? true : undefined), 'the renderer');
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await deleteKeys(prefix);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let counter = 0;

function chatJob(params: Record<string, unknown>, inputs: Record<string, unknown> = {}): Job {
  counter++;
  const kind = inputs.image ? 'remix' : 'imagine';
  return createJob(
    { kind, owner: 'telegram:9', origin: { surface: 'telegram', chatId: 9 }, params, inputs },
    {
      limits: config.limits,
      id: `expiry-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    },
  );
}

const SMALL = { prompt: 'a red circle on the left, grass', width: 64, height: 64, steps: 3, seed: 7 };

/** The job's state once it has ended and its final event is out. */
async function finalState(jobId: string): Promise<JobState> {
  return waitFor(
    async () => {
      const state = await stack.system.orchestrator.state(jobId);
      if (!state || !['done', 'failed', 'cancelled'].includes(state.status)) return undefined;
      const last = (await stack.system.events.read(jobId)).at(-1)?.event.type;
      return last === state.status ? state : undefined;
    },
    `job ${jobId} to end`,
    60_000,
  );
}

async function keysUnder(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await stack.system.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

/** Every key of ours (not BullMQ's) naming the job, with its time to live in ms. */
async function ttlsOfJob(jobId: string): Promise<Record<string, number>> {
  const keys = (await keysUnder(`${prefix}:*${jobId}*`)).filter((k) => !k.startsWith(`${prefix}-bull`));
  const out: Record<string, number> = {};
  for (const key of keys)
    out[key.slice(prefix.length + 1).replace(jobId, 'ID')] = await stack.system.redis.pttl(key);
  return out;
}

function expectExpiringWithin(ttls: Record<string, number>, ms: number): void {
  for (const [key, ttl] of Object.entries(ttls)) {
    expect({ key, expires: ttl > 0, withinSetting: ttl <= ms }).toEqual({
      key,
      expires: true,
      withinSetting: true,
    });
  }
}

/** Keys without an expiry, apart from BullMQ's per-component records (their queue trims those). */
async function persistentKeys(jobIds: readonly string[]): Promise<string[]> {
  const all = await keysUnder(`${prefix}*`);
  const ttls = await Promise.all(all.map((k) => stack.system.redis.pttl(k)));
  return all.filter(
    (k, i) => ttls[i] === -1 && !(k.startsWith(`${prefix}-bull`) && jobIds.some((id) => k.includes(id))),
  );
}

describe('a finished job expires with RESULT_TTL_S', () => {
  const done: string[] = [];

  it('a done job: its state, slot words, events and once-markers expire within the setting, BullMQ keeps its records no longer, its pictures expire with it', async () => {
    const job = chatJob(SMALL);
    await stack.system.orchestrator.submit(job);
    const state = await finalState(job.id);
    expect(state.status).toBe('done');
    done.push(job.id);

    const ttls = await ttlsOfJob(job.id);
    expect(Object.keys(ttls)).toEqual(
      expect.arrayContaining([
        'job:ID',
        'job:ID:called',
        'job:ID:returned',
        'events:ID',
        'dedupe:ID:reply-chat',
      ]),
    );
    expectExpiringWithin(ttls, TTL_S * 1000);

    for (const c of allComponents(stack.system.orchestrator.flowOf(job.kind))) {
      const record = await stack.system.queues[c.queue].getJob(bullJobId(job.id, c.name));
      expect({ component: c.name, kept: record?.opts.removeOnComplete }).toEqual({
        component: c.name,
        kept: { age: TTL_S, count: 1000 },
      });
      expect(record?.opts.removeOnFail).toEqual({ age: TTL_S, count: 1000 });
    }

    // Every picture of the job (results and previews) expires no later than the job's state.
    const stored = await storedArtifacts();
    expect(stored.length).toBeGreaterThan(0);
    const latest = Date.now() + TTL_S * 1000;
    for (const id of stored) {
      const info = await stack.artifacts.stat(id);
      expect({ id, expiresAtMs: (info?.expiresAtMs ?? Number.POSITIVE_INFINITY) <= latest }).toEqual({
        id,
        expiresAtMs: true,
      });
    }
  }, 90_000);

  it('a failed and a cancelled job expire within the setting too, and leave nothing owed', async () => {
    const failing = chatJob(SMALL, { image: { type: 'artifact', id: 'f'.repeat(32) } });
    const cancelled = chatJob({ ...SMALL, steps: 50 });
    await stack.system.orchestrator.submit(failing);
    await stack.system.orchestrator.submit(cancelled);
    await stack.system.orchestrator.cancel(cancelled.id, undefined, 'stopped by the test');
    expect((await finalState(failing.id)).status).toBe('failed');
    expect((await finalState(cancelled.id)).status).toBe('cancelled');
    for (const id of [failing.id, cancelled.id]) {
      const ttls = await ttlsOfJob(id);
      expect(Object.keys(ttls)).toEqual(expect.arrayContaining(['job:ID', 'events:ID']));
      expectExpiringWithin(ttls, TTL_S * 1000);
    }
    // Both origins are told (the notify component), after which nothing is owed them.
    await waitFor(
      async () => ((await stack.system.redis.zcard(`${prefix}:notify-pending`)) === 0 ? true : undefined),
      'the notices to go out',
    );
  }, 90_000);

  it('a component that reports after its job was cancelled leaves its slot word expiring with the job', async () => {
    // No workers: the render is called and stays unreported until the test reports it, late.
    const system = createQueueSystem({
      redisUrl: TEST_REDIS_URL,
      prefix: `${prefix}-late`,
      flowFor: renderOnlyFlow,
      finishedTtlMs: TTL_S * 1000,
    });
    try {
      const job = testJob('key:late');
      await system.orchestrator.submit(job);
      await system.orchestrator.cancel(job.id, undefined, 'stopped by the test');
      expect(await system.redis.exists(system.orchestrator.keys.returned(job.id))).toBe(0);
      const late = await system.orchestrator.complete(job.id, 'render', { ok: true, output: { late: true } });
      expect(late.status).toBe('cancelled');
      const returned = await system.redis.pttl(system.orchestrator.keys.returned(job.id));
      expect(returned).toBeGreaterThan(0);
      expect(returned).toBeLessThanOrEqual(TTL_S * 1000);
    } finally {
      await system.close();
      await deleteKeys(`${prefix}-late`);
    }
  });

  it('the keys that never expire do not grow in number with the jobs run', async () => {
    const before = await persistentKeys(done);
    for (let i = 0; i < 3; i++) {
      const job = chatJob({ ...SMALL, seed: 100 + i });
      await stack.system.orchestrator.submit(job);
      expect((await finalState(job.id)).status).toBe('done');
      done.push(job.id);
    }
    const after = await persistentKeys(done);
    expect(after).toEqual(before);
    // BullMQ's own event stream per queue (persistent) is trimmed to about 1,000 entries by its scripts.
    for (const queue of ['io', 'cpu', 'gpu']) {
      expect(await stack.system.redis.hget(`${prefix}-bull:${queue}:meta`, 'opts.maxLenEvents')).toBe('1000');
    }
    expect(after.filter((k) => done.some((id) => k.includes(id)))).toEqual([]);
  }, 120_000);

  it("a job's event stream is trimmed to its cap and expires within the setting after its newest event", async () => {
    const id = `stream-${process.pid}`;
    for (let i = 0; i < MAX_EVENTS + 300; i++) {
      await stack.system.events.publish(id, { type: 'progress', step: i, total: MAX_EVENTS + 300 });
    }
    const key = `${prefix}:events:${id}`;
    const length = await stack.system.redis.xlen(key);
    // Trimmed in whole stream nodes (100 entries each by default), so a little over the cap at most.
    expect(length).toBeGreaterThanOrEqual(MAX_EVENTS);
    expect(length).toBeLessThanOrEqual(MAX_EVENTS + 100);
    const events = await stack.system.events.read(id);
    expect(events.at(-1)?.event).toEqual({
      type: 'progress',
      step: MAX_EVENTS + 299,
      total: MAX_EVENTS + 300,
    });
    const ttl = await stack.system.redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_S);
  }, 60_000);

  it("a sweep past the result period deletes the finished jobs' pictures and keeps fresher ones", async () => {
    const fresh = await stack.artifacts.put(Buffer.from('kept longer'), 'text/plain', {
      ttlMs: 3 * TTL_S * 1000,
    });
    const old = (await storedArtifacts()).filter((id) => id !== fresh.id);
    expect(old.length).toBeGreaterThan(0);
    const removed = await stack.artifacts.sweep(Date.now() + TTL_S * 1000 + 1);
    expect(removed).toBe(old.length);
    expect(await storedArtifacts()).toEqual([fresh.id]);
    expect((await stack.artifacts.get(fresh.id))?.bytes.toString()).toBe('kept longer');
  });

  it('RESULT_TTL_S is checked at start', () => {
    expect(parseConfig({}).resultTtlMs).toBe(7 * 24 * 3600 * 1000);
    let error: unknown;
    try {
      parseConfig({ RESULT_TTL_S: '5' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      expect.objectContaining({ field: 'RESULT_TTL_S', problem: 'must be between 10 and 31536000' }),
    ]);
  });
});

/** The ids of the artifacts in the stack's file store (one `<id>.json` sidecar each). */
async function storedArtifacts(): Promise<string[]> {
  const root = stack.artifacts.root;
  const ids: string[] = [];
  for (const shard of await readdir(root).catch(() => [])) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of await readdir(path.join(root, shard))) {
      if (name.endsWith('.json')) ids.push(name.slice(0, -5));
    }
  }
  return ids.sort();
}
