// Progress events per job on a Redis stream (so a late watcher replays what it missed) plus one
// pub/sub channel that says "job X has news", so watchers need no blocking connection each. Status
// and final events are written by the orchestrator's Lua transitions in the same shape (see
// `streamArgs` and queue/orchestrator/lua/advance.lib.lua); this class writes the others.
import type { Redis } from 'ioredis';
import type { Keys } from '../orchestrator/keys.ts';
import { isFinalEvent, type JobEvent, type ProgressEvent, type StoredEvent } from './event-types.ts';

/** A job's stream keeps about its newest this many events (trimmed as it grows, in whole stream nodes). */
export const MAX_EVENTS = 1000;
/** A stream lives this long after its newest event unless told otherwise: the default result period. */
const DEFAULT_STREAM_TTL_MS = 7 * 24 * 3600 * 1000;

/** What a Lua transition needs to write a job's events as `publish` does: KEYS and ARGV parts. */
export function streamArgs(
  keys: Keys,
  jobId: string,
  ttlMs = DEFAULT_STREAM_TTL_MS,
): { keys: string[]; args: number[] } {
  return { keys: [keys.events(jobId), keys.eventsChannel], args: [MAX_EVENTS, Math.ceil(ttlMs / 1000)] };
}

export class JobEvents {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<() => void>>();
  /** How long a job's stream outlives its newest event, in seconds. */
  private readonly ttlS: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    ttlMs = DEFAULT_STREAM_TTL_MS,
  ) {
    this.ttlS = Math.ceil(ttlMs / 1000);
  }

  async publish(jobId: string, event: JobEvent): Promise<void> {
    const key = this.keys.events(jobId);
    await this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', MAX_EVENTS, '*', 'e', JSON.stringify(event), 'at', Date.now())
      .expire(key, this.ttlS)
      .publish(this.keys.eventsChannel, jobId)
      .exec();
  }

  /** Events after `afterId` ('0' = from the start). */
  async read(jobId: string, afterId = '0'): Promise<StoredEvent[]> {
    const start = afterId === '0' ? '-' : `(${afterId}`;
    const entries = await this.redis.xrange(this.keys.events(jobId), start, '+');
    return entries.map(([id, fields]) => {
      const map: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]] = fields[i + 1];
      return { id, at: Number(map.at), event: JSON.parse(map.e) as JobEvent };
    });
  }

  /**
   * The newest progress event of a job's render, or undefined when there is none or it is stale (a
   * status or final event came after it). Surfaces call this instead of reading the stream themselves.
   */
  async latestProgress(jobId: string): Promise<ProgressEvent | undefined> {
    for (const event of await this.newest(jobId, 50)) {
      if (event.type === 'progress') return event;
      // Only queue news may follow the render's progress; anything else means the render finished.
      if (event.type !== 'queue') return undefined;
    }
    return undefined;
  }

  /** The newest preview picture of a job's render, also after the job ended (an interrupted render). */
  async latestPreview(jobId: string): Promise<string | undefined> {
    for (const event of await this.newest(jobId, 200)) {
      if (event.type === 'progress' && event.preview) return event.preview;
    }
    return undefined;
  }

  /** Up to `count` events of a job, newest first. */
  private async newest(jobId: string, count: number): Promise<JobEvent[]> {
    const entries = await this.redis.xrevrange(this.keys.events(jobId), '+', '-', 'COUNT', count);
    const events: JobEvent[] = [];
    for (const [, fields] of entries) {
      const at = fields.indexOf('e');
      if (at < 0 || at % 2 !== 0) continue;
      events.push(JSON.parse(fields[at + 1]) as JobEvent);
    }
    return events;
  }

  private async ensureSubscriber(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      for (const wake of this.listeners.get(jobId) ?? []) wake();
    });
    await this.subscriber.subscribe(this.keys.eventsChannel);
  }

  /**
   * Every event of a job from `afterId` on, ending after its final event (or when `signal` aborts).
   * Replays stored events first, so nothing between subscribe and the first publish is lost.
   */
  async *watch(
    jobId: string,
    options: { afterId?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<StoredEvent> {
    await this.ensureSubscriber();
    let last = options.afterId ?? '0';
    let wake: (() => void) | undefined;
    let pending = true; // read at least once
    const notify = () => {
      pending = true;
      wake?.();
    };
    const set = this.listeners.get(jobId) ?? new Set();
    set.add(notify);
    this.listeners.set(jobId, set);
    const onAbort = () => wake?.();
    options.signal?.addEventListener('abort', onAbort);
    try {
      while (!options.signal?.aborted) {
        if (!pending) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            // A periodic re-read covers a notification lost while reconnecting.
            setTimeout(resolve, 5000).unref();
          });
          wake = undefined;
        }
        pending = false;
        for (const stored of await this.read(jobId, last)) {
          last = stored.id;
          yield stored;
          if (isFinalEvent(stored.event)) return;
        }
      }
    } finally {
      set.delete(notify);
      if (set.size === 0) this.listeners.delete(jobId);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = undefined;
  }
}
