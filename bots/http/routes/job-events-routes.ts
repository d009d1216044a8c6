// GET /v1/jobs/:id/events: Server-Sent Events of a job, from the start or after Last-Event-ID, ending
// after the final event (done, failed or cancelled).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isFinalStatus } from '../../../core/flows/flow-types.ts';
import { isFinalEvent, type StoredEvent } from '../../../queue/events/event-types.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HttpEnv } from '../http-deps.ts';
import { eventView, ownedJob } from '../jobs/views/job-view.ts';
import { linkBase } from '../links.ts';

const STREAM_ID = /^(0|\d{1,20}-\d{1,20})$/;
const KEEP_ALIVE_MS = 15_000;

function readAfterId(header: string | undefined, query: string | undefined): string {
  const given = header ?? query;
  if (given === undefined || given === '') return '0';
  if (!STREAM_ID.test(given)) {
    throw new ApiError(400, 'invalid_input', 'Last-Event-ID must be an event id this stream sent', {
      problems: [
        {
          field: 'Last-Event-ID',
          value: given.slice(0, 64),
          problem: 'must be an event id such as 1700000000000-0',
        },
      ],
    });
  }
  return given;
}

export function jobEventsRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/:id/events', async (c) => {
    const state = await ownedJob(s, c.get('caller'), c.req.param('id'));
    const afterId = readAfterId(c.req.header('last-event-id'), c.req.query('lastEventId'));
    const base = linkBase(c, s.config.http.publicUrl);
    return streamSSE(c, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      const ping = setInterval(() => void stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      const send = (e: StoredEvent) =>
        stream.writeSSE({
          id: e.id,
          event: e.event.type,
          data: JSON.stringify(eventView(e.event, e.at, base)),
        });
      try {
        if (isFinalStatus(state.status)) {
          // Nothing more will come: replay what is stored, and say how it ended if the stream has expired.
          const stored = await s.events.read(state.id, afterId);
          for (const e of stored) await send(e);
          if (!stored.some((e) => isFinalEvent(e.event)) && afterId === '0') {
            const data = {
              type: state.status,
              ...(state.error ?? {}),
              at: new Date(state.updatedAt).toISOString(),
            };
            await stream.writeSSE({ event: state.status, data: JSON.stringify(data) });
          }
          return;
        }
        for await (const e of s.events.watch(state.id, { afterId, signal: stop.signal })) await send(e);
      } catch (err) {
        s.log(`events of job ${state.id}: ${(err as Error).message}`);
        await stream.writeSSE({
          event: 'error',
          data: JSON.stringify({
            code: 'internal',
            message: 'the event stream broke: reconnect with Last-Event-ID',
          }),
        });
      } finally {
        clearInterval(ping);
      }
    });
  });
  return app;
}
