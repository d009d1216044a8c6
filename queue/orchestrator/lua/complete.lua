-- Records one component's outcome (01 success, 10 failure), dispatches what became runnable and
-- announces the job's new status (the final event when this report ended the job). A second report
-- for the same slot (a retried or re-delivered component) changes nothing; a report that arrives after
-- the job ended is recorded but announces nothing, so a job ends with one final event.
-- KEYS: job, called, returned, active, owner, notify-pending, events (stream), events channel
-- ARGV: job_id, slot, outcome (1|2), output_field, output_json, error_code, error_message, now_ms, ttl_ms,
--       component name, events max length, events ttl (s)
-- Returns: { 'missing' } | { 'duplicate', status } | { status, ended ('1' when this report ended the job, else '0'), started component... }
notify_key = KEYS[6]
events.key, events.channel = KEYS[7], KEYS[8]
events.max, events.ttl_s = tonumber(ARGV[11]), tonumber(ARGV[12])
local job_key, called_key, returned_key, active_key, owner_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local job_id, slot, outcome = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now, ttl = tonumber(ARGV[8]), tonumber(ARGV[9])

local status = redis.call('HGET', job_key, 'status')
if not status then return { 'missing' } end
if get_bits(called_key, slot) ~= 1 or get_bits(returned_key, slot) ~= 0 then
  return { 'duplicate', status }
end
local was_final = FINAL[status] == true
set_bits(returned_key, slot, outcome)
if ARGV[4] ~= '' then redis.call('HSET', job_key, ARGV[4], ARGV[5]) end
if outcome == 2 and not redis.call('HGET', job_key, 'error_code') then
  redis.call('HSET', job_key, 'error_code', ARGV[6], 'error', ARGV[7])
end
redis.call('HSET', job_key, 'updated', now)
local started = advance(job_key, called_key, returned_key, active_key, owner_key, job_id, now, ttl)
local after = redis.call('HGET', job_key, 'status')
local ended = (not was_final) and FINAL[after] == true
if not FINAL[after] then announce(job_id, status_event(after, ARGV[10]), now) end
table.insert(started, 1, ended and '1' or '0')
table.insert(started, 1, after)
return started
