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

export async function queuePosition(
  redis: Redis,
  gpu: Queue,
  bullJobId: string,
  statsKey: string,
  servingWorkers: number,
): Promise<QueuePosition> {
  const rank = await redis.zrank(gpu.keys.prioritized, bullJobId);
  if (rank === null) return { position: 0 };
  const position = rank + 1;
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
