-- Marks one item done exactly once: the bit flips and the counters move only for the first caller; every caller
-- learns whether the run is now complete, so a crashed caller's retry can still trigger publication.
-- A published run is history: a late duplicate must neither count nor bring the bitmap back.
if redis.call('HGET', KEYS[1], 'state') == 'published' then return {1, 0} end
local was = redis.call('SETBIT', KEYS[2], ARGV[1], 1)
if was == 0 then
  if redis.call('GETBIT', KEYS[3], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'queued', -1) end
  redis.call('HINCRBY', KEYS[1], 'done', 1)
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[5], 1) end
  redis.call('HINCRBY', KEYS[1], 'promptTokens', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'completionTokens', ARGV[4])
end
local total = redis.call('HGET', KEYS[1], 'total')
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
local complete = 0
if total and tonumber(total) == done then complete = 1 end
return {was, complete}
