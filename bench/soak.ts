// `npm run bench -- soak`: BENCH_N jobs (default 1,000) through the whole stack as it is deployed: an
// `api` process (HTTP API, io and cpu components: encode, archive, sweeps) and a `renderer` process
// (GPU queue, render thread), each started as `bin/main.ts ROLE`, on a Redis of the bench's own (so
// INFO memory is this stack's alone), rendering the toy model at 64x64 in 4 steps. A client submits over
// HTTP, BENCH_CONCURRENCY jobs in flight, polls each job's status and downloads its picture.
// Prints both processes' resident memory (from /proc) after 100 jobs and after all of them, Redis memory
// and its keys by pattern (how many have no expiry) before, after 100, after all, and once the result
// period (RESULT_TTL_S = BENCH_TTL_S, default 20 s) has passed, and the artifact store's size before
// and after a sweep. The last line is the larger of the two processes' RSS ratios.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { FileArtifactStore } from '../queue/artifacts/file-artifact-store.ts';
import { freePort } from '../queue/redis/free-port.ts';
import { probeRedis } from '../queue/redis/probe.ts';
import { testModels } from '../test/helpers/built-in-models.ts';

const N = Number(process.env.BENCH_N ?? 1000);
const EARLY = Math.min(100, N);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const TTL_S = Number(process.env.BENCH_TTL_S ?? 20);
const POLL_MS = 50;
const START_TIMEOUT_MS = 120_000;
const JOB_TIMEOUT_MS = 120_000;
const BODY = { prompt: 'a red circle on the left and a yellow square on the right, grass' };
const PARAMS = { model: 'toy', width: 64, height: 64, steps: 4, sampler: 'euler' };

interface Role {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  tail: string[];
  /** Resolves at the role's next "collected" line. */
  collected(): Promise<void>;
}

/**
 * Loaded into each role with --expose-gc: on SIGUSR2 a full collection of the main thread's heap, then a
 * line on stderr. V8 collects lazily (a role's heap grows by some 100 MB of garbage between major
 * collections here), so RSS read at a random moment says more about when V8 last collected than about
 * what a role keeps; after a collection it is what the role holds on to.
 */
const GC_HOOK = `data:text/javascript,${encodeURIComponent(
  "process.on('SIGUSR2', () => { globalThis.gc(); process.stderr.write('soak: collected\\n'); });",
)}`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process, from /proc (Linux): the figure the OS charges it. */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

function startRedis(port: number, dir: string): { child: ChildProcess; exited: Promise<number | null> } {
  // No persistence: this Redis lives for the run only, and its memory is what is measured.
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  return { child, exited: new Promise((r) => child.once('exit', r)) };
}

function startRole(name: string, env: NodeJS.ProcessEnv): Role {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', GC_HOOK, '--import', 'tsx', 'bin/main.ts', name],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail: string[] = [];
  const waiting: (() => void)[] = [];
  const keep = (d: Buffer) => {
    const lines = d.toString().split('\n').filter(Boolean);
    for (const line of lines) {
      if (line === 'soak: collected') for (const wake of waiting.splice(0)) wake();
      else tail.push(line);
    }
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    name,
    child,
    tail,
    exited: new Promise((r) => child.once('exit', (code) => r(code))),
    collected: () => new Promise((r) => waiting.push(r)),
  };
}

/** The role's RSS as it is, and right after a full collection of its main thread's heap. */
async function memoryOf(role: Role): Promise<{ rss: number; collected: number }> {
  const pid = role.child.pid as number;
  const rss = await rssOf(pid);
  const collected = role.collected();
  role.child.kill('SIGUSR2');
  await collected;
  // Freed pages go back to the OS just after the collection.
  await sleep(300);
  return { rss, collected: await rssOf(pid) };
}

async function stopRole(role: Role): Promise<void> {
  if (role.child.exitCode !== null || role.child.signalCode !== null) return;
  role.child.kill('SIGTERM');
  const code = await Promise.race([role.exited, sleep(15_000).then(() => 'late' as const)]);
  if (code === 'late') {
    role.child.kill('SIGKILL');
    await role.exited;
  }
}

/** A key's pattern: the parts that name one job (ids, BullMQ job numbers) become `*`. */
function patternOf(key: string): string {
  return key
    .split(':')
    .map((part) => (/\d/.test(part) && part.length >= 8 ? '*' : /^\d+$/.test(part) ? '*' : part))
    .join(':')
    .replace(/\*\.[a-z-]+$/, '*.<component>');
}

interface RedisSnapshot {
  usedMemory: number;
  keys: number;
  byPattern: Map<string, { count: number; persistent: number }>;
}

async function snapshot(redis: Redis): Promise<RedisSnapshot> {
  const info = await redis.info('memory');
  const usedMemory = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
  const byPattern = new Map<string, { count: number; persistent: number }>();
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    batch.forEach((key, i) => {
      const ttl = ttls[i]?.[1] as number;
      if (ttl === -2) return; // expired meanwhile
      keys++;
      const entry = byPattern.get(patternOf(key)) ?? { count: 0, persistent: 0 };
      entry.count++;
      if (ttl === -1) entry.persistent++;
      byPattern.set(patternOf(key), entry);
    });
  } while (cursor !== '0');
  return { usedMemory, keys, byPattern };
}

function printSnapshots(snaps: [string, RedisSnapshot][]): void {
  console.log(`redis used_memory: ${snaps.map(([label, s]) => `${label} ${mb(s.usedMemory)}`).join(', ')}`);
  console.log(`redis keys:        ${snaps.map(([label, s]) => `${label} ${s.keys}`).join(', ')}`);
  const patterns = [...new Set(snaps.flatMap(([, s]) => [...s.byPattern.keys()]))].sort();
  console.log(
    `keys by pattern (count, of which without expiry) at: ${snaps.map(([label]) => label).join(' | ')}`,
  );
  for (const p of patterns) {
    const cells = snaps.map(([, s]) => {
      const e = s.byPattern.get(p);
      return e ? `${e.count} (${e.persistent})` : '0';
    });
    console.log(`  ${p.padEnd(44)} ${cells.join(' | ')}`);
  }
}

/** Bytes and files under a folder. */
async function folderSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const s = await stat(path.join(entry.parentPath, entry.name)).catch(() => undefined);
    if (!s) continue;
    // A hard-linked blob counts once: its size is charged to the link that is the index entry.
    bytes += s.nlink > 1 && !entry.parentPath.includes(`${path.sep}blobs`) ? 0 : s.size;
    files++;
  }
  return { bytes, files };
}

/** The bytes of a finished job's own keys (state, slot words, events), as MEMORY USAGE counts them. */
async function jobFootprint(
  redis: Redis,
  prefix: string,
  jobId: string,
): Promise<{ total: number; parts: string }> {
  const keys = { state: `job:${jobId}`, called: `job:${jobId}:called`, returned: `job:${jobId}:returned` };
  const named: Record<string, string> = { ...keys, events: `events:${jobId}` };
  let total = 0;
  const parts: string[] = [];
  for (const [name, key] of Object.entries(named)) {
    const bytes = Number(await redis.memory('USAGE', `${prefix}:${key}`, 'SAMPLES', 0)) || 0;
    total += bytes;
    parts.push(`${name} ${kb(bytes)}`);
  }
  const events = await redis.xlen(`${prefix}:events:${jobId}`);
  return { total, parts: `${parts.join(', ')}; ${events} events` };
}

async function submit(base: string): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...BODY, params: PARAMS }),
    });
    const answer = (await res.json()) as { id?: string; error?: { message?: string } };
    if (res.status === 202 && answer.id) return answer.id;
    // Until the renderer's first heartbeat, a job is refused: no live renderer has the model yet.
    if (Date.now() > deadline) throw new Error(`submit: HTTP ${res.status}: ${JSON.stringify(answer)}`);
    await sleep(500);
  }
}

/** Waits for the job to end, then downloads its picture and checks it is a 64x64 PNG. */
async function finish(base: string, id: string): Promise<number> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${base}/v1/jobs/${id}`);
    const view = (await res.json()) as {
      status?: string;
      result?: { images?: { url: string }[] };
      error?: unknown;
    };
    if (view.status === 'done') {
      const url = view.result?.images?.[0]?.url;
      if (!url) throw new Error(`job ${id} is done without a picture: ${JSON.stringify(view)}`);
      const png = Buffer.from(await (await fetch(url)).arrayBuffer());
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      if (png.toString('latin1', 1, 4) !== 'PNG' || width !== 64 || height !== 64) {
        throw new Error(`job ${id}: the picture is not a 64x64 PNG (${width}x${height})`);
      }
      return png.byteLength;
    }
    if (view.status === 'failed' || view.status === 'cancelled' || res.status === 404) {
      throw new Error(`job ${id} ended ${view.status ?? res.status}: ${JSON.stringify(view.error ?? view)}`);
    }
    if (Date.now() > deadline) throw new Error(`job ${id} still ${view.status} after ${JOB_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-soak-'));
const redisPort = await freePort();
const httpPort = await freePort();
const redisServer = startRedis(redisPort, dataDir);
const redis = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 3 });
const roles: Role[] = [];
try {
  for (let i = 0; (await probeRedis('127.0.0.1', redisPort)) === undefined; i++) {
    if (i > 100) throw new Error(`redis-server did not start on port ${redisPort}`);
    await sleep(100);
  }
  await redis.connect();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    HOST: '127.0.0.1',
    PORT: String(httpPort),
    LOG_LEVEL: 'warn',
    OWNER_MAX_ACTIVE: '0',
    OWNER_PER_MINUTE: '0',
    RESULT_TTL_S: String(TTL_S),
  };
  delete env.API_KEYS;
  delete env.CONFIG_FILE;
  delete env.METRICS_PORT;
  const before = await snapshot(redis);
  roles.push(startRole('renderer', env), startRole('api', env));
  const [renderer, api] = roles;
  const base = `http://127.0.0.1:${httpPort}`;
  for (const started = Date.now(); ; ) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (api.child.exitCode !== null) throw new Error(`api exited: ${api.tail.join('\n')}`);
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error('the api did not start');
    await sleep(200);
  }
  const started = performance.now();
  let next = 0;
  let done = 0;
  let pngBytes = 0;
  let lastJob = '';
  type Memory = { rss: number; collected: number };
  const memory: Record<string, { early?: Memory; end?: Memory }> = { renderer: {}, api: {} };
  let early: RedisSnapshot | undefined;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        next++;
        const id = await submit(base);
        pngBytes += await finish(base, id);
        lastJob = id;
        done++;
        if (done === EARLY) {
          memory.renderer.early = await memoryOf(renderer);
          memory.api.early = await memoryOf(api);
          early = await snapshot(redis);
        }
        if (done % 100 === 0) {
          const [r, a] = await Promise.all([
            rssOf(renderer.child.pid as number),
            rssOf(api.child.pid as number),
          ]);
          console.log(
            `${done} jobs done: renderer rss ${mb(r)}, api rss ${mb(a)} (as they are, between collections)`,
          );
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  memory.renderer.end = await memoryOf(renderer);
  memory.api.end = await memoryOf(api);
  const end = await snapshot(redis);
  const footprint = await jobFootprint(redis, 'img', lastJob);
  console.log(
    `${N} jobs (64x64, 4 steps, toy model) in ${seconds.toFixed(1)} s: ${(N / seconds).toFixed(1)} jobs/s, ${CONCURRENCY} in flight; pictures ${kb(pngBytes / N)} each`,
  );
  // Stopped now, so no sweep of theirs runs before the bench's own below.
  for (const role of roles) await stopRole(role);
  const store = new FileArtifactStore({ root: path.join(dataDir, 'artifacts') });
  const storeAtEnd = await folderSize(store.root);

  // Past the result period every finished job's keys and artifacts have expired; Redis drops expired
  // keys in the background, and a sweep removes the artifacts' files.
  await sleep((TTL_S + 5) * 1000);
  const expired = await snapshot(redis);
  const storeBeforeSweep = await folderSize(store.root);
  const swept = await store.sweep();
  const storeAfterSweep = await folderSize(store.root);

  const ratios: Record<string, number> = {};
  for (const role of roles) {
    const m = memory[role.name] as { early: Memory; end: Memory };
    ratios[role.name] = m.end.collected / m.early.collected;
    console.log(
      `${role.name} rss after a full collection: after ${EARLY} jobs ${mb(m.early.collected)}, after ${N} ${mb(m.end.collected)} (${ratios[role.name].toFixed(3)}); as they were: ${mb(m.early.rss)}, ${mb(m.end.rss)} (${(m.end.rss / m.early.rss).toFixed(3)})`,
    );
  }
  printSnapshots([
    ['before', before],
    [`after ${EARLY}`, early as RedisSnapshot],
    [`after ${N}`, end],
    [`${TTL_S + 5} s later`, expired],
  ]);
  console.log(
    `a finished job's own keys: ${kb(footprint.total)} in Redis (${footprint.parts}), kept for RESULT_TTL_S (here ${TTL_S} s)`,
  );
  console.log(
    `artifact store: after the jobs ${mb(storeAtEnd.bytes)} in ${storeAtEnd.files} files; once expired, before a sweep ${mb(storeBeforeSweep.bytes)} in ${storeBeforeSweep.files} files; after the sweep (${swept} artifacts removed) ${mb(storeAfterSweep.bytes)} in ${storeAfterSweep.files} files`,
  );
  const worst = Object.entries(ratios).sort((a, b) => b[1] - a[1])[0];
  console.log(`(the larger of the two roles' ratios after a full collection: the ${worst[0]}'s)`);
  console.log(`rss after ${N} / after ${EARLY} = ${worst[1].toFixed(3)}`);
} catch (err) {
  process.exitCode = 1;
  console.error(`soak: ${(err as Error).message}`);
  for (const role of roles) console.error(`--- ${role.name} (last lines)\n${role.tail.join('\n')}`);
} finally {
  for (const role of roles) await stopRole(role);
  redis.disconnect();
  redisServer.child.kill('SIGTERM');
  await redisServer.exited;
  await rm(dataDir, { recursive: true, force: true });
}
