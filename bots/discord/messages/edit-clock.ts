// Spaces the edits of one job's message (progress from the bot process, the result from whichever
// process delivers it) at least `minMs` apart, across processes: each edit reserves its turn in
// Redis. Once the result is in, progress edits that were still waiting are dropped.
import type { Redis } from 'ioredis';

const RESERVE = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local at = math.max(now, last + tonumber(ARGV[2]))
redis.call('SET', KEYS[1], at, 'PX', ARGV[3])
return at - now`;

const KEEP_MS = 3600 * 1000;

export class EditClock {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    readonly minMs = 2000,
  ) {}

  private key(jobId: string, part: 'turn' | 'final'): string {
    return `${this.keyPrefix}:discord:edit-${part}:${jobId}`;
  }

  /** Waits until this edit may go out. */
  async turn(jobId: string): Promise<void> {
    const waitMs = Number(
      await this.redis.eval(RESERVE, 1, this.key(jobId, 'turn'), Date.now(), this.minMs, KEEP_MS),
    );
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }

  /** The result is about to be posted: later progress edits are skipped. */
  async markFinal(jobId: string): Promise<void> {
    await this.redis.set(this.key(jobId, 'final'), '1', 'PX', KEEP_MS);
  }

  async isFinal(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jobId, 'final'))) === 1;
  }
}
