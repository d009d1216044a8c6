-- Accepts a job: owner's rate limit (token bucket) and cap on unfinished jobs, then the job's state,
-- then the first dispatch, and the job's first status event. Idempotent: a job id that exists returns
-- 'exists' and changes nothing.
-- KEYS: job, called, returned, active (zset of unfinished jobs), owner (set of the owner's unfinished jobs), bucket,
--       notify-pending, events (stream), events channel
-- ARGV: job_id, kind, owner, job_json, flow_json, first_status, now_ms, ttl_ms, owner_cap, rate_per_min, burst, priority,
--       events max length, events ttl (s)
-- Returns: { 'exists' } | { 'owner_cap', cap } | { 'rate_limited', wait_ms } | { 'ok', started component... }
notify_key = KEYS[7]
events.key, events.channel = KEYS[8], KEYS[9]
events.max, events.ttl_s = tonumber(ARGV[13]), tonumber(ARGV[14])
local job_key, called_key, returned_key, active_key, owner_key, bucket_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local job_id, kind, owner, job_json, flow_json, first_status = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now, ttl = tonumber(ARGV[7]), tonumber(ARGV[8])
local cap, rate, burst = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

if redis.call('EXISTS', job_key) == 1 then return { 'exists' } end

if cap > 0 and redis.call('SCARD', owner_key) >= cap then
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

redis.call('HSET', job_key, 'id', job_id, 'kind', kind, 'owner', owner, 'job', job_json, 'flow', flow_json,
  'status', first_status, 'module', 0, 'created', now, 'updated', now, 'priority', ARGV[12])
redis.call('DEL', called_key, returned_key)
redis.call('ZADD', active_key, now, job_id)
redis.call('SADD', owner_key, job_id)

local started = advance(job_key, called_key, returned_key, active_key, owner_key, job_id, now, ttl)
local status = redis.call('HGET', job_key, 'status')
if not FINAL[status] then announce(job_id, status_event(status), now) end
table.insert(started, 1, 'ok')
return started
