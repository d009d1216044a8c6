// `npm run bench -- queue`: in one run, against the same Redis,
//  1. a raw BullMQ job: add -> processor start latency (p50/p99) and throughput;
//  2. the orchestrator: per-hop latency of a chain of no-op components (previous component done ->
//     next one starts), and no-op flow throughput;
//  3. submit -> render start when idle.
// The last line is the per-hop/raw ratio (goal <= 1.5) and the idle submit-to-render p99 (goal < 25 ms).
import { Queue, Worker } from 'bullmq';
import { createQueueSystem } from '../queue/queue-system.ts';
import { connectRedis } from '../queue/redis/connect-redis.ts';
import { deleteKeys } from '../test/helpers/delete-keys.ts';
import { testJob } from '../test/helpers/job-factory.ts';
import { chainFlow, renderOnlyFlow } from '../test/helpers/test-flows.ts';
import { ms, percentile } from './stats.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_N ?? 300);
const run = `bench-${Date.now().toString(36)}`;

async function rawBullmq(): Promise<{ p50: number; p99: number; perSecond: number }> {
  // BullMQ does not close connections it is given: both are quit below, or the process stays up.
  const connection = connectRedis(url);
  const workerConnection = connectRedis(url);
  const queue = new Queue('raw', { connection, prefix: `${run}-raw` });
  const started = new Map<string, number>();
  const added = new Map<string, number>();
  let wake: (() => void) | undefined;
  const worker = new Worker(
    'raw',
    async (job) => {
      started.set(job.id!, performance.now());
      wake?.();
    },
    { connection: workerConnection, prefix: `${run}-raw`, concurrency: 8 },
  );
  await worker.waitUntilReady();
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const id = `l${i}`;
    const done = new Promise<void>((r) => {
      wake = r;
    });
    added.set(id, performance.now());
    await queue.add('noop', { i }, { jobId: id, removeOnComplete: true });
    await done;
    lat.push(started.get(id)! - added.get(id)!);
  }
  const t0 = performance.now();
  let count = 0;
  const all = new Promise<void>((r) => {
    wake = () => {
      if (++count === N) r();
    };
  });
  await queue.addBulk(
    Array.from({ length: N }, (_, i) => ({
      name: 'noop',
      data: { i },
      opts: { jobId: `t${i}`, removeOnComplete: true },
    })),
  );
  await all;
  const perSecond = N / ((performance.now() - t0) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await workerConnection.quit();
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), perSecond };
}

async function orchestratorHops(): Promise<{ p50: number; p99: number; perSecond: number }> {
  const system = createQueueSystem({ redisUrl: url, prefix: `${run}-orch`, flowFor: chainFlow });
  const starts = new Map<string, Record<string, number>>();
  const ends = new Map<string, Record<string, number>>();
  let onDone: ((id: string) => void) | undefined;
  const handler = (name: string) => async (ctx: { jobId: string }) => {
    const s = starts.get(ctx.jobId) ?? {};
    s[name] = performance.now();
    starts.set(ctx.jobId, s);
    queueMicrotask(() => {
      const e = ends.get(ctx.jobId) ?? {};
      e[name] = performance.now();
      ends.set(ctx.jobId, e);
      if (name === 'd') onDone?.(ctx.jobId);
    });
    return undefined;
  };
  await system.startWorkers({ a: handler('a'), b: handler('b'), c: handler('c'), d: handler('d') }, ['io'], {
    concurrency: { io: 8 },
  });
  const hops: number[] = [];
  for (let i = 0; i < N; i++) {
    const j = testJob('key:bench');
    const done = new Promise<void>((r) => {
      onDone = () => r();
    });
    await system.orchestrator.submit(j);
    await done;
    const s = starts.get(j.id)!;
    const e = ends.get(j.id)!;
    hops.push(s.b - e.a, s.c - e.b, s.d - e.c);
  }
  const t0 = performance.now();
  let finished = 0;
  const all = new Promise<void>((r) => {
    onDone = () => {
      if (++finished === N) r();
    };
  });
  await Promise.all(
    Array.from({ length: N }, (_, i) => system.orchestrator.submit(testJob(`key:o${i % 10}`))),
  );
  await all;
  const perSecond = N / ((performance.now() - t0) / 1000);
  await system.close();
  return { p50: percentile(hops, 50), p99: percentile(hops, 99), perSecond };
}

async function submitToRender(): Promise<{ p50: number; p99: number }> {
  const system = createQueueSystem({ redisUrl: url, prefix: `${run}-submit`, flowFor: renderOnlyFlow });
  let wake: (() => void) | undefined;
  let startedAt = 0;
  await system.startWorkers(
    {
      render: async () => {
        startedAt = performance.now();
        wake?.();
      },
    },
    ['gpu'],
    { concurrency: { gpu: 1 } },
  );
  const lat: number[] = [];
  for (let i = 0; i < Math.min(N, 200); i++) {
    const started = new Promise<void>((r) => {
      wake = r;
    });
    const t0 = performance.now();
    await system.orchestrator.submit(testJob(`key:s${i % 5}`));
    await started;
    lat.push(startedAt - t0);
    await new Promise((r) => setTimeout(r, 2));
  }
  await system.close();
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

const raw = await rawBullmq();
console.log(
  `raw BullMQ add->start: p50 ${ms(raw.p50)}, p99 ${ms(raw.p99)}; throughput ${raw.perSecond.toFixed(0)} jobs/s`,
);
const hop = await orchestratorHops();
console.log(
  `orchestrator per hop: p50 ${ms(hop.p50)}, p99 ${ms(hop.p99)}; no-op 4-component flows ${hop.perSecond.toFixed(0)} jobs/s`,
);
const submit = await submitToRender();
console.log(`submit -> render start (idle): p50 ${ms(submit.p50)}, p99 ${ms(submit.p99)}`);
await deleteKeys(run, url);
console.log(
  `per-hop p50 / raw BullMQ p50 = ${(hop.p50 / raw.p50).toFixed(2)} (goal <= 1.5); submit->render p99 ${ms(submit.p99)} (goal < 25 ms)`,
);
