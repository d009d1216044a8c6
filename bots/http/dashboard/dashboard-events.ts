// GET /dashboard/api/events: one Server-Sent Events stream of every job's events (each with its jobId),
// so the dashboard follows all jobs in flight over a single connection (browsers allow only a few per
// server). It listens on the orchestrator's "job X has news" channel and reads each job's new entries.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isFinalEvent, type JobEvent, type StoredEvent } from '../../../queue/events/event-types.ts';
import type { ApiServices } from '../api-services.ts';
import { eventView } from '../jobs/views/job-view.ts';
import { linkBase } from '../links.ts';

const KEEP_ALIVE_MS = 15_000;

async function newestEvent(s: ApiServices, jobId: string): Promise<StoredEvent[]> {
  const [entry] = await s.redis.xrevrange(s.orchestrator.keys.events(jobId), '+', '-', 'COUNT', 1);
  if (!entry) return [];
  const [id, fields] = entry;
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]] = fields[i + 1];
  return [{ id, at: Number(map.at), event: JSON.parse(map.e) as JobEvent }];
}

export function dashboardEvents(s: ApiServices, c: Context) {
  const base = linkBase(c, s.config.http.publicUrl);
  return streamSSE(c, async (stream) => {
    const subscriber = s.redis.duplicate();
    const last = new Map<string, string>();
    const chains = new Map<string, Promise<void>>();
    // Jobs that ended while watched: later news of them (none is expected) is not read again.
    const ended = new Set<string>();
    const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
    const ping = setInterval(() => void stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    // A job first heard of starts at its newest event: the page has its state from the overview.
    const readNews = async (jobId: string) => {
      if (ended.has(jobId)) return;
      const after = last.get(jobId);
      const stored = after ? await s.events.read(jobId, after) : await newestEvent(s, jobId);
      for (const e of stored) {
        last.set(jobId, e.id);
        await stream.writeSSE({
          id: e.id,
          event: e.event.type,
          data: JSON.stringify({ jobId, ...eventView(e.event, e.at, base) }),
        });
        if (isFinalEvent(e.event)) {
          ended.add(jobId);
          last.delete(jobId);
          return;
        }
      }
    };
    subscriber.on('message', (_channel: string, jobId: string) => {
      const next = (chains.get(jobId) ?? Promise.resolve())
        .then(() => readNews(jobId))
        .catch(() => undefined);
      chains.set(jobId, next);
      void next.then(() => {
        if (chains.get(jobId) === next) chains.delete(jobId);
      });
    });
    try {
      await subscriber.subscribe(s.orchestrator.keys.eventsChannel);
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ at: new Date().toISOString() }) });
      await closed;
    } finally {
      clearInterval(ping);
      await subscriber.quit().catch(() => undefined);
    }
  });
}
