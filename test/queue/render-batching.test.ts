// Batches across jobs through the real stack: Redis and BullMQ, the render component, the render
// thread and ONNX Runtime on the bench model. Jobs that can share a UNet call are rendered in one
// batch (one UNet call per step for all of them, as the renderer logs it), each picture equals the
// job rendered alone, a job cancelled mid-batch leaves it while the others finish, jobs that
// cannot share a call are never batched together, and a renderer killed mid-batch has each of its
// jobs handed on and rendered once elsewhere.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { type Config, parseConfig } from '../../core/config/config.ts';
import { createJob, type Job } from '../../core/job/job.ts';
import { BUILT_IN_VERSION, ensureBuiltInModels } from '../../models/built-in.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { rgbOf } from '../helpers/picture.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

let stack: Stack;
let solo: ModelCache;
let modelsDir: string;
let dataDir: string;
let prefix: string;
let config: Config;
/** Stacks a test opened besides the file's own. */
const opened: Stack[] = [];
const children: ChildProcess[] = [];
/** Every line the stack logs; each test reads the ones logged since it started. */
const lines: string[] = [];

beforeAll(async () => {
  // A folder of its own: the shared test models folder lists the shipped models only.
  modelsDir = path.join(tmpdir(), `imagine-batching-models-v${BUILT_IN_VERSION}`);
  await ensureBuiltInModels(modelsDir, undefined, ['bench']);
  dataDir = mkdtempSync(path.join(tmpdir(), 'batching-'));
  prefix = uniquePrefix('batching');
  config = parseConfig({
    DATA_DIR: dataDir,
    MODELS_DIR: modelsDir,
    RENDER_BATCH: '4',
    // Long enough that jobs queued together always meet in the render thread.
    RENDER_BATCH_GATHER_MS: '8000',
  });
  stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: true,
    components: true,
    log: (line) => lines.push(line),
  });
  solo = new ModelCache(modelsDir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const other of opened) await other.close();
  await stack?.close();
  await solo?.close();
});

/** Another renderer of the same stack in a process of its own, with its log lines as they come. */
async function startRendererProcess(prefix: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/batch-renderer-process.ts'], {
    env: {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      PREFIX: prefix,
      DATA_DIR: dataDir,
      MODELS_DIR: modelsDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const output: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    output.push(...parts);
  });
  await waitFor(
    async () => (output.includes('ready') ? true : undefined),
    'the renderer process to start',
    60_000,
  );
  return { child, output };
}

let owner = 0;
function benchJob(prompt: string, seed: number, params: Record<string, unknown> = {}): Job {
  return createJob({
    kind: 'imagine',
    // One owner per job: the per-owner limits are not what this test is about.
    owner: `key:batching-${++owner}`,
    origin: { surface: 'http' },
    params: {
      model: 'bench',
      prompt,
      width: 256,
      height: 256,
      steps: 10,
      seed,
      sampler: 'euler_a',
      ...params,
    },
  });
}

async function finalState(job: Job, on = stack) {
  return waitFor(
    async () => {
      const s = await on.system.orchestrator.state(job.id);
      return s && ['done', 'failed', 'cancelled'].includes(s.status) ? s : undefined;
    },
    `job ${job.id} to end`,
    120_000,
  );
}

/** The job rendered alone, with the request the render component makes of it. */
async function soloPicture(job: Job) {
  const p = job.params;
  const request: RenderRequest = {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    width: p.width,
    height: p.height,
    steps: p.steps,
    guidance: p.guidance,
    sampler: p.sampler,
    seed: p.seed,
    count: p.count,
    strength: p.strength,
  };
  const result = await runPipeline(solo, 'bench', request);
  return rgbOf(result.images[0].png);
}

async function renderedPicture(job: Job, on = stack) {
  const state = await finalState(job, on);
  expect(state.status).toBe('done');
  const artifact = (state.outputs.render as { images: { artifact: string }[] }).images[0].artifact;
  const stored = await on.artifacts.get(artifact);
  return rgbOf(stored!.bytes);
}

function maxDifference(a: { data: Buffer }, b: { data: Buffer }): number {
  expect(a.data.length).toBe(b.data.length);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

/** The job ids named by each of the renderer's shared UNet calls, in order. */
function unetCalls(since: number): string[][] {
  return lines
    .slice(since)
    .map((l) => /^debug: batch UNet call \d+: (.*) \(\d+ rows\)$/.exec(l)?.[1])
    .filter((m) => m !== undefined)
    .map((m) => m.split(', '));
}

const batchStarts = (since: number) => lines.slice(since).filter((l) => l.startsWith('render batch of '));

describe('batches across jobs', () => {
  it('renders 4 compatible jobs queued together in one batch, each picture as it renders alone', async () => {
    const since = lines.length;
    const prompts = ['a red circle', 'a blue sky over the sea', 'green grass', 'a yellow cat'];
    const jobs = prompts.map((prompt, i) => benchJob(prompt, 100 + i));
    for (const job of jobs) await stack.system.orchestrator.submit(job);
    const pictures = await Promise.all(jobs.map((job) => renderedPicture(job)));

    expect(batchStarts(since)).toHaveLength(1);
    expect(batchStarts(since)[0]).toContain('render batch of 4 on bench');
    // One UNet call per step, for all four jobs.
    const calls = unetCalls(since);
    expect(calls).toHaveLength(10);
    for (const call of calls) expect([...call].sort()).toEqual(jobs.map((j) => j.id).sort());

    for (let i = 0; i < jobs.length; i++) {
      expect(maxDifference(pictures[i], await soloPicture(jobs[i]))).toBeLessThanOrEqual(1);
      // Different prompts and seeds: four different pictures.
      if (i > 0) expect(maxDifference(pictures[i], pictures[0])).toBeGreaterThan(1);
      // Each job has its own progress events, previews among them.
      const progress = (await stack.system.events.read(jobs[i].id))
        .map((e) => e.event)
        .filter((e) => e.type === 'progress');
      expect(progress.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(progress.filter((e) => e.preview).map((e) => e.step)).toEqual([5]);
    }
  }, 180_000);

  it('lets a job cancelled mid-batch leave it at the next step while the other three finish', async () => {
    const since = lines.length;
    const jobs = ['a red circle', 'a blue sky', 'green grass', 'a yellow cat'].map((prompt, i) =>
      benchJob(prompt, 200 + i, { steps: 24 }),
    );
    for (const job of jobs) await stack.system.orchestrator.submit(job);
    const [kept1, cancelled, kept2, kept3] = jobs;
    await waitFor(
      async () => (unetCalls(since).length >= 2 ? true : undefined),
      'the batch to take its second step',
      120_000,
    );
    await stack.system.orchestrator.cancel(cancelled.id, undefined);
    const pictures = await Promise.all([kept1, kept2, kept3].map((job) => renderedPicture(job)));
    expect((await finalState(cancelled)).status).toBe('cancelled');

    expect(batchStarts(since)).toHaveLength(1);
    const calls = unetCalls(since);
    expect(calls).toHaveLength(24);
    const withCancelled = calls.filter((c) => c.includes(cancelled.id)).length;
    expect(withCancelled).toBeGreaterThanOrEqual(2);
    expect(withCancelled).toBeLessThan(24);
    // In the first calls until it left, then never again; the other three in every call.
    for (const [i, call] of calls.entries()) {
      const expected = [kept1, kept2, kept3, ...(i < withCancelled ? [cancelled] : [])];
      expect([...call].sort()).toEqual(expected.map((j) => j.id).sort());
    }
    for (const [i, job] of [kept1, kept2, kept3].entries()) {
      expect(maxDifference(pictures[i], await soloPicture(job))).toBeLessThanOrEqual(1);
    }
  }, 180_000);

  it('does not batch jobs that cannot share a UNet call', async () => {
    const since = lines.length;
    const pair = [benchJob('a red circle', 300), benchJob('a blue sky', 301)];
    const otherSteps = benchJob('green grass', 302, { steps: 6 });
    const otherSize = benchJob('a yellow cat', 303, { width: 192 });
    const jobs = [pair[0], otherSteps, otherSize, pair[1]];
    for (const job of jobs) await stack.system.orchestrator.submit(job);
    const pictures = await Promise.all(jobs.map((job) => renderedPicture(job)));

    // The two that match share every UNet call; the other two render alone.
    expect(batchStarts(since)).toHaveLength(1);
    expect(batchStarts(since)[0]).toContain('render batch of 2 on bench');
    const calls = unetCalls(since);
    expect(calls).toHaveLength(10);
    for (const call of calls) expect([...call].sort()).toEqual(pair.map((j) => j.id).sort());
    for (const [i, job] of jobs.entries()) {
      expect(maxDifference(pictures[i], await soloPicture(job))).toBeLessThanOrEqual(1);
    }
  }, 180_000);

  it('hands every job of a batch whose renderer is killed to another renderer, which renders each once', async () => {
    // A stack of its own, whose only renderer is the doomed process at first.
    const killPrefix = uniquePrefix('batch-kill');
    const front = await startStack({
      config,
      redisUrl: TEST_REDIS_URL,
      prefix: killPrefix,
      renderer: false,
      components: true,
      log: () => undefined,
    });
    opened.push(front);
    const doomed = await startRendererProcess(killPrefix);
    const jobs = ['a red circle', 'a blue sky', 'green grass', 'a yellow cat'].map((prompt, i) =>
      benchJob(prompt, 400 + i, { steps: 30 }),
    );
    for (const job of jobs) await front.system.orchestrator.submit(job);
    await waitFor(
      async () => (doomed.output.some((l) => l.startsWith('debug: batch UNet call 2:')) ? true : undefined),
      'the batch to take its second step in the doomed renderer',
      120_000,
    );
    expect(doomed.output.filter((l) => l.startsWith('render batch of 4 on bench'))).toHaveLength(1);
    doomed.child.kill('SIGKILL');
    await new Promise((r) => doomed.child.once('exit', r));

    // A renderer that starts after the kill: the hand-on watch gives it all four.
    const since = lines.length;
    const rescuer = await startStack({
      config,
      redisUrl: TEST_REDIS_URL,
      prefix: killPrefix,
      renderer: true,
      components: false,
      log: (line) => lines.push(line),
    });
    opened.push(rescuer);
    const pictures = await Promise.all(jobs.map((job) => renderedPicture(job, front)));
    for (const job of jobs) {
      const state = await finalState(job, front);
      const renderer = (state.outputs.render as { renderer: string }).renderer;
      expect(renderer).not.toContain(`-${doomed.child.pid}-`);
      // Rendered once by the rescuer, finished once.
      expect(
        lines.slice(since).filter((l) => l === `job ${job.id} started: render on ${renderer}`),
      ).toHaveLength(1);
      const events = (await front.system.events.read(job.id)).map((e) => e.event.type);
      expect(events.filter((t) => t === 'done')).toHaveLength(1);
    }
    expect(batchStarts(since)).toHaveLength(1);
    expect(unetCalls(since)).toHaveLength(30);
    for (const [i, job] of jobs.entries()) {
      expect(maxDifference(pictures[i], await soloPicture(job))).toBeLessThanOrEqual(1);
    }
  }, 240_000);
});
