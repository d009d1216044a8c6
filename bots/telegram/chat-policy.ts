// Per-chat policy, set by the chat's admins with /settings policy: who may ask in the chat, and which
// kinds of job it takes. Kept in Redis next to the chat's defaults.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { JOB_KINDS, type JobKind } from '../../core/job/job.ts';

export interface ChatPolicy {
  /** `admins`: only the chat's admins may ask. */
  who: 'everyone' | 'admins';
  /** Kinds of job this chat takes. */
  kinds: JobKind[];
}

export const DEFAULT_POLICY: ChatPolicy = { who: 'everyone', kinds: [...JOB_KINDS] };

const Stored = z.object({ who: z.enum(['everyone', 'admins']), kinds: z.array(z.enum(JOB_KINDS)) });

export class ChatPolicies {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private key(chatId: number): string {
    return `${this.keyPrefix}:telegram-policy:${chatId}`;
  }

  async get(chatId: number): Promise<ChatPolicy> {
    const raw = await this.redis.get(this.key(chatId));
    const parsed = raw ? Stored.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : DEFAULT_POLICY;
  }

  /** `who everyone|admins` or `kinds imagine,remix,...`; throws a ValidationError saying what is allowed. */
  async set(chatId: number, name: string, value: string): Promise<ChatPolicy> {
    const policy = { ...(await this.get(chatId)) };
    if (name === 'who') {
      if (value !== 'everyone' && value !== 'admins')
        throw new ValidationError([{ field: 'policy who', value, problem: 'must be everyone or admins' }]);
      policy.who = value;
    } else if (name === 'kinds') {
      const kinds = value
        .split(/[\s,]+/)
        .map((k) => k.trim().toLowerCase())
        .filter(Boolean);
      const bad = kinds.filter((k) => !(JOB_KINDS as readonly string[]).includes(k));
      if (kinds.length === 0 || bad.length > 0)
        throw new ValidationError([
          { field: 'policy kinds', value, problem: `must list some of ${JOB_KINDS.join(', ')}` },
        ]);
      policy.kinds = kinds as JobKind[];
    } else {
      throw new ValidationError([{ field: `policy ${name}`, problem: 'is not a policy: use who or kinds' }]);
    }
    await this.redis.set(this.key(chatId), JSON.stringify(policy));
    return policy;
  }

  async clear(chatId: number): Promise<void> {
    await this.redis.del(this.key(chatId));
  }
}

export function describePolicy(p: ChatPolicy): string {
  return `who may ask: ${p.who}\nkinds: ${p.kinds.join(', ')}`;
}
