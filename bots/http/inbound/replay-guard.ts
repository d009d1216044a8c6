// A signed hook request is accepted once. The timestamp check refuses old requests; this refuses the
// same request sent again within the freshness window (which the timestamp alone would let through).
// It is keyed on what the signature covers (see verify-hook-signature.ts), never on the header's text,
// so a re-spelled signature of a captured request is the same request.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HttpKeys } from '../http-keys.ts';

/** Longer than the 5 minutes a timestamp may be off in either direction. */
const REMEMBER_MS = 11 * 60 * 1000;

export interface ReplayMark {
  /** True the first time this signed request is seen, false for a replay. */
  first: boolean;
  /** Forgets the request, when it was refused for a reason its sender may fix by retrying. */
  release(): Promise<void>;
}

export async function markSignedRequest(
  redis: Redis,
  keys: HttpKeys,
  hook: string,
  signed: string,
): Promise<ReplayMark> {
  const digest = createHash('sha256').update(signed).digest('hex').slice(0, 32);
  const key = keys.hookReplay(hook, digest);
  const first = (await redis.set(key, '1', 'PX', REMEMBER_MS, 'NX')) === 'OK';
  return {
    first,
    release: async () => {
      if (first) await redis.del(key);
    },
  };
}
