// Per-key limits from the key's record: submissions per minute, jobs per UTC day, and unfinished jobs
// at once. Checked in one Lua script so concurrent submissions cannot both take the last slot. The
// orchestrator's own per-owner limits (config OWNER_*) still apply on top.
import type { Redis } from 'ioredis';
import type { ApiKeyRecord } from '../auth/api-keys.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HttpKeys } from '../http-keys.ts';

// Rate: a GCRA (virtual scheduling) allowing a burst of perMinute, then perMinute per minute.
// KEYS: rate, day, owner's unfinished jobs. ARGV: now_ms, per_minute, per_day, max_concurrent, day_left_ms.
const SCRIPT = `
local now = tonumber(ARGV[1])
local per_minute, per_day, max_conc = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if max_conc > 0 then
  local active = redis.call('SCARD', KEYS[3])
  if active >= max_conc then return { 'max_concurrent', tostring(max_conc) } end
end
local tat
if per_minute > 0 then
  local interval = 60000 / per_minute
  tat = math.max(tonumber(redis.call('GET', KEYS[1])) or now, now)
  local allowed_at = tat + interval - 60000
  if allowed_at > now then return { 'rate_limited', tostring(math.ceil(allowed_at - now)) } end
  tat = tat + interval
end
if per_day > 0 then
  local used = tonumber(redis.call('GET', KEYS[2])) or 0
  if used >= per_day then return { 'daily_quota', ARGV[5] } end
end
if tat then redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 1000) end
if per_day > 0 then
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) + 60000) end
end
return { 'ok' }
`;

const DAY_MS = 24 * 3600 * 1000;

function utcDay(now: number): { day: string; leftMs: number } {
  return { day: new Date(now).toISOString().slice(0, 10), leftMs: DAY_MS - (now % DAY_MS) };
}

/** Takes one submission from the key's allowance; throws a 429 ApiError naming the limit when there is none. */
export async function takeKeyAllowance(
  redis: Redis,
  keys: HttpKeys,
  record: ApiKeyRecord,
  now = Date.now(),
): Promise<{ refund(): Promise<void> }> {
  const perMinute = record.rateLimit?.perMinute ?? 0;
  const perDay = record.quota?.jobsPerDay ?? 0;
  const maxConcurrent = record.quota?.maxConcurrent ?? 0;
  const none = { refund: async () => undefined };
  if (perMinute === 0 && perDay === 0 && maxConcurrent === 0) return none;
  const { day, leftMs } = utcDay(now);
  const dayKey = keys.keyDay(record.name, day);
  const reply = (await redis.eval(
    SCRIPT,
    3,
    keys.keyRate(record.name),
    dayKey,
    keys.ownerActive(record.owner),
    now,
    perMinute,
    perDay,
    maxConcurrent,
    leftMs,
  )) as string[];
  const [outcome, detail] = reply;
  if (outcome === 'rate_limited') {
    const wait = Number(detail);
    throw new ApiError(
      429,
      'rate_limited',
      `this key may submit ${perMinute} jobs per minute: try again in ${Math.ceil(wait / 1000)} s`,
      {
        reason: 'key_rate_limit',
        retryAfterMs: wait,
      },
    );
  }
  if (outcome === 'daily_quota') {
    throw new ApiError(429, 'quota_exceeded', `this key has used its ${perDay} jobs for today (UTC)`, {
      reason: 'jobs_per_day',
      retryAfterMs: Number(detail),
    });
  }
  if (outcome === 'max_concurrent') {
    throw new ApiError(
      429,
      'owner_cap',
      `this key may have ${maxConcurrent} unfinished jobs: wait for one to finish`,
      {
        reason: 'max_concurrent',
      },
    );
  }
  // A submission refused after this point gives its daily job back.
  return {
    refund: async () => {
      if (perDay > 0) await redis.decr(dayKey);
    },
  };
}
