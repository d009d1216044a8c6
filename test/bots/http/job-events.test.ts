import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { readSse } from './sse.ts';

// The real components run (validate, moderate); no renderer, so a render waits in the GPU queue
// until the test cancels it.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ name: 'events', stack: { components: true } });
});
afterAll(async () => {
  await h?.close();
});

describe('GET /v1/jobs/:id/events', () => {
  it('streams the job events to the final one and ends; resumes after Last-Event-ID', async () => {
    const { id } = await bodyOf(
      h.json('/v1/jobs', { prompt: 'a fox --seed 1', params: { width: 64, height: 64 } }),
    );
    const res = await h.fetch(`/v1/jobs/${id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    let cancelled = false;
    const events = await readSse(res, (e) => {
      // Cancel once the job waits for a renderer, so the stream has a final event to end on.
      if (e.data.type === 'queue' && !cancelled) {
        cancelled = true;
        void h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
      }
    });
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('status');
    expect(types).toContain('queue');
    expect(types.at(-1)).toBe('cancelled');
    expect(events.find((e) => e.event === 'status' && e.data.status === 'rendering')).toBeDefined();
    expect(events.find((e) => e.event === 'queue')?.data).toMatchObject({ type: 'queue', position: 1 });
    expect(events.at(-1)?.data).toMatchObject({
      type: 'cancelled',
      message: 'cancelled by its owner',
      at: expect.any(String),
    });
    for (const e of events) expect(e.id).toMatch(/^\d+-\d+$/);

    // Resuming after the third event replays exactly the rest.
    const after = events[2].id as string;
    const resumed = await readSse(
      await h.fetch(`/v1/jobs/${id}/events`, { headers: { 'last-event-id': after } }),
    );
    expect(resumed.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));
    // The query parameter does the same for clients that cannot set headers.
    const viaQuery = await readSse(await h.fetch(`/v1/jobs/${id}/events?lastEventId=${after}`));
    expect(viaQuery.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));
  });

  it('a watcher that joins mid-way gets the stored events first, then live ones', async () => {
    const { id } = await bodyOf(h.json('/v1/jobs', { prompt: 'a boat', params: { width: 64, height: 64 } }));
    await waitFor(
      async () => ((await h.stack.system.orchestrator.state(id))?.status === 'rendering' ? true : undefined),
      'render to wait',
    );
    const reading = h.fetch(`/v1/jobs/${id}/events`).then((res) => readSse(res));
    await new Promise((r) => setTimeout(r, 100));
    await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
    const events = await reading;
    expect(events[0].event).toBe('status');
    expect(events.at(-1)?.event).toBe('cancelled');
  });

  it('400 for a malformed Last-Event-ID, 404 for an unknown job', async () => {
    const { id } = await bodyOf(h.json('/v1/jobs', { prompt: 'a cat' }));
    const bad = await h.fetch(`/v1/jobs/${id}/events`, { headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.problems[0].field).toBe('Last-Event-ID');
    expect((await h.fetch('/v1/jobs/nope/events')).status).toBe(404);
    await h.fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
  });
});
