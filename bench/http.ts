// `npm run bench -- http`: POST /v1/jobs against the real server and Redis, on the HTTP and orchestrator
// path only (no renderer, no admission, no components: jobs are accepted and wait). With an API key,
// as in production. Measures
//  1. submit latency one request at a time (p50/p99), after a warm-up;
//  2. sustained submissions per second with BENCH_CONCURRENCY clients on keep-alive connections, and
//     the latency under that load.
// The last line holds the headline figures.
import { Worker } from 'node:worker_threads';
import { apiKeysFromConfig, sha256Hex } from '../bots/http/auth/api-keys.ts';
import { startHarness } from '../test/bots/http/http-harness.ts';
import { ms, percentile } from './stats.ts';

const SEQUENTIAL = Number(process.env.BENCH_N ?? 500);
const WARMUP = 50;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const KEY = 'ibk_bench-key-0123456789abcdef';
const BODY = JSON.stringify({
  prompt: 'a fox in the snow --ar 16:9 --steps 20',
  params: { sampler: 'euler' },
});

// The HTTP tests' server and stack (own key prefix and data directory, removed on close), with a key.
const server = await startHarness({
  name: 'bench',
  deps: { apiKeys: apiKeysFromConfig([{ name: 'bench', keyHash: sha256Hex(KEY) }]), log: () => undefined },
});
// The load generator runs in its own thread, so its work does not share the server's event loop.
// Plain JavaScript (no loader needed in the thread): one keep-alive agent, `clients` loops, each
// sending the next request when its previous answer is in; latencies come back in milliseconds.
const LOAD_GENERATOR = `
const http = require('node:http');
const { parentPort, workerData: w } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, maxSockets: w.clients });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(w.body), authorization: w.authorization };
function submit() {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(w.url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve(performance.now() - started) : reject(new Error('HTTP ' + res.statusCode))));
    });
    req.on('error', reject);
    req.end(w.body);
  });
}
async function run() {
  const latencies = [];
  for (let i = 0; i < w.count; i++) latencies.push(await submit());
  const until = performance.now() + w.durationMs;
  const loaded = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: w.clients }, async () => {
    while (performance.now() < until) loaded.push(await submit());
  }));
  parentPort.postMessage({ sequential: latencies.slice(w.warmup), loaded, seconds: (performance.now() - t0) / 1000 });
  agent.destroy();
}
run().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

interface LoadResult {
  sequential: number[];
  loaded: number[];
  seconds: number;
  error?: string;
}

function generateLoad(): Promise<LoadResult> {
  const worker = new Worker(LOAD_GENERATOR, {
    eval: true,
    workerData: {
      url: new URL('/v1/jobs', server.url).href,
      body: BODY,
      authorization: `Bearer ${KEY}`,
      count: WARMUP + SEQUENTIAL,
      warmup: WARMUP,
      clients: CONCURRENCY,
      durationMs: DURATION_MS,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: LoadResult) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
  }).finally(() => worker.terminate()) as Promise<LoadResult>;
}

try {
  const { sequential, loaded, seconds } = await generateLoad();
  const p50 = percentile(sequential, 50);
  const p99 = percentile(sequential, 99);
  console.log(
    `sequential submit (${SEQUENTIAL} requests after ${WARMUP} warm-up): p50 ${ms(p50)}, p99 ${ms(p99)}`,
  );
  const perSecond = loaded.length / seconds;
  const lp50 = percentile(loaded, 50);
  const lp99 = percentile(loaded, 99);
  console.log(
    `sustained (${CONCURRENCY} clients, ${DURATION_MS / 1000} s): ${loaded.length} submissions, ${perSecond.toFixed(0)}/s, latency p50 ${ms(lp50)}, p99 ${ms(lp99)}`,
  );
  console.log(
    `http: submit p50 ${ms(p50)} p99 ${ms(p99)} one at a time; ${perSecond.toFixed(0)} submissions/s sustained with ${CONCURRENCY} clients (p99 ${ms(lp99)})`,
  );
} finally {
  await server.close();
}
