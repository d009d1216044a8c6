// What the API says about a job must be what happens to it: the queue place at submit, components
// that did not apply, and one log line per transition.
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltInModels } from '../../../models/built-in.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

const MODELS_DIR = path.join(os.tmpdir(), 'imagine-bot-test-models');
const small = { width: 64, height: 64 };

describe('queue place at submit', () => {
  let h: Harness;
  beforeAll(async () => {
    // Components run, no renderer: renders wait in the GPU queue.
    h = await startHarness({ name: 'truths-queue', stack: { components: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const jobOf = async (id: string) => bodyOf(h.fetch(`/v1/jobs/${id}`));
  const renderQueued = (id: string) =>
    waitFor(async () => {
      const job = await jobOf(id);
      // Called, and added to the GPU queue (the second step of a dispatch follows a moment later).
      const called = job.components.find((c: { name: string }) => c.name === 'render')?.state === 'called';
      return called && job.queue ? job : undefined;
    }, `the render of ${id} queued`);

  it('the 202 tells the place a GET shows once the render is queued', async () => {
    const first = await bodyOf(h.json('/v1/jobs', { prompt: 'a red circle --steps 2', params: small }));
    expect(first.queue.position).toBe(1);
    expect((await renderQueued(first.id)).queue.position).toBe(1);

    const res = await h.json('/v1/jobs', { prompt: 'a blue square --steps 2', params: small });
    expect(res.status).toBe(202);
    const second = await bodyOf(res);
    expect(second.queue.position).toBe(2);
    expect((await renderQueued(second.id)).queue.position).toBe(2);
  });
});

describe('a rendered job as the API and the log tell it', () => {
  let h: Harness;
  beforeAll(async () => {
    await ensureBuiltInModels(MODELS_DIR, () => undefined);
    h = await startHarness({
      name: 'truths-render',
      env: { MODELS_DIR },
      stack: { renderer: true, components: true, admit: true },
    });
    await waitFor(
      async () => ((await h.stack.registry.live()).length > 0 ? true : undefined),
      'the renderer heartbeat',
    );
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  const finished = (id: string) =>
    waitFor(async () => {
      const job = await bodyOf(h.fetch(`/v1/jobs/${id}`));
      return ['done', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to end`);
  const linesOf = (id: string) => h.logs.filter((line) => line.includes(`job ${id} `));

  it('components that did not apply show skipped, the rest succeeded', async () => {
    const { id } = await bodyOf(
      h.json('/v1/jobs', { prompt: 'a red circle --steps 2 --seed 4', params: small }),
    );
    const job = await finished(id);
    expect(job.status).toBe('done');
    expect(
      Object.fromEntries(job.components.map((c: { name: string; state: string }) => [c.name, c.state])),
    ).toEqual({
      validate: 'succeeded',
      moderate: 'succeeded',
      render: 'succeeded',
      'encode-image': 'succeeded',
      // An HTTP job has no chat to reply in, and this one asked for no callback.
      'reply-chat': 'skipped',
      callback: 'skipped',
      archive: 'succeeded',
    });
  });

  it('logs one line per transition: accepted, started, done with the duration', async () => {
    const { id } = await bodyOf(
      h.json('/v1/jobs', { prompt: 'a blue square --steps 2 --seed 5', params: small }),
    );
    expect((await finished(id)).status).toBe('done');
    const lines = await waitFor(async () => {
      const l = linesOf(id);
      return l.some((line) => / done /.test(line)) ? l : undefined;
    }, 'the done line');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^job ${id} accepted: imagine for \\S+$`));
    expect(lines[1]).toMatch(new RegExp(`^job ${id} started: render on \\S+$`));
    expect(lines[2]).toMatch(new RegExp(`^job ${id} done in \\d+\\.\\d s$`));
  });

  it('logs a failed job with its duration and reason', async () => {
    const picture = dataUri(await pngOf(64, 64));
    const emptyMask = dataUri(await pngOf(64, 64, { r: 0, g: 0, b: 0 }));
    const res = await h.json('/v1/jobs', {
      prompt: 'a red circle --steps 2',
      params: small,
      image: picture,
      mask: emptyMask,
    });
    expect(res.status).toBe(202);
    const { id } = await bodyOf(res);
    const job = await finished(id);
    expect(job.status).toBe('failed');
    const lines = await waitFor(async () => {
      const l = linesOf(id);
      return l.some((line) => / failed /.test(line)) ? l : undefined;
    }, 'the failed line');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^job ${id} accepted: inpaint for \\S+$`));
    expect(lines[1]).toMatch(new RegExp(`^job ${id} started: render on \\S+$`));
    expect(lines[2]).toMatch(new RegExp(`^job ${id} failed in \\d+\\.\\d s: invalid_input: .*mask is empty`));
  });
});
