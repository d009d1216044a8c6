-- Accepts a job: owner's rate limit (token bucket) and cap on unfinished jobs, then the job's state,
-- then the first dispatch, and the job's first status event. Idempotent: a job id that exists returns
-- 'exists' and changes nothing.
-- KEYS[1] job hash            KEYS[2] called bits        KEYS[3] returned bits
-- KEYS[4] active (zset)       KEYS[5] owner's active set KEYS[6] owner's token bucket (hash)
-- KEYS[7] notify-pending      KEYS[8] events stream      KEYS[9] events channel
-- ARGV[1] job_id  ARGV[2] kind  ARGV[3] owner  ARGV[4] job JSON  ARGV[5] wire flow JSON
-- ARGV[6] first status  ARGV[7] now_ms  ARGV[8] ttl_ms  ARGV[9] owner cap (0 = none)
-- ARGV[10] submissions per minute (0 = no limit)  ARGV[11] burst  ARGV[12] priority tier
-- ARGV[13] events max length  ARGV[14] events ttl (s)
-- Returns one of:
--   { 'exists' }                 a job with this id exists; nothing changed
--   { 'owner_cap', cap }         the owner has cap unfinished jobs; nothing changed
--   { 'rate_limited', wait_ms }  the owner's bucket is empty for wait_ms more; nothing changed
--   { 'ok', component... }       accepted; the components it marked called, for the caller to enqueue
local job = { id = ARGV[1], key = KEYS[1], called = KEYS[2], returned = KEYS[3], active = KEYS[4], owner = KEYS[5] }
local bucket_key = KEYS[6]
local notify_key = KEYS[7]
local events = { key = KEYS[8], channel = KEYS[9], max = tonumber(ARGV[13]), ttl_s = tonumber(ARGV[14]) }
local kind, owner, job_json, flow_json, first_status = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now, ttl = tonumber(ARGV[7]), tonumber(ARGV[8])
local cap, rate, burst = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

if redis.call('EXISTS', job.key) == 1 then return { 'exists' } end

if cap > 0 and redis.call('SCARD', job.owner) >= cap then
  return { 'owner_cap', tostring(cap) }
end

if rate > 0 then
  local state = redis.call('HMGET', bucket_key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  tokens = math.min(burst, tokens + (now - at) * rate / 60000)
  if tokens < 1 then
    local wait_ms = math.ceil((1 - tokens) * 60000 / rate)
    return { 'rate_limited', tostring(wait_ms) }
  end
  redis.call('HSET', bucket_key, 'tokens', tokens - 1, 'at', now)
  redis.call('PEXPIRE', bucket_key, math.ceil(burst * 60000 / rate) + 1000)
end

redis.call('HSET', job.key, 'id', job.id, 'kind', kind, 'owner', owner, 'job', job_json, 'flow', flow_json,
  'status', first_status, 'module', 0, 'created', now, 'updated', now, 'priority', ARGV[12])
redis.call('DEL', job.called, job.returned)
redis.call('ZADD', job.active, now, job.id)
redis.call('SADD', job.owner, job.id)

local started = advance(job, notify_key, events, now, ttl)
local status = redis.call('HGET', job.key, 'status')
if not FINAL[status] then announce(events, job.id, status_event(status), now) end
table.insert(started, 1, 'ok')
return started
