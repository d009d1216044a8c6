// Which chat message shows which job, both ways, in Redis: buttons and replies keep working after
// a restart of the bot, and any process can find the message a job's result belongs in.
import type { Redis } from 'ioredis';

export class JobMessages {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** As long as the job's result is kept (RESULT_TTL_S): a button outlives it to no purpose. */
    private readonly ttlMs: number,
  ) {}

  private byMessage(messageKey: string): string {
    return `${this.keyPrefix}:chat-msg:${messageKey}`;
  }

  private byJob(jobId: string): string {
    return `${this.keyPrefix}:chat-job:${jobId}`;
  }

  /** `messageKey` names a message on its surface, e.g. `discord:<channel>:<message>`. */
  async link(jobId: string, messageKey: string, data: Record<string, string | number> = {}): Promise<void> {
    const jobKey = this.byJob(jobId);
    await this.redis
      .multi()
      .set(this.byMessage(messageKey), jobId, 'PX', this.ttlMs)
      .del(jobKey)
      .hset(jobKey, { messageKey, ...data })
      .pexpire(jobKey, this.ttlMs)
      .exec();
  }

  async jobOf(messageKey: string): Promise<string | undefined> {
    return (await this.redis.get(this.byMessage(messageKey))) ?? undefined;
  }

  async messageOf(jobId: string): Promise<{ messageKey: string; data: Record<string, string> } | undefined> {
    const fields = await this.redis.hgetall(this.byJob(jobId));
    if (!fields.messageKey) return undefined;
    const { messageKey, ...data } = fields;
    return { messageKey, data };
  }
}
