// Idempotency-Key: the first request with a key reserves it for its job id; a repeat with the same body
// gets that job back, a repeat with another body is refused (409). Kept in Redis with a TTL. "Same"
// means the same canonical hash.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiError } from '../../errors/api-error.ts';
import type { HttpKeys } from '../../http-keys.ts';

export type IdempotencyClaim = { kind: 'new'; release(): Promise<void> } | { kind: 'replay'; jobId: string };

const KEY_TEXT = /^[\x21-\x7e]{1,255}$/;

/** The header's value, checked: printable ASCII without spaces, 1 to 255 characters. */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY_TEXT.test(header)) {
    throw new ApiError(400, 'invalid_input', 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
      problems: [{ field: 'Idempotency-Key', problem: 'must be 1 to 255 printable ASCII characters' }],
    });
  }
  return header;
}

export async function claimIdempotencyKey(
  redis: Redis,
  keys: HttpKeys,
  opts: { owner: string; key: string; hash: string; jobId: string; ttlMs: number },
): Promise<IdempotencyClaim> {
  const redisKey = keys.idempotency(opts.owner, opts.key);
  const record = JSON.stringify({ hash: opts.hash, jobId: opts.jobId });
  const set = await redis.set(redisKey, record, 'PX', opts.ttlMs, 'NX');
  if (set === 'OK') {
    return {
      kind: 'new',
      // Only our own reservation is removed, never one a later request made.
      release: async () => {
        if ((await redis.get(redisKey)) === record) await redis.del(redisKey);
      },
    };
  }
  const existing = await redis.get(redisKey);
  if (existing === null) return claimIdempotencyKey(redis, keys, opts);
  const earlier = JSON.parse(existing) as { hash: string; jobId: string };
  if (earlier.hash !== opts.hash) {
    throw new ApiError(
      409,
      'idempotency_conflict',
      'this Idempotency-Key was used with a different request body: use a new key for a new request',
    );
  }
  return { kind: 'replay', jobId: earlier.jobId };
}

// A hash of a request's meaning, not its spelling: object keys are sorted, so the same JSON sent with
// its fields in another order (or other whitespace) is the same request for Idempotency-Key.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}
