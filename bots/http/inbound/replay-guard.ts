// A signed hook request is accepted once. The timestamp check refuses old requests; this refuses the
// same request sent again within the freshness window (which the timestamp alone would let through).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HttpKeys } from '../http-keys.ts';

/** Longer than the 5 minutes a timestamp may be off in either direction. */
const REMEMBER_MS = 11 * 60 * 1000;

/** True the first time this signature is seen, false for a replay. */
export async function firstUse(
  redis: Redis,
  keys: HttpKeys,
  hook: string,
  signature: string,
): Promise<boolean> {
  const digest = createHash('sha256').update(signature).digest('hex').slice(0, 32);
  return (await redis.set(keys.hookReplay(hook, digest), '1', 'PX', REMEMBER_MS, 'NX')) === 'OK';
}
