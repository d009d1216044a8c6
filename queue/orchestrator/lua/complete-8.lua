-- Records one component's outcome (01 success, 10 failure), dispatches what became runnable and
-- announces the job's new status (the final event when this report ended the job). A second report
-- for the same slot (a retried or re-delivered component) changes nothing; a report that arrives after
-- the job ended is recorded but announces nothing, so a job ends with one final event.
-- KEYS[1] job hash            KEYS[2] called bits        KEYS[3] returned bits
-- KEYS[4] active (zset)       KEYS[5] owner's active set KEYS[6] notify-pending (zset)
-- KEYS[7] events stream       KEYS[8] events channel
-- ARGV[1] job_id  ARGV[2] slot  ARGV[3] outcome (1 success | 2 failure)
-- ARGV[4] output field ('' = no output, else 'out:<component>')  ARGV[5] output JSON
-- ARGV[6] error code  ARGV[7] error message (kept only for the job's first failure)
-- ARGV[8] now_ms  ARGV[9] ttl_ms  ARGV[10] component name (the status event's `finished`)
-- ARGV[11] events max length  ARGV[12] events ttl (s)
-- Returns one of:
--   { 'missing' }                        no such job (expired or never submitted)
--   { 'duplicate', status }              the slot was not waiting for a report; nothing changed
--   { status, ended, component... }      the job's status after the report; ended is '1' when this
--                                        report ended the job, else '0'; then the components it
--                                        marked called, for the caller to enqueue
local job = { id = ARGV[1], key = KEYS[1], called = KEYS[2], returned = KEYS[3], active = KEYS[4], owner = KEYS[5] }
local notify_key = KEYS[6]
local events = { key = KEYS[7], channel = KEYS[8], max = tonumber(ARGV[11]), ttl_s = tonumber(ARGV[12]) }
local slot, outcome = tonumber(ARGV[2]), tonumber(ARGV[3])
local now, ttl = tonumber(ARGV[8]), tonumber(ARGV[9])

local status = redis.call('HGET', job.key, 'status')
if not status then return { 'missing' } end
if get_bits(job.called, slot) ~= 1 or get_bits(job.returned, slot) ~= 0 then
  return { 'duplicate', status }
end
local was_final = FINAL[status] == true
set_bits(job.returned, slot, outcome)
-- A late report (the job was cancelled meanwhile) may create the returned word: it expires with the job.
if was_final then
  local left = redis.call('PTTL', job.key)
  if left > 0 then redis.call('PEXPIRE', job.returned, left) end
end
if ARGV[4] ~= '' then redis.call('HSET', job.key, ARGV[4], ARGV[5]) end
if outcome == 2 and not redis.call('HGET', job.key, 'error_code') then
  redis.call('HSET', job.key, 'error_code', ARGV[6], 'error', ARGV[7])
end
redis.call('HSET', job.key, 'updated', now)
local started = advance(job, notify_key, events, now, ttl)
local after = redis.call('HGET', job.key, 'status')
local ended = (not was_final) and FINAL[after] == true
if not FINAL[after] then announce(events, job.id, status_event(after, ARGV[10]), now) end
table.insert(started, 1, ended and '1' or '0')
table.insert(started, 1, after)
return started
