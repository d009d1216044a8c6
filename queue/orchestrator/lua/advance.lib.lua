-- Shared by the transition scripts (prepended to each when loaded). Reads a job's flow, marks every
-- runnable component of the current module as called, moves the job through finished modules, and
-- announces each transition on the job's event stream in the same step, so a job that ends is
-- announced exactly once, even when the process that ran the script dies right after it.
-- Slots are 2 bits in the "called" and "returned" strings, addressed with BITFIELD u2 #slot, so two
-- components finishing together never overwrite each other's bits.
--
-- Nothing here reads KEYS or ARGV: each script builds these from its own and passes them in.
--   job        { id, key, called, returned, active, owner }: the job's id, its hash, its called and
--              returned bit strings, the zset of unfinished jobs and the owner's set of them.
--   notify_key the zset of failed or cancelled jobs whose origin has not been told yet.
--   events     { key, channel, max, ttl_s }: the job's event stream (entries { e = event JSON,
--              at = ms }, read by queue/events/job-events.ts), the channel that carries the job id
--              as "has news", the stream's approximate length cap and its ttl in seconds.
-- FINAL (status -> true for done, failed, cancelled) is prepended by scripts.ts from core's
-- FINAL_STATUSES, so the list exists once.

local function get_bits(key, slot)
  return redis.call('BITFIELD', key, 'GET', 'u2', '#' .. slot)[1]
end

local function set_bits(key, slot, value)
  redis.call('BITFIELD', key, 'SET', 'u2', '#' .. slot, value)
end

-- Appends one event (already JSON) to the job's stream and wakes the watchers.
local function announce(events, job_id, event_json, now)
  redis.call('XADD', events.key, 'MAXLEN', '~', events.max, '*', 'e', event_json, 'at', now)
  redis.call('EXPIRE', events.key, events.ttl_s)
  redis.call('PUBLISH', events.channel, job_id)
end

-- The final event of a job as JSON. Outputs are stored as JSON texts and are copied verbatim (a decode
-- and encode round trip in Lua would change numbers and turn empty lists into objects).
local function final_event(job_key, status, message)
  if status == 'done' then
    local fields = redis.call('HGETALL', job_key)
    local parts = {}
    for i = 1, #fields, 2 do
      local name = fields[i]
      if string.sub(name, 1, 4) == 'out:' then
        table.insert(parts, cjson.encode(string.sub(name, 5)) .. ':' .. fields[i + 1])
      end
    end
    return '{"type":"done","outputs":{' .. table.concat(parts, ',') .. '}}'
  end
  if status == 'failed' then
    local code = redis.call('HGET', job_key, 'error_code') or 'failed'
    local text = redis.call('HGET', job_key, 'error') or 'the job failed'
    return cjson.encode({ type = 'failed', code = code, message = text })
  end
  return cjson.encode({ type = 'cancelled', message = message or 'cancelled' })
end

local function status_event(status, finished)
  if finished and finished ~= '' then
    return cjson.encode({ type = 'status', status = status, finished = finished })
  end
  return cjson.encode({ type = 'status', status = status })
end

-- A job that reached a final status leaves the active sets, is announced, and expires later. A failed
-- or cancelled job is added to notify_key: its origin is owed a notice.
local function finish(job, notify_key, events, status, now, ttl, message)
  redis.call('HSET', job.key, 'status', status, 'updated', now, 'finished', now)
  if status ~= 'done' then redis.call('ZADD', notify_key, now, job.id) end
  redis.call('ZREM', job.active, job.id)
  redis.call('SREM', job.owner, job.id)
  redis.call('PEXPIRE', job.key, ttl)
  redis.call('PEXPIRE', job.called, ttl)
  redis.call('PEXPIRE', job.returned, ttl)
  announce(events, job.id, final_event(job.key, status, message), now)
end

-- Returns the names of the components it marked called (to be enqueued by the caller).
local function advance(job, notify_key, events, now, ttl)
  local status = redis.call('HGET', job.key, 'status')
  if (not status) or FINAL[status] then return {} end
  local flow = cjson.decode(redis.call('HGET', job.key, 'flow'))
  local m = tonumber(redis.call('HGET', job.key, 'module'))
  local started = {}
  while true do
    local module = flow.modules[m + 1]
    local all_ok = true
    for _, c in ipairs(module.components) do
      local r = get_bits(job.returned, c.slot)
      if r == 2 then
        finish(job, notify_key, events, 'failed', now, ttl)
        return started
      end
      if r ~= 1 then
        all_ok = false
        if get_bits(job.called, c.slot) == 0 then
          local ready = true
          for _, d in ipairs(c.deps) do
            if get_bits(job.returned, d) ~= 1 then
              ready = false
              break
            end
          end
          if ready then
            set_bits(job.called, c.slot, 1)
            table.insert(started, c.name)
          end
        end
      end
    end
    if not all_ok then break end
    if m + 1 >= #flow.modules then
      finish(job, notify_key, events, 'done', now, ttl)
      break
    end
    m = m + 1
    redis.call('HSET', job.key, 'module', m, 'status', flow.modules[m + 1].nextStatus, 'updated', now)
  end
  return started
end
