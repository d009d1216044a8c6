// The newest progress event of a job, read from the end of its event stream.
import type { Redis } from 'ioredis';
import type { JobEvent } from '../../../../queue/events/event-types.ts';
import type { Keys } from '../../../../queue/orchestrator/keys.ts';

export type ProgressEvent = Extract<JobEvent, { type: 'progress' }>;

export async function latestProgress(
  redis: Redis,
  keys: Keys,
  jobId: string,
): Promise<ProgressEvent | undefined> {
  const entries = await redis.xrevrange(keys.events(jobId), '+', '-', 'COUNT', 50);
  for (const [, fields] of entries) {
    const at = fields.indexOf('e');
    if (at < 0 || at % 2 !== 0) continue;
    const event = JSON.parse(fields[at + 1]) as JobEvent;
    if (event.type === 'progress') return event;
    // Progress after the render finished would be stale.
    if (event.type !== 'queue') return undefined;
  }
  return undefined;
}

/** The newest preview picture of a job's render, also after the job ended (an interrupted render). */
export async function latestPreview(redis: Redis, keys: Keys, jobId: string): Promise<string | undefined> {
  const entries = await redis.xrevrange(keys.events(jobId), '+', '-', 'COUNT', 200);
  for (const [, fields] of entries) {
    const at = fields.indexOf('e');
    if (at < 0 || at % 2 !== 0) continue;
    const event = JSON.parse(fields[at + 1]) as JobEvent;
    if (event.type === 'progress' && event.preview) return event.preview;
  }
  return undefined;
}
