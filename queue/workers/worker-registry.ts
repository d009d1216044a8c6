// Live renderer workers: each refreshes a short-lived record of what it can do. A record that is not
// refreshed expires, so a dead worker stops counting by itself.
import type { Redis } from 'ioredis';
import type { Keys } from '../orchestrator/keys.ts';

export interface WorkerInfo {
  id: string;
  /** Execution provider the renderer runs on: cpu, cuda, tensorrt. */
  device: string;
  /** Models it can render (installed). */
  models: string[];
  /** Models it has loaded now (no load time). */
  loaded: string[];
  maxPixels: number;
  busy: boolean;
  startedAt: number;
  seenAt: number;
}

export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlMs = 10_000,
  ) {}

  async heartbeat(info: Omit<WorkerInfo, 'seenAt'>): Promise<void> {
    const record: WorkerInfo = { ...info, seenAt: Date.now() };
    await this.redis
      .multi()
      .set(this.keys.worker(info.id), JSON.stringify(record), 'PX', this.ttlMs)
      .sadd(this.keys.workers, info.id)
      .exec();
  }

  /** Heartbeats every third of the TTL until the returned function is called. */
  keepAlive(info: () => Omit<WorkerInfo, 'seenAt'>): () => Promise<void> {
    const beat = () => this.heartbeat(info()).catch(() => undefined);
    void beat();
    const timer = setInterval(beat, Math.max(100, Math.floor(this.ttlMs / 3)));
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.remove(info().id);
    };
  }

  async live(): Promise<WorkerInfo[]> {
    const ids = await this.redis.smembers(this.keys.workers);
    if (ids.length === 0) return [];
    const records = await this.redis.mget(ids.map((id) => this.keys.worker(id)));
    const gone = ids.filter((_, i) => records[i] === null);
    if (gone.length > 0) await this.redis.srem(this.keys.workers, ...gone);
    return records.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as WorkerInfo);
  }

  async remove(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.worker(id)).srem(this.keys.workers, id).exec();
  }
}
