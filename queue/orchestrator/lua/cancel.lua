-- Cancels an unfinished job for its owner (or for an operator when owner is empty) and announces it
-- (the `cancelled` event is written here, with the transition).
-- KEYS: job, called, returned, active, owner, notify-pending, events (stream), events channel
-- ARGV: job_id, owner ('' = any), reason, now_ms, ttl_ms, events max length, events ttl (s)
-- Returns: { 'missing' } | { 'forbidden' } | { 'final', status } | { 'cancelled', component... }: the
-- components that were called and have not returned, so the caller can remove or stop them.
notify_key = KEYS[6]
events.key, events.channel = KEYS[7], KEYS[8]
events.max, events.ttl_s = tonumber(ARGV[6]), tonumber(ARGV[7])
local job_key, called_key, returned_key, active_key, owner_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local status = redis.call('HGET', job_key, 'status')
if not status then return { 'missing' } end
if ARGV[2] ~= '' and redis.call('HGET', job_key, 'owner') ~= ARGV[2] then return { 'forbidden' } end
if FINAL[status] then return { 'final', status } end
local flow = cjson.decode(redis.call('HGET', job_key, 'flow'))
local pending = { 'cancelled' }
for _, module in ipairs(flow.modules) do
  for _, c in ipairs(module.components) do
    if get_bits(called_key, c.slot) == 1 and get_bits(returned_key, c.slot) == 0 then
      table.insert(pending, c.name)
    end
  end
end
redis.call('HSET', job_key, 'error_code', 'cancelled', 'error', ARGV[3])
finish(job_key, called_key, returned_key, active_key, owner_key, ARGV[1], 'cancelled', tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[3])
return pending
