// Live renderer workers: each refreshes a short-lived record of what it can do. A record that is not
// refreshed expires, so a dead worker stops counting by itself. Each renderer also keeps a pulse that
// lapses within seconds of its last beat, and notes which GPU job it holds with which BullMQ lock
// token, so a renderer that dies has its job handed on at once (see hand-on-stopped.ts) instead of
// after BullMQ's lock expiry and stall check.
import type { Redis } from 'ioredis';
import type { ModelDefaults } from '../../core/job/model-defaults.ts';
import type { Keys } from '../orchestrator/keys.ts';

export interface WorkerInfo {
  id: string;
  /** Execution provider the renderer runs on: cpu, cuda, tensorrt. */
  device: string;
  /** Models it can render (installed). */
  models: string[];
  /** Models it has loaded now (no load time). */
  loaded: string[];
  /** Each installed model's family, natural size and imagine.json defaults (jobs take them at submit). */
  modelDefaults?: Record<string, ModelDefaults>;
  maxPixels: number;
  busy: boolean;
  startedAt: number;
  seenAt: number;
}

/** A GPU job held by a renderer: the BullMQ job and the lock token it holds it with. */
export interface RenderHold {
  jobId: string;
  renderer: string;
  token: string;
}

export interface BeatTimings {
  /** How often a renderer beats (1 s, or a third of the record's TTL when that is shorter). */
  beatMs?: number;
  /** How long after its last beat a renderer counts as stopped and its job is handed on (4 s). */
  pulseMs?: number;
}

// Deletes a hold only if it is still the one that was read: a renderer may have taken the job since.
const RELEASE_IF_SAME = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`;

export class WorkerRegistry {
  private readonly beatMs: number;
  private readonly pulseMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** How long a record counts as live after its last beat (admission reads it). */
    private readonly ttlMs = 10_000,
    timings: BeatTimings = {},
  ) {
    this.beatMs = timings.beatMs ?? Math.min(1000, Math.floor(ttlMs / 3));
    this.pulseMs = timings.pulseMs ?? Math.min(4000, ttlMs);
  }

  private pulseKey(id: string): string {
    return `${this.keys.worker(id)}:pulse`;
  }

  private get holdsKey(): string {
    return `${this.keys.workers}:holds`;
  }

  async heartbeat(info: Omit<WorkerInfo, 'seenAt'>): Promise<void> {
    const record: WorkerInfo = { ...info, seenAt: Date.now() };
    await this.redis
      .multi()
      .set(this.keys.worker(info.id), JSON.stringify(record), 'PX', this.ttlMs)
      .set(this.pulseKey(info.id), '1', 'PX', this.pulseMs)
      .sadd(this.keys.workers, info.id)
      .exec();
  }

  /** Heartbeats every `beatMs` until the returned function is called. */
  keepAlive(info: () => Omit<WorkerInfo, 'seenAt'>): () => Promise<void> {
    const beat = () => this.heartbeat(info()).catch(() => undefined);
    void beat();
    const timer = setInterval(beat, Math.max(100, this.beatMs));
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.remove(info().id);
    };
  }

  /** The last read of the live workers, for callers that can do with a view `maxAgeMs` old. */
  private lastRead?: { at: number; workers: Promise<WorkerInfo[]> };

  /**
   * The live workers; with `maxAgeMs`, the last read when it is no older than that (a read reads
   * every worker's record: at every submit of a large fleet that is most of the submit's bytes).
   */
  live(options: { maxAgeMs?: number } = {}): Promise<WorkerInfo[]> {
    const last = this.lastRead;
    if (last && options.maxAgeMs !== undefined && Date.now() - last.at <= options.maxAgeMs) {
      return last.workers;
    }
    const workers = this.readLive();
    const read = { at: Date.now(), workers };
    this.lastRead = read;
    workers.catch(() => {
      if (this.lastRead === read) this.lastRead = undefined;
    });
    return workers;
  }

  private async readLive(): Promise<WorkerInfo[]> {
    const ids = await this.redis.smembers(this.keys.workers);
    if (ids.length === 0) return [];
    const records = await this.redis.mget(ids.map((id) => this.keys.worker(id)));
    const gone = ids.filter((_, i) => records[i] === null);
    if (gone.length > 0) await this.redis.srem(this.keys.workers, ...gone);
    return records.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as WorkerInfo);
  }

  /** Whether the renderer has beaten within the last `pulseMs`. */
  async isBeating(id: string): Promise<boolean> {
    return (await this.redis.exists(this.pulseKey(id))) === 1;
  }

  /**
   * Claims the fleet's next hand-on pass for `ms`: one caller in that time gets true, however many
   * processes watch, so watching costs the same for 5 renderers as for 500.
   */
  async claimHandOnPass(ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.keys.workers}:hand-on-pass`, '1', 'PX', ms, 'NX')) === 'OK';
  }

  async hold(hold: RenderHold): Promise<void> {
    await this.redis.hset(this.holdsKey, hold.jobId, `${hold.renderer} ${hold.token}`);
  }

  /** Forgets a hold; with a token, only if the job is still held with it. */
  async release(jobId: string, hold?: Omit<RenderHold, 'jobId'>): Promise<void> {
    if (!hold) await this.redis.hdel(this.holdsKey, jobId);
    else await this.redis.eval(RELEASE_IF_SAME, 1, this.holdsKey, jobId, `${hold.renderer} ${hold.token}`);
  }

  /** What a renderer's component workers note their GPU jobs with. */
  holdsOf(renderer: string): {
    hold(jobId: string, token: string): Promise<void>;
    release(jobId: string, token: string): Promise<void>;
  } {
    return {
      hold: (jobId, token) => this.hold({ jobId, renderer, token }),
      release: (jobId, token) => this.release(jobId, { renderer, token }),
    };
  }

  /** Counts a hand-on of this job; the count lives a day. */
  async countHandOn(jobId: string): Promise<number> {
    const key = `${this.keys.workers}:handed-on`;
    const [[, count]] = (await this.redis
      .multi()
      .hincrby(key, jobId, 1)
      .expire(key, 24 * 3600)
      .exec()) as [[unknown, number]];
    return count;
  }

  async holds(): Promise<RenderHold[]> {
    const all = await this.redis.hgetall(this.holdsKey);
    return Object.entries(all).map(([jobId, value]) => {
      const space = value.indexOf(' ');
      return { jobId, renderer: value.slice(0, space), token: value.slice(space + 1) };
    });
  }

  async remove(id: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.worker(id))
      .del(this.pulseKey(id))
      .srem(this.keys.workers, id)
      .exec();
  }
}
