// Where a render waits in the GPU queue, and a rough wait from recent render times and the
// renderers that can serve it.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface QueuePosition {
  /** 1 = next to start; 0 = running or not waiting. */
  position: number;
  etaMs?: number;
}

const STATS_FIELD = 'render_ms_ewma';

/** BullMQ orders prioritized jobs by priority * 2^32 + an insertion counter. */
const PRIORITY_SCALE = 0x100000000;

/**
 * `pendingPriority` gives the priority a job's render will be queued with while the job is still
 * before its render (validating, fetching), else undefined: such a job is told the place it will
 * take, behind every waiting render of the same or a better priority, not 0.
 */
export async function queuePosition(
  redis: Redis,
  gpu: Queue,
  bullJobId: string,
  statsKey: string,
  servingWorkers: number,
  pendingPriority?: () => Promise<number | undefined>,
): Promise<QueuePosition> {
  const rank = await redis.zrank(gpu.keys.prioritized, bullJobId);
  let position: number;
  if (rank !== null) position = rank + 1;
  else {
    const priority = await pendingPriority?.();
    if (priority === undefined) return { position: 0 };
    const ahead = await redis.zcount(gpu.keys.prioritized, '-inf', `(${(priority + 1) * PRIORITY_SCALE}`);
    position = ahead + 1;
  }
  const avg = Number(await redis.hget(statsKey, STATS_FIELD));
  if (!avg) return { position };
  return { position, etaMs: Math.round((position * avg) / Math.max(1, servingWorkers)) };
}

/** Keeps an exponentially weighted mean of render times for ETAs. */
export async function recordRenderTime(redis: Redis, statsKey: string, ms: number): Promise<void> {
  const old = Number(await redis.hget(statsKey, STATS_FIELD));
  const next = old ? old * 0.8 + ms * 0.2 : ms;
  await redis.hset(statsKey, STATS_FIELD, Math.round(next));
}
