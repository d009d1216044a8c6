// Spaces the edits of one job's message (progress from the bot process, the result from whichever
// process delivers it) at least `minMs` apart, across processes, as Discord sees them: an edit
// claims its turn in Redis only once `minMs` have passed since the previous edit was answered.
// Once the result is in, progress edits that were still waiting are dropped.
import type { Redis } from 'ioredis';

// The key holds when the last edit was claimed, then when it was answered (whichever is later).
const CLAIM = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local due = last + tonumber(ARGV[2])
if now < due then return due - now end
redis.call('SET', KEYS[1], now, 'PX', ARGV[3])
return 0`;

const DONE = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > last then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0`;

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

  /** Runs `edit` once it is this edit's turn; the next turn starts `minMs` after it was answered. */
  async spaced<T>(jobId: string, edit: () => Promise<T>): Promise<T> {
    const key = this.key(jobId, 'turn');
    for (;;) {
      const waitMs = Number(await this.redis.eval(CLAIM, 1, key, Date.now(), this.minMs, KEEP_MS));
      if (waitMs <= 0) break;
      await new Promise((r) => setTimeout(r, waitMs));
    }
    try {
      return await edit();
    } finally {
      await this.redis.eval(DONE, 1, key, Date.now(), KEEP_MS);
    }
  }

  /** The result is about to be posted: later progress edits are skipped. */
  async markFinal(jobId: string): Promise<void> {
    await this.redis.set(this.key(jobId, 'final'), '1', 'PX', KEEP_MS);
  }

  async isFinal(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jobId, 'final'))) === 1;
  }
}
