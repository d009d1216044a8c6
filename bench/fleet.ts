// `npm run bench -- fleet`: a fleet of simulated renderers against one Redis of our own (a
// redis-server on a free port, no persistence, so its counters and memory are this bench's alone).
// The orchestrator, the GPU queue's fairness, the worker registry (heartbeats, hand-on watches,
// routing to a renderer with the model loaded) and the admission check are the real ones; only the
// render is a stand-in: it sleeps 20-50 ms (plus a model load when the model is not loaded) and
// publishes a progress event per step as the render component does.
//
// Two phases on the same fleet, each with every job queued before the renderers start:
//  1. alone: the light owners' jobs only (see 2).
//  2. mixed: BENCH_N jobs (10,000) from BENCH_N/10 owners; one owner in 50 is heavy and submits 255
//     jobs, the others 5 (51 times fewer); the heavy owners submit first.
// Prints submissions/s, renders dispatched/s, Redis commands, bytes and CPU per job, Redis memory
// per queued job, p99 wait (fleet start -> render start) of light and heavy owners, and checks that
// every job ran exactly once. The last line is the light owners' p99 wait, mixed over alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { createJob, type Job } from '../core/index.ts';
import type { ComponentHandler } from '../queue/orchestrator/component-worker.ts';
import { createQueueSystem, type QueueSystem } from '../queue/queue-system.ts';
import { connectRedis } from '../queue/redis/connect-redis.ts';
import { freePort } from '../queue/redis/free-port.ts';
import { probeRedis } from '../queue/redis/probe.ts';
import { admitRender } from '../queue/workers/admit-render.ts';
import { watchStoppedRenderers } from '../queue/workers/hand-on-stopped.ts';
import { preferLoadedRenderer } from '../queue/workers/prefer-loaded.ts';
import { WorkerRegistry } from '../queue/workers/worker-registry.ts';
import { renderOnlyFlow } from '../test/helpers/test-flows.ts';
import { percentile } from './stats.ts';

const JOBS = Number(process.env.BENCH_N ?? 10_000);
const RENDERERS = Number(process.env.BENCH_RENDERERS ?? 50);
const RENDER_MS = [20, 50] as const;
/** A model load costs about two renders; a renderer keeps its two most recent models loaded. */
const LOAD_MS = 70;
const KEEP_LOADED = 2;
/**
 * A renderer steps aside 300 ms for one with the model loaded: a tenth of a real render. Here renders
 * are about a hundredth of a real one, so the step aside is scaled with them.
 */
const STEP_ASIDE_MS = 10;
/** Four models; an owner sticks to one, chosen with these weights (out of 20). */
const MODELS = [
  { name: 'sd15', weight: 10 },
  { name: 'sdxl', weight: 5 },
  { name: 'anime', weight: 3 },
  { name: 'photo', weight: 2 },
];
const LIGHT_JOBS = 5;
const HEAVY_JOBS = 255;
const SUBMIT_CONCURRENCY = 16;
/** As the stack's components process sweeps. */
const SWEEP_EVERY_MS = 30_000;
const MEMORY_SAMPLE = 200;
const DRAIN_TIMEOUT_MS = 240_000;

if (!Number.isInteger(JOBS / 500) || JOBS < 500) {
  console.error(`BENCH_N must be a multiple of 500 (got ${process.env.BENCH_N}): the owner mix needs it`);
  process.exit(2);
}
if (!Number.isInteger(RENDERERS) || RENDERERS < 2) {
  console.error(`BENCH_RENDERERS must be a whole number of at least 2 (got ${process.env.BENCH_RENDERERS})`);
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the Redis of this bench ----

async function startRedis(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--maxclients', '4000', '--loglevel', 'warning'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('error', (err) => {
    console.error(`redis-server could not be started (${err.message}): install Redis 7`);
    process.exit(1);
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; (await probeRedis('127.0.0.1', port)) !== child.pid; i++) {
    if (i > 200) throw new Error(`redis-server did not answer on port ${port}`);
    await sleep(50);
  }
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface RedisSnapshot {
  /** Calls per command, also those run inside Lua scripts (INFO commandstats). */
  calls: Map<string, number>;
  netBytes: number;
  cpuSeconds: number;
  usedMemory: number;
}

async function snapshot(url: string): Promise<RedisSnapshot> {
  const redis = connectRedis(url);
  const text = await redis.info('everything');
  await redis.quit();
  const field = (name: string) => Number(new RegExp(`\\r\\n${name}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls.set(m[1], Number(m[2]));
  return {
    calls,
    netBytes: field('total_net_input_bytes') + field('total_net_output_bytes'),
    cpuSeconds: field('used_cpu_user') + field('used_cpu_sys'),
    usedMemory: field('used_memory'),
  };
}

interface Usage {
  commands: number;
  /** Lua script runs (EVALSHA and EVAL), each counted once more in `commands` for every call it makes. */
  scripts: number;
  bytes: number;
  cpuSeconds: number;
  top: [string, number][];
}

function usageBetween(a: RedisSnapshot, b: RedisSnapshot): Usage {
  const diff: [string, number][] = [];
  for (const [name, calls] of b.calls) {
    // The INFO calls of the snapshots themselves are not the fleet's.
    if (name !== 'info') diff.push([name, calls - (a.calls.get(name) ?? 0)]);
  }
  diff.sort((x, y) => y[1] - x[1]);
  return {
    commands: diff.reduce((s, [, n]) => s + n, 0),
    scripts: diff.filter(([name]) => name === 'evalsha' || name === 'eval').reduce((s, [, n]) => s + n, 0),
    bytes: b.netBytes - a.netBytes,
    cpuSeconds: b.cpuSeconds - a.cpuSeconds,
    top: diff.slice(0, 10),
  };
}

// ---- the owners and their jobs ----

interface Owner {
  id: string;
  heavy: boolean;
  model: string;
}

function owners(): Owner[] {
  const count = JOBS / 10;
  const heavyCount = count / 50;
  const picks = MODELS.flatMap((m) => Array.from({ length: m.weight }, () => m.name));
  return Array.from({ length: count }, (_, i) => {
    const heavy = i < heavyCount;
    return { id: heavy ? `key:heavy-${i}` : `key:light-${i}`, heavy, model: picks[i % picks.length] };
  });
}

/** Each owner's jobs in a row, heavy owners first: their backlog is queued before anyone else's. */
function jobsOf(list: readonly Owner[], phase: string): Job[] {
  return list.flatMap((o) =>
    Array.from({ length: o.heavy ? HEAVY_JOBS : LIGHT_JOBS }, (_, k) =>
      createJob(
        {
          kind: 'imagine',
          owner: o.id,
          origin: { surface: 'http' },
          params: { prompt: `a lighthouse at dusk, picture ${k}`, model: o.model, seed: k + 1 },
        },
        { id: `${phase}-${o.id.slice(4)}-${k}` },
      ),
    ),
  );
}

// ---- the simulated renderers ----

interface Tracker {
  starts: Map<string, number>;
  firstStart: Map<string, number>;
  done: number;
  loads: number;
  /** Jobs this renderer handed back for a renderer that has the model loaded. */
  stepAsides: number;
  renderMs: number[];
}

interface SimRenderer {
  id: string;
  system: QueueSystem;
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

async function startRenderer(i: number, url: string, prefix: string, tracker: Tracker): Promise<SimRenderer> {
  const id = `sim-${i}`;
  const system = createQueueSystem({
    redisUrl: url,
    prefix,
    flowFor: renderOnlyFlow,
    log: () => undefined,
    onTransition: (t) => {
      if (t.status === 'done') tracker.done++;
    },
  });
  // A render start announces queue positions without waiting for it; one still writing when the
  // connection closes would otherwise be reported as an unhandled error after the phase.
  system.redis.on('error', () => undefined);
  const registry = new WorkerRegistry(system.redis, system.orchestrator.keys);
  // Renderers start with different models loaded, in the models' proportions.
  const picks = MODELS.flatMap((m) => Array.from({ length: m.weight }, () => m.name));
  let loaded = [picks[i % picks.length]];
  let busy = false;
  const startedAt = Date.now();
  const stopBeat = registry.keepAlive(() => ({
    id,
    device: 'sim',
    models: MODELS.map((m) => m.name),
    loaded,
    maxPixels: 1024 * 1024,
    busy,
    startedAt,
  }));
  const stopWatch = watchStoppedRenderers({ registry, queue: system.queues.gpu });

  const prefer = preferLoadedRenderer(registry, id, async () => loaded);
  const render: ComponentHandler = async (ctx) => {
    busy = true;
    const t0 = performance.now();
    tracker.starts.set(ctx.jobId, (tracker.starts.get(ctx.jobId) ?? 0) + 1);
    if (!tracker.firstStart.has(ctx.jobId)) tracker.firstStart.set(ctx.jobId, t0);
    try {
      const model = ctx.job.params.model;
      if (!loaded.includes(model)) {
        tracker.loads++;
        await sleep(LOAD_MS);
      }
      loaded = [model, ...loaded.filter((m) => m !== model)].slice(0, KEEP_LOADED);
      const total = ctx.job.params.steps;
      const perStep = (RENDER_MS[0] + Math.random() * (RENDER_MS[1] - RENDER_MS[0])) / total;
      // As the render component does: one progress event per step, in step order, not awaited by
      // the denoising loop.
      let published = Promise.resolve();
      for (let step = 1; step <= total; step++) {
        await sleep(perStep);
        if (ctx.signal.aborted) throw new Error('render stopped');
        published = published
          .then(() => ctx.publish({ type: 'progress', step, total }))
          .catch(() => undefined);
      }
      await published;
      tracker.renderMs.push(performance.now() - t0);
      return {
        images: [{ artifact: `sim-${ctx.jobId}`, seed: ctx.job.params.seed }],
        width: ctx.job.params.width,
        height: ctx.job.params.height,
        model,
        pipeline: 'txt2img',
        warnings: [],
      };
    } finally {
      busy = false;
    }
  };

  return {
    id,
    system,
    async startWorkers() {
      await system.startWorkers({ render }, ['gpu'], {
        concurrency: { gpu: 1 },
        stepAsideMs: STEP_ASIDE_MS,
        preferOther: async (job) => {
          const other = await prefer(job);
          if (other) tracker.stepAsides++;
          return other;
        },
        holds: registry.holdsOf(id),
        log: (line) => console.error(`${id}: ${line}`),
      });
    },
    async close() {
      await stopWatch();
      await stopBeat();
      await system.close();
    },
  };
}

// ---- one phase ----

interface PhaseResult {
  jobs: number;
  submitPerSecond: number;
  dispatchPerSecond: number;
  idleCommandsPerSecond: number;
  /** The sweeps made during the phase: how many unfinished jobs each walked, and how long it took. */
  sweeps: { activeJobs: number; ms: number }[];
  submit: Usage;
  run: Usage;
  memoryPerQueuedJob: number;
  memoryPerFinishedJob: number;
  /** MEMORY USAGE of a finished job's keys, by key, averaged over a sample. */
  keptPerJob: Map<string, number>;
  waitsLight: number[];
  waitsHeavy: number[];
  /** Light owners' jobs: how many renders had started when each started (itself included). */
  ranksLight: number[];
  lost: number;
  twice: number;
  notDone: number;
  loads: number;
  stepAsides: number;
  meanRenderMs: number;
}

async function runPhase(url: string, phase: string, list: readonly Owner[]): Promise<PhaseResult> {
  const prefix = `fleet-${phase}`;
  // Each phase starts from an empty Redis: the other phase's finished jobs are not in its figures.
  const admin = connectRedis(url);
  await admin.flushall();
  await admin.quit();
  const jobs = jobsOf(list, phase);
  const heavyOwners = new Set(list.filter((o) => o.heavy).map((o) => o.id));
  const tracker: Tracker = {
    starts: new Map(),
    firstStart: new Map(),
    done: 0,
    loads: 0,
    stepAsides: 0,
    renderMs: [],
  };
  const renderers = await Promise.all(
    Array.from({ length: RENDERERS }, (_, i) => startRenderer(i, url, prefix, tracker)),
  );
  // The API process: admission reads the registry; it sweeps and watches renderers as the stack does.
  let apiRegistry!: WorkerRegistry;
  const api = createQueueSystem({
    redisUrl: url,
    prefix,
    flowFor: renderOnlyFlow,
    admit: (job) => admitRender(apiRegistry)(job),
    log: () => undefined,
  });
  apiRegistry = new WorkerRegistry(api.redis, api.orchestrator.keys);
  const stopApiWatch = watchStoppedRenderers({ registry: apiRegistry, queue: api.queues.gpu });
  // One sweep at a time: over a large backlog a sweep can take longer than its period.
  let sweeping: Promise<unknown> | undefined;
  const sweeps: { activeJobs: number; ms: number }[] = [];
  const sweep = setInterval(() => {
    sweeping ??= (async () => {
      const activeJobs = await api.redis.zcard(api.orchestrator.keys.active);
      const t0 = performance.now();
      await api.orchestrator.sweep();
      sweeps.push({ activeJobs, ms: performance.now() - t0 });
    })()
      .catch(() => undefined)
      .finally(() => {
        sweeping = undefined;
      });
  }, SWEEP_EVERY_MS);
  try {
    // Let every renderer beat once, then measure what the idle fleet costs.
    await sleep(1500);
    const idle0 = await snapshot(url);
    const idleStart = performance.now();
    await sleep(2000);
    const idle1 = await snapshot(url);
    const idleCommandsPerSecond =
      usageBetween(idle0, idle1).commands / ((performance.now() - idleStart) / 1000);

    const s0 = await snapshot(url);
    const submitStart = performance.now();
    let next = 0;
    const refused: string[] = [];
    await Promise.all(
      Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          await api.orchestrator.submit(job).catch((err: Error) => refused.push(`${job.id}: ${err.message}`));
        }
      }),
    );
    const submitPerSecond = jobs.length / ((performance.now() - submitStart) / 1000);
    if (refused.length > 0) throw new Error(`${refused.length} jobs were refused, e.g. ${refused[0]}`);
    const s1 = await snapshot(url);

    const fleetStart = performance.now();
    await Promise.all(renderers.map((r) => r.startWorkers()));
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (tracker.done < jobs.length && Date.now() < deadline) await sleep(100);
    const lastStart = Math.max(...tracker.firstStart.values());
    const s2 = await snapshot(url);
    if (tracker.done < jobs.length) {
      console.error(
        `${phase}: only ${tracker.done} of ${jobs.length} jobs done in ${DRAIN_TIMEOUT_MS / 1000} s`,
      );
    }

    // Exactly once: every job started once and ended done.
    let lost = 0;
    let twice = 0;
    let notDone = 0;
    for (const job of jobs) {
      const n = tracker.starts.get(job.id) ?? 0;
      if (n === 0) lost++;
      if (n > 1) twice++;
    }
    for (let i = 0; i < jobs.length; i += 1000) {
      const pipe = api.redis.pipeline();
      for (const job of jobs.slice(i, i + 1000)) pipe.hget(api.orchestrator.keys.job(job.id), 'status');
      for (const [, status] of (await pipe.exec()) ?? []) if (status !== 'done') notDone++;
    }

    // What a finished job keeps while it is kept (RESULT_TTL_S), per key, over a sample of jobs.
    const keys = api.orchestrator.keys;
    const kinds: [string, ((id: string) => string)[]][] = [
      ['job hash', [keys.job]],
      ['called + returned words', [keys.called, keys.returned]],
      ['event stream', [keys.events]],
    ];
    const sample = jobs.slice(0, MEMORY_SAMPLE);
    const kept = new Map<string, number>();
    for (const [label, keyOf] of kinds) {
      const pipe = api.redis.pipeline();
      for (const job of sample) for (const key of keyOf) pipe.memory('USAGE', key(job.id));
      const bytes = ((await pipe.exec()) ?? []).reduce((sum, [, n]) => sum + (Number(n) || 0), 0);
      kept.set(label, bytes / sample.length);
    }

    const waitsLight: number[] = [];
    const waitsHeavy: number[] = [];
    // How many renders started before each job's: its wait counted in renders, which the machine's
    // other load does not stretch as it stretches seconds.
    const order = [...tracker.firstStart.entries()].sort((a, b) => a[1] - b[1]);
    const rank = new Map(order.map(([id], i) => [id, i + 1]));
    const ranksLight = jobs.filter((j) => !heavyOwners.has(j.owner)).map((j) => rank.get(j.id) ?? 0);
    for (const job of jobs) {
      const at = tracker.firstStart.get(job.id);
      if (at === undefined) continue;
      (heavyOwners.has(job.owner) ? waitsHeavy : waitsLight).push(at - fleetStart);
    }
    return {
      jobs: jobs.length,
      submitPerSecond,
      dispatchPerSecond: tracker.firstStart.size / ((lastStart - fleetStart) / 1000),
      idleCommandsPerSecond,
      sweeps,
      submit: usageBetween(s0, s1),
      run: usageBetween(s1, s2),
      memoryPerQueuedJob: (s1.usedMemory - s0.usedMemory) / jobs.length,
      memoryPerFinishedJob: (s2.usedMemory - s0.usedMemory) / jobs.length,
      keptPerJob: kept,
      waitsLight,
      waitsHeavy,
      ranksLight,
      lost,
      twice,
      notDone,
      loads: tracker.loads,
      stepAsides: tracker.stepAsides,
      meanRenderMs: tracker.renderMs.reduce((s, v) => s + v, 0) / Math.max(1, tracker.renderMs.length),
    };
  } finally {
    clearInterval(sweep);
    await sweeping;
    await stopApiWatch();
    await Promise.all(renderers.map((r) => r.close()));
    await api.close();
  }
}

// ---- report ----

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const top = (u: Usage, jobs: number) =>
  u.top.map(([name, n]) => `${name} ${(n / jobs).toFixed(1)}`).join(', ');

function printPhase(name: string, r: PhaseResult): void {
  console.log(`${name}: ${r.jobs} jobs, ${RENDERERS} renderers`);
  console.log(
    `  submitted ${r.submitPerSecond.toFixed(0)} jobs/s (${SUBMIT_CONCURRENCY} at a time, admission on)`,
  );
  console.log(
    `  dispatched ${r.dispatchPerSecond.toFixed(0)} renders/s; mean render ${r.meanRenderMs.toFixed(1)} ms, model loads ${r.loads} (${((100 * r.loads) / r.jobs).toFixed(1)}% of renders), stepped aside for a renderer with the model loaded ${r.stepAsides} times`,
  );
  for (const [part, u] of [
    ['submit', r.submit],
    ['run', r.run],
  ] as const) {
    console.log(
      `  ${part} per job: ${(u.commands / r.jobs).toFixed(1)} Redis commands (${(u.scripts / r.jobs).toFixed(1)} Lua script runs, their calls counted too), ${(u.bytes / r.jobs / 1024).toFixed(2)} KiB in+out, ${((u.cpuSeconds / r.jobs) * 1e6).toFixed(0)} µs of Redis CPU`,
    );
    console.log(`    most: ${top(u, r.jobs)}`);
  }
  console.log(
    `  idle fleet (heartbeats, hand-on watches, blocked workers): ${r.idleCommandsPerSecond.toFixed(0)} Redis commands/s`,
  );
  if (r.sweeps.length > 0) {
    const list = r.sweeps.map((w) => `${w.activeJobs} unfinished jobs in ${seconds(w.ms)}`).join(', ');
    console.log(`  sweeps (every ${SWEEP_EVERY_MS / 1000} s, one at a time): ${list}`);
  }
  console.log(
    `  Redis memory per queued job ${(r.memoryPerQueuedJob / 1024).toFixed(2)} KiB; per finished job still kept ${(r.memoryPerFinishedJob / 1024).toFixed(2)} KiB`,
  );
  const kept = [...r.keptPerJob].map(([k, b]) => `${k} ${(b / 1024).toFixed(2)} KiB`).join(', ');
  console.log(`    a finished job's own keys: ${kept}`);
  console.log(
    `  wait from fleet start to render start, p50 / p99: light owners ${seconds(percentile(r.waitsLight, 50))} / ${seconds(percentile(r.waitsLight, 99))}` +
      (r.waitsHeavy.length > 0
        ? `, heavy owners ${seconds(percentile(r.waitsHeavy, 50))} / ${seconds(percentile(r.waitsHeavy, 99))}`
        : ''),
  );
  console.log(`  light owners' p99 start position: ${percentile(r.ranksLight, 99)} of ${r.jobs} renders`);
  console.log(`  lost ${r.lost}, run twice ${r.twice}, not done ${r.notDone}`);
}

const redis = await startRedis();
let failed = false;
try {
  const all = owners();
  const alone = await runPhase(
    redis.url,
    'alone',
    all.filter((o) => !o.heavy),
  );
  const mixed = await runPhase(redis.url, 'mixed', all);
  printPhase('alone (light owners only)', alone);
  printPhase('mixed (heavy owners submit 51x, first)', mixed);
  failed = [mixed, alone].some((r) => r.lost + r.twice + r.notDone > 0);
  if (failed) console.log('FAILED: a job was lost, run twice or did not end done');
  const ratio = percentile(mixed.waitsLight, 99) / percentile(alone.waitsLight, 99);
  const byPosition = percentile(mixed.ranksLight, 99) / percentile(alone.ranksLight, 99);
  console.log(
    `light owners' p99 start position / alone = ${byPosition.toFixed(2)} (the same, counted in renders)`,
  );
  await redis.stop();
  console.log(`light users' p99 wait / alone = ${ratio.toFixed(2)}`);
} catch (err) {
  console.error(`fleet bench failed: ${(err as Error).message}`);
  await redis.stop();
  process.exit(1);
}
if (failed) process.exit(1);
