-- Marks one item done exactly once: the bit flips and the counters move only for the first caller; every caller
-- learns whether the run is now complete, so a crashed caller's retry can still trigger publication.
-- KEYS: run, done bitmap, enqueued bitmap. ARGV: index, status (the counter it adds to), promptTokens,
-- completionTokens, a second counter to add to ('' = none; `cancelled` for a stopped item), the reject code of a
-- rejected item ('' = none), counted in field `reject:<code>` so progress can show the reasons while the run goes.
-- `queued` counts the run's items that a producer enqueued and no worker has finished (enqueued bit set, done bit
-- not). One read and one write of the run hash.
local reasonField = 'reject:' .. ARGV[6]
local r = redis.call('HMGET', KEYS[1], 'state', 'total', 'done', 'queued', ARGV[2], 'promptTokens', 'completionTokens', ARGV[5], reasonField)
-- A published run is history: a late duplicate must neither count nor bring the bitmap back.
if r[1] == 'published' then return {1, 0} end
local was = redis.call('SETBIT', KEYS[2], ARGV[1], 1)
local done = tonumber(r[3]) or 0
if was == 0 then
  done = done + 1
  local fields = {
    'done', done,
    ARGV[2], (tonumber(r[5]) or 0) + 1,
    'promptTokens', string.format('%d', (tonumber(r[6]) or 0) + tonumber(ARGV[3])),
    'completionTokens', string.format('%d', (tonumber(r[7]) or 0) + tonumber(ARGV[4])),
  }
  if redis.call('GETBIT', KEYS[3], ARGV[1]) == 1 then
    fields[#fields + 1] = 'queued'; fields[#fields + 1] = (tonumber(r[4]) or 0) - 1
  end
  if ARGV[5] ~= '' then
    fields[#fields + 1] = ARGV[5]; fields[#fields + 1] = (tonumber(r[8]) or 0) + 1
  end
  if ARGV[6] ~= '' then
    fields[#fields + 1] = reasonField; fields[#fields + 1] = (tonumber(r[9]) or 0) + 1
  end
  redis.call('HSET', KEYS[1], unpack(fields))
end
local complete = 0
if r[2] and tonumber(r[2]) == done then complete = 1 end
return {was, complete}
