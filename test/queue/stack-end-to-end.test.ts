// The whole system as a process runs it (startStack: queue system, artifact store, render thread on
// the built-in toy model, every component), driven by jobs as a chat surface submits them and
// answered through a registered chat replier.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { type Config, parseConfig } from '../../core/config/config.ts';
import { NOTIFY } from '../../core/flows/notify.ts';
import { createJob, type Job } from '../../core/job/job.ts';
import type { EncodedOutput } from '../../queue/components/encode-image.ts';
import type { RenderOutput } from '../../queue/components/render.ts';
import type { ChatReplier, Outcome } from '../../queue/components/services.ts';
import type { JobEvent } from '../../queue/events/event-types.ts';
import type { JobState } from '../../queue/orchestrator/job-state.ts';
import { bullJobId } from '../../queue/orchestrator/orchestrator.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { deleteKeys } from '../helpers/delete-keys.ts';
import { cornerShare, isBlue, isRed, rgbOf, share } from '../helpers/picture.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Reply {
  jobId: string;
  outcome: Outcome;
}

let stack: Stack;
let config: Config;
let dataDir: string;
const prefix = uniquePrefix('stack-e2e');
const replies: Reply[] = [];
const logs: string[] = [];

const telegramReplier: ChatReplier = async (job, outcome) => {
  replies.push({ jobId: job.id, outcome });
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'stack-e2e-'));
  config = parseConfig({
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
  });
  stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: true,
    components: true,
    services: {
      repliers: { telegram: telegramReplier },
      moderation: {
        rules: [{ term: 'gore', reason: 'violence' }],
        perScope: { '77': [{ term: 'cats', reason: 'house rule' }] },
      },
    },
    log: (line) => logs.push(line),
  });
  // Jobs are admitted only once a renderer has announced itself.
  await waitFor(async () => ((await stack.registry.live()).length > 0 ? true : undefined), 'the renderer');
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await deleteKeys(prefix);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let counter = 0;

/** A job as the Telegram surface makes it, from chat `chatId`. */
function telegramJob(
  chatId: number,
  kind: Job['kind'],
  params: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
): Job {
  counter++;
  return createJob(
    { kind, owner: `telegram:${chatId}`, origin: { surface: 'telegram', chatId }, params, inputs },
    { limits: config.limits, id: `e2e-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}` },
  );
}

/** The job's state once it has ended and its final event is out (the event follows the state). */
async function finalState(jobId: string): Promise<JobState> {
  return waitFor(
    async () => {
      const state = await stack.system.orchestrator.state(jobId);
      if (!state || !['done', 'failed', 'cancelled'].includes(state.status)) return undefined;
      const last = (await stack.system.events.read(jobId)).at(-1)?.event.type;
      return last === 'done' || last === 'failed' || last === 'cancelled' ? state : undefined;
    },
    `job ${jobId} to end`,
    45_000,
  );
}

async function eventsOf(jobId: string): Promise<JobEvent[]> {
  return (await stack.system.events.read(jobId)).map((e) => e.event);
}

/** Waits for the job's final event, then returns every event it published. */
async function allEvents(jobId: string): Promise<JobEvent[]> {
  return waitFor(async () => {
    const events = await eventsOf(jobId);
    return events.some((e) => e.type === 'done' || e.type === 'failed') ? events : undefined;
  }, `the final event of ${jobId}`);
}

/** Waits until the job's notify delivery ran to its end, so no other attempt can follow. */
async function notifyFinished(jobId: string): Promise<void> {
  await waitFor(async () => {
    const job = await stack.system.queues.io.getJob(bullJobId(jobId, NOTIFY));
    return (await job?.getState()) === 'completed' ? true : undefined;
  }, `the notify delivery of ${jobId}`);
}

const repliesTo = (jobId: string) => replies.filter((r) => r.jobId === jobId);

async function png(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('a stack with a renderer and every component', () => {
  it('draws an imagine job of two pictures, streams its progress and replies with them and a grid', async () => {
    const job = telegramJob(5, 'imagine', {
      prompt: 'a red circle on a blue sky',
      width: 128,
      height: 128,
      steps: 10,
      count: 2,
      seed: 1234,
    });
    // The renderer is busy (its queue held), so the job waits in line and is told its place.
    await stack.system.queues.gpu.pause();
    try {
      const submitted = await stack.system.orchestrator.submit(job);
      expect(submitted.existed).toBe(false);
      await waitFor(async () => {
        const events = await eventsOf(job.id);
        return events.some((e) => e.type === 'queue') ? true : undefined;
      }, 'a queue position event');
    } finally {
      await stack.system.queues.gpu.resume();
    }

    const state = await finalState(job.id);
    expect(state.status).toBe('done');
    expect(state.components.every((c) => c.state === 'succeeded')).toBe(true);
    const reply = await waitFor(async () => repliesTo(job.id)[0], 'the chat reply');
    expect(repliesTo(job.id)).toHaveLength(1);
    const outcome = reply.outcome;
    if (!outcome.ok) throw new Error(`expected pictures, got ${outcome.code}: ${outcome.message}`);
    expect(outcome.images.map((i) => i.seed)).toEqual([1234, 1235]);
    expect(outcome.images.every((i) => i.contentType === 'image/png')).toBe(true);
    expect(new Set(outcome.images.map((i) => i.artifact)).size).toBe(2);
    expect(outcome.grid).toBeDefined();

    // The pictures and the grid are in the store.
    for (const image of outcome.images) {
      const stored = await stack.artifacts.get(image.artifact);
      expect(stored?.contentType).toBe('image/png');
      expect(await sharp(stored!.bytes).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    }
    const grid = await stack.artifacts.get(outcome.grid!);
    expect(grid?.contentType).toBe('image/png');
    // The grid is the two pictures side by side, each showing the red circle.
    const gridRgb = await rgbOf(grid!.bytes);
    expect([gridRgb.width, gridRgb.height]).toEqual([256, 128]);
    expect(share(gridRgb, isRed, { x0: 0, y0: 0, x1: 128, y1: 128 })).toBeGreaterThan(0.02);
    expect(share(gridRgb, isRed, { x0: 128, y0: 0, x1: 256, y1: 128 })).toBeGreaterThan(0.02);
    const first = await rgbOf((await stack.artifacts.get(outcome.images[0].artifact))!.bytes);
    for (let y = 0; y < 128; y += 9) {
      for (let x = 0; x < 128; x += 9) {
        const i = (y * 128 + x) * 3;
        const g = (y * 256 + x) * 3;
        expect([...gridRgb.data.subarray(g, g + 3)]).toEqual([...first.data.subarray(i, i + 3)]);
      }
    }

    const events = await allEvents(job.id);
    const queued = events.filter((e) => e.type === 'queue');
    expect(queued[0]).toMatchObject({ type: 'queue', position: 1 });
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    for (const s of ['ingesting', 'rendering', 'encoding', 'delivering'] as const)
      expect(statuses).toContain(s);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    expect(progress.every((p) => p.total === 10)).toBe(true);
    expect([...new Set(progress.map((p) => p.step))].sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const previews = progress.flatMap((p) => (p.preview ? [p.preview] : []));
    expect(previews.length).toBeGreaterThan(0);
    for (const id of previews) expect((await stack.artifacts.stat(id))?.contentType).toBe('image/jpeg');
    // Every progress event comes while rendering, before the job ends with `done`.
    const rendering = events.findIndex((e) => e.type === 'status' && e.status === 'rendering');
    expect(events.findIndex((e) => e.type === 'progress')).toBeGreaterThan(rendering);
    const last = events.at(-1);
    expect(last?.type).toBe('done');
    if (last?.type === 'done')
      expect((last.outputs['encode-image'] as EncodedOutput).grid).toBe(outcome.grid);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
  });

  it('remixes an earlier artifact: fetch-media brings it in, then the render runs img2img on it', async () => {
    // A red circle on a blue sky, drawn by hand, stored as an artifact (as a chat upload would be).
    const input = await png(
      '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128">' +
        '<rect width="128" height="128" fill="rgb(40,90,220)"/><circle cx="64" cy="64" r="30" fill="rgb(220,30,30)"/></svg>',
    );
    const stored = await stack.artifacts.put(input, 'image/png', { ttlMs: 3600_000 });
    const job = telegramJob(
      5,
      'remix',
      { prompt: 'a yellow square on the grass', width: 128, height: 128, steps: 10, strength: 0.2, seed: 99 },
      { image: { type: 'artifact', id: stored.id } },
    );
    await stack.system.orchestrator.submit(job);
    const state = await finalState(job.id);
    expect(state.status).toBe('done');
    // fetch-media stored the same picture for the renderer (under an id of its own: ids are per put).
    const fetchedId = (state.outputs['fetch-media'] as { image: string }).image;
    expect((await stack.artifacts.get(fetchedId))?.bytes.equals(input)).toBe(true);
    const render = state.outputs.render as RenderOutput;
    expect(render.pipeline).toBe('img2img');
    expect(render.images).toHaveLength(1);
    // At a low strength the picture stays the input's: blue corners and the red circle, not the prompt's scene.
    const picture = await rgbOf((await stack.artifacts.get(render.images[0].artifact))!.bytes);
    expect(cornerShare(picture, isBlue)).toBeGreaterThan(0.9);
    expect(share(picture, isRed, { x0: 48, y0: 48, x1: 80, y1: 80 })).toBeGreaterThan(0.5);
    // fetch-media finished before the render started.
    const events = await allEvents(job.id);
    const fetched = events.findIndex((e) => e.type === 'status' && e.finished === 'fetch-media');
    expect(fetched).toBeGreaterThanOrEqual(0);
    expect(events.findIndex((e) => e.type === 'progress')).toBeGreaterThan(fetched);
    const reply = await waitFor(async () => repliesTo(job.id)[0], 'the chat reply');
    expect(reply.outcome).toMatchObject({
      ok: true,
      images: [{ artifact: render.images[0].artifact, seed: 99 }],
    });
  });

  it('fails an inpaint job with an empty mask with the reason the user reads, told once', async () => {
    const picture = await stack.artifacts.put(
      await png(
        '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><rect width="128" height="128" fill="rgb(40,90,220)"/></svg>',
      ),
      'image/png',
    );
    const black = await stack.artifacts.put(
      await sharp({ create: { width: 128, height: 128, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
      'image/png',
    );
    const job = telegramJob(
      5,
      'inpaint',
      { prompt: 'a red circle', width: 128, height: 128, steps: 4, seed: 3 },
      { image: { type: 'artifact', id: picture.id }, mask: { type: 'artifact', id: black.id } },
    );
    await stack.system.orchestrator.submit(job);
    const state = await finalState(job.id);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('invalid_input');
    expect(state.error?.message).toContain('mask is empty');
    const byName = Object.fromEntries(state.components.map((c) => [c.name, c.state]));
    expect(byName).toMatchObject({
      'fetch-media': 'succeeded',
      render: 'failed',
      'encode-image': 'pending',
      'reply-chat': 'pending',
    });

    await notifyFinished(job.id);
    // The chat was told once, by notify, with the same words.
    expect(repliesTo(job.id)).toEqual([
      { jobId: job.id, outcome: { ok: false, code: 'invalid_input', message: state.error!.message } },
    ]);
    const events = await allEvents(job.id);
    expect(events.at(-1)).toEqual({ type: 'failed', code: 'invalid_input', message: state.error!.message });
  });

  it('moderation refuses blocked words everywhere, and a chat house rule only in that chat', async () => {
    const gore = telegramJob(5, 'imagine', {
      prompt: 'a battle full of gore',
      width: 64,
      height: 64,
      steps: 2,
    });
    const catsIn77 = telegramJob(77, 'imagine', {
      prompt: 'two cats on a sofa',
      width: 64,
      height: 64,
      steps: 2,
    });
    const catsIn78 = telegramJob(78, 'imagine', {
      prompt: 'two cats on a sofa',
      width: 64,
      height: 64,
      steps: 2,
    });
    for (const job of [gore, catsIn77, catsIn78]) await stack.system.orchestrator.submit(job);

    const refused = await finalState(gore.id);
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('moderated:violence');
    expect(refused.error?.message).toMatch(/change the prompt/);
    expect(refused.error?.message).toContain('"gore"');
    expect(refused.components.find((c) => c.name === 'render')?.state).toBe('pending');

    const houseRule = await finalState(catsIn77.id);
    expect(houseRule.status).toBe('failed');
    expect(houseRule.error?.code).toBe('moderated:house rule');
    expect(houseRule.error?.message).toContain('"cats"');

    const elsewhere = await finalState(catsIn78.id);
    expect(elsewhere.status).toBe('done');
    expect(elsewhere.outputs.moderate).toEqual({ allowed: true });

    for (const [job, state] of [
      [gore, refused],
      [catsIn77, houseRule],
    ] as const) {
      await notifyFinished(job.id);
      expect(repliesTo(job.id).map((r) => r.outcome)).toEqual([
        { ok: false, code: state.error!.code, message: state.error!.message },
      ]);
    }
    const answered = await waitFor(async () => repliesTo(catsIn78.id)[0], 'the reply in chat 78');
    expect(answered.outcome.ok).toBe(true);
  });
});
