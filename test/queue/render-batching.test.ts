// Batches across jobs through the real stack: Redis and BullMQ, the render component, the render
// thread and ONNX Runtime on the bench model. Jobs that can share a UNet call are rendered in one
// batch (one UNet call per step for all of them, as the renderer logs it), each picture equals the
// job rendered alone, a job cancelled mid-batch leaves it while the others finish, and jobs that
// cannot share a call are never batched together.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { parseConfig } from '../../core/config/config.ts';
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
/** Every line the stack logs; each test reads the ones logged since it started. */
const lines: string[] = [];

beforeAll(async () => {
  // A folder of its own: the shared test models folder lists the shipped models only.
  const modelsDir = path.join(tmpdir(), `imagine-batching-models-v${BUILT_IN_VERSION}`);
  await ensureBuiltInModels(modelsDir, undefined, ['bench']);
  const config = parseConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'batching-')),
    MODELS_DIR: modelsDir,
    RENDER_BATCH: '4',
    // Long enough that jobs queued together always meet in the render thread.
    RENDER_BATCH_GATHER_MS: '3000',
  });
  stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix: uniquePrefix('batching'),
    renderer: true,
    components: true,
    log: (line) => lines.push(line),
  });
  solo = new ModelCache(modelsDir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await solo?.close();
});

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

async function finalState(job: Job) {
  return waitFor(
    async () => {
      const s = await stack.system.orchestrator.state(job.id);
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

async function renderedPicture(job: Job) {
  const state = await finalState(job);
  expect(state.status).toBe('done');
  const artifact = (state.outputs.render as { images: { artifact: string }[] }).images[0].artifact;
  const stored = await stack.artifacts.get(artifact);
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
    const pictures = await Promise.all(jobs.map(renderedPicture));

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
    const pictures = await Promise.all([kept1, kept2, kept3].map(renderedPicture));
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
    const pictures = await Promise.all(jobs.map(renderedPicture));

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
});
