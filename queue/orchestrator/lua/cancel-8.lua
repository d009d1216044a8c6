-- Cancels an unfinished job for its owner (or for an operator when owner is empty) and announces it
-- (the `cancelled` event is written here, with the transition).
-- KEYS[1] job hash            KEYS[2] called bits        KEYS[3] returned bits
-- KEYS[4] active (zset)       KEYS[5] owner's active set KEYS[6] notify-pending (zset)
-- KEYS[7] events stream       KEYS[8] events channel
-- ARGV[1] job_id  ARGV[2] owner ('' = any)  ARGV[3] reason  ARGV[4] now_ms  ARGV[5] ttl_ms
-- ARGV[6] events max length  ARGV[7] events ttl (s)
-- Returns one of:
--   { 'missing' }                    no such job
--   { 'forbidden' }                  ARGV[2] is set and is not the job's owner; nothing changed
--   { 'final', status }              the job had ended already (status: done, failed or cancelled)
--   { 'cancelled', component... }    cancelled; the components that were called and have not
--                                    returned, so the caller can remove or stop them
local job = { id = ARGV[1], key = KEYS[1], called = KEYS[2], returned = KEYS[3], active = KEYS[4], owner = KEYS[5] }
local notify_key = KEYS[6]
local events = { key = KEYS[7], channel = KEYS[8], max = tonumber(ARGV[6]), ttl_s = tonumber(ARGV[7]) }

local status = redis.call('HGET', job.key, 'status')
if not status then return { 'missing' } end
if ARGV[2] ~= '' and redis.call('HGET', job.key, 'owner') ~= ARGV[2] then return { 'forbidden' } end
if FINAL[status] then return { 'final', status } end
local flow = cjson.decode(redis.call('HGET', job.key, 'flow'))
local pending = { 'cancelled' }
for _, module in ipairs(flow.modules) do
  for _, c in ipairs(module.components) do
    if get_bits(job.called, c.slot) == 1 and get_bits(job.returned, c.slot) == 0 then
      table.insert(pending, c.name)
    end
  end
end
redis.call('HSET', job.key, 'error_code', 'cancelled', 'error', ARGV[3])
finish(job, notify_key, events, 'cancelled', tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[3])
return pending
